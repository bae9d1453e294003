"""Seed a demo over the public APIs: a joint-learning workshop with two study visits.

Runs once per DATA_DIR (a marker file remembers it); prints an organiser token and the links.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from shared.config import public_url_for, service_settings
from shared.credentials import CredentialStore

log = logging.getLogger("demo")


def _call(method: str, url: str, body: dict | None = None, token: str | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"{}")


def _eventually(action, timeout: float = 60.0):
    """Retry while services start and messages travel; re-raise after the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return action()
        except (urllib.error.URLError, ConnectionError) as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"demo seeding gave up: {exc}") from exc
            time.sleep(0.5)


def _workshop(start: datetime) -> dict:
    return {
        "title": "Smart energy clusters: joint learning workshop",
        "kind": "joint_learning_workshop",
        "description": "Two days of peer learning between energy clusters, with study visits.",
        "venue": {
            "name": "Energy Campus",
            "address": "Rue de la Loi 42",
            "city": "Brussels",
            "country": "BE",
            "lat": 50.8449,
            "lon": 4.3720,
        },
        "timezone": "Europe/Brussels",
        "start": start.isoformat(),
        "end": (start + timedelta(days=1, hours=8)).isoformat(),
        "capacity": 30,
    }


def _visit(title: str, host: str, start: datetime, hours: int, place: dict) -> dict:
    return {
        "title": title,
        "description": f"Study visit to {host}.",
        "host": {
            "organisation": host,
            "contact_name": "Host contact",
            "contact_email": "host@example.org",
        },
        "location": place,
        "start": start.isoformat(),
        "end": (start + timedelta(hours=hours)).isoformat(),
        "capacity": 12,
        "meeting_point": "Campus main entrance",
        "requirements": ["photo ID", "safety briefing"],
    }


def seed(env: dict[str, str]) -> None:
    """Create, publish and furnish the demo workshop; safe to call on every start."""
    marker = Path(env["DATA_DIR"]) / "demo-seeded.json"
    if marker.exists():
        log.info("demo already seeded: " + marker.read_text())
        return
    store = CredentialStore(service_settings("registration", env).organiser_credentials_file)
    _, token = store.mint("Demo organiser")
    registration, scheduling = (
        public_url_for("registration", env),
        public_url_for("scheduling", env),
    )
    tz = ZoneInfo("Europe/Brussels")
    day = (datetime.now(UTC) + timedelta(days=21)).astimezone(tz).date()
    start = datetime(day.year, day.month, day.day, 9, 0, tzinfo=tz)
    event = _eventually(
        lambda: _call("POST", f"{registration}/api/v1/events", _workshop(start), token)
    )
    _call("POST", f"{registration}/api/v1/events/{event['id']}/publish", {}, token)
    visits = f"{scheduling}/api/v1/events/{event['id']}/visits"
    _eventually(lambda: _call("GET", visits, token=token))  # scheduling has heard of it
    grid = {
        "name": "Grid control room",
        "address": "Boulevard de l'Empereur 20, Brussels",
        "lat": 50.8430,
        "lon": 4.3560,
    }
    lab = {"name": "Battery lab", "address": "Pleinlaan 2, Brussels", "lat": 50.8222, "lon": 4.3957}
    _call(
        "POST",
        visits,
        _visit("Grid operator control room", "Elia Grid", start.replace(hour=14), 2, grid),
        token,
    )
    _call(
        "POST",
        visits,
        _visit(
            "Battery research lab",
            "VUB Battery Lab",
            start.replace(hour=14) + timedelta(days=1),
            2,
            lab,
        ),
        token,
    )
    summary = {
        "event_id": event["id"],
        "organiser_token": token,
        "register": f"{registration}/api/v1/events/{event['id']}/registrations",
        "feed": f"{scheduling}/feeds/events/{event['id']}.ics",
    }
    marker.write_text(json.dumps(summary, indent=2))
    log.info("demo seeded", extra={"event_id": event["id"]})  # the token goes to the console only
    print("\nDemo workshop ready:\n" + json.dumps(summary, indent=2), flush=True)


def seed_in_background(env: dict[str, str]) -> threading.Thread:
    """Seed once the services answer, without holding up the supervisor."""

    def run() -> None:
        try:
            seed(env)
        except Exception:  # noqa: BLE001 - the platform keeps running without the demo
            log.exception("demo seeding failed")

    thread = threading.Thread(target=run, name="seed-demo", daemon=True)
    thread.start()
    return thread
