"""The event form of the organiser pages: its fields as the API's schemas expect them, and back.

Times are typed in the event's own timezone; partner quotas are rows ``quotas.<n>.<field>``.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

EVENT_TEXT = ("title", "kind", "description", "timezone")
VENUE_TEXT = ("name", "address", "city", "country")
QUOTA_FIELDS = ("partner", "seats", "release_at")
MAX_QUOTAS = 20


def local_time(value: str, timezone: str) -> str:
    """A datetime-local field as an ISO time with the event's offset (left as is if invalid)."""
    try:
        naive = datetime.fromisoformat(value)
        return naive.replace(tzinfo=ZoneInfo(timezone)).isoformat()
    except (ValueError, KeyError):
        return value


def event_payload(form) -> dict:
    """The event form as the API's EventInSchema expects it (nested venue, aware times)."""
    data: dict = {k: form.get(k, "").strip() for k in EVENT_TEXT if form.get(k, "").strip()}
    data["venue"] = {k: form.get(f"venue.{k}", "").strip() for k in VENUE_TEXT}
    data["venue"] = {k: v for k, v in data["venue"].items() if v}
    for key in ("start", "end"):
        if form.get(key):
            data[key] = local_time(form[key], data.get("timezone", "UTC"))
    capacity = form.get("capacity", "").strip()
    if capacity:
        data["capacity"] = int(capacity) if capacity.isdigit() else capacity
    data["waitlist_enabled"] = form.get("waitlist_enabled") == "true"
    data["approval_required"] = form.get("approval_required") == "true"
    hours = form.get("waitlist_offer_hours", "").strip()
    if hours:
        data["waitlist_offer_hours"] = int(hours) if hours.isdigit() else hours
    if "retention_until" in form:  # a day: the data is purged at its end, event time
        day = form["retention_until"].strip()
        data["retention_until"] = (
            local_time(f"{day}T23:59", data.get("timezone", "UTC")) if day else None
        )
    data["quotas"] = quota_rows(form, data.get("timezone", "UTC"))
    return data


def quota_rows(form, timezone: str) -> list[dict]:
    """The partner quota rows of the form (``quotas.<n>.partner`` …) that are filled in."""
    rows = []
    for n in range(MAX_QUOTAS):
        row = {k: form.get(f"quotas.{n}.{k}", "").strip() for k in QUOTA_FIELDS}
        if not any(row.values()):
            continue
        if row["seats"].isdigit():
            row["seats"] = int(row["seats"])  # type: ignore[assignment]
        if row["release_at"]:
            row["release_at"] = local_time(row["release_at"], timezone)
        rows.append({k: v for k, v in row.items() if v != ""})
    return rows


def form_values(event: dict) -> dict:
    """An event view as flat form values."""
    shown = (*EVENT_TEXT, "capacity", "waitlist_enabled", "waitlist_offer_hours")
    values = {k: event[k] for k in shown}
    values["approval_required"] = event["approval_required"]
    values.update({f"venue.{k}": event["venue"][k] for k in VENUE_TEXT})
    zone = ZoneInfo(event["timezone"])
    for key in ("start", "end"):
        values[key] = event[key].astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    if event["retention_until"]:
        values["retention_until"] = event["retention_until"].astimezone(zone).strftime("%Y-%m-%d")
    for n, quota in enumerate(event["quotas"]):
        values |= {f"quotas.{n}.partner": quota["partner"], f"quotas.{n}.seats": quota["seats"]}
        values[f"quotas.{n}.release_at"] = (
            quota["release_at"].astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        )
    return values


def quota_count(values: dict) -> int:
    """How many quota rows the form shows: those filled in and two blank ones."""
    filled = [
        n for n in range(MAX_QUOTAS) if any(values.get(f"quotas.{n}.{k}") for k in QUOTA_FIELDS)
    ]
    return min(MAX_QUOTAS, (max(filled) + 1 if filled else 0) + 2)
