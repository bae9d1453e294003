"""Reminders before a workshop or a visit: one per registration, target and lead time."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

ReminderKind = Literal["event", "visit"]
_OCCURRENCES = uuid.UUID("6f1c1b1e-8a36-4c57-9c2e-1d8f1f3f7a10")


@dataclass(kw_only=True, eq=False)
class Reminder:
    """A reminder that fires once at ``due_at``; it moves (and re-arms) when its target moves."""

    id: str
    registration_id: str
    kind: ReminderKind
    target_id: str
    lead_seconds: int
    due_at: datetime
    status: str = "pending"  # pending | fired | skipped
    fired_at: datetime | None = None

    @property
    def occurrence_id(self) -> str:
        """Names this firing: the same reminder at the same time never makes two emails."""
        return str(uuid.uuid5(_OCCURRENCES, f"{self.id}@{self.due_at.isoformat()}"))

    def reschedule(self, start: datetime, now: datetime) -> None:
        """Follow the target to its new start; re-arm when the new moment is still ahead."""
        due = start - timedelta(seconds=self.lead_seconds)
        if due == self.due_at:
            return
        self.due_at = due
        if due > now:
            self.status, self.fired_at = "pending", None
        elif self.status == "pending":
            self.status = "skipped"

    def fire(self, now: datetime) -> None:
        self.status, self.fired_at = "fired", now

    def skip(self) -> None:
        """Not worth sending any more (the target started, was cancelled or the person left)."""
        self.status = "skipped"


def sync_reminders(
    existing: Iterable[Reminder],
    registration_id: str,
    kind: ReminderKind,
    target_id: str,
    start: datetime,
    leads: Iterable[timedelta],
    now: datetime,
) -> tuple[list[Reminder], list[Reminder]]:
    """Bring one person's reminders for one target in line with its start: (new, obsolete)."""
    by_lead = {reminder.lead_seconds: reminder for reminder in existing}
    wanted = {int(lead.total_seconds()) for lead in leads}
    for lead, reminder in by_lead.items():
        if lead in wanted:
            reminder.reschedule(start, now)
    new = [
        Reminder(
            id=f"{kind}:{target_id}:{registration_id}:{lead}",
            registration_id=registration_id,
            kind=kind,
            target_id=target_id,
            lead_seconds=lead,
            due_at=start - timedelta(seconds=lead),
        )
        for lead in sorted(wanted - by_lead.keys())
        if start - timedelta(seconds=lead) > now
    ]
    return new, [reminder for lead, reminder in by_lead.items() if lead not in wanted]


def closest_per_target(due: list[Reminder]) -> tuple[list[Reminder], list[Reminder]]:
    """Of reminders due together for one person and target, only the last lead is worth sending.

    Returns (to fire, superseded); it happens after downtime, or when a target moved closer.
    """
    closest: dict[tuple[str, str, str], Reminder] = {}
    for reminder in sorted(due, key=lambda r: r.lead_seconds, reverse=True):
        closest[(reminder.registration_id, reminder.kind, reminder.target_id)] = reminder
    chosen = list(closest.values())
    return chosen, [reminder for reminder in due if reminder not in chosen]
