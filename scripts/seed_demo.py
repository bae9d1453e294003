"""Seed a demo over the public APIs: a joint-learning workshop with two study visits.

Idempotent: every step's result is saved in ``DATA_DIR/demo-seeded.json`` as soon as it is
done, so a restart (or a run cut short) resumes where it stopped and never mints a second
"Demo organiser" credential or creates a second draft; its POSTs carry an ``Idempotency-Key``
saved with the state, so a retried POST whose first answer was lost is not applied twice.
Every call is retried while the services start on a busy machine: refused connections, socket
timeouts and 5xx answers. It prints a banner with what to open, the token and the mailbox.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from shared.config import data_dir, public_url_for, service_settings
from shared.credentials import CredentialStore

log = logging.getLogger("demo")
CALL_TIMEOUT = 10.0  # seconds a single call may take before it is tried again
RETRY_PAUSE = 0.5
IN_FLIGHT = frozenset({409})  # the same Idempotency-Key is still being handled: wait for it


def _call(
    method: str,
    url: str,
    body: dict | None = None,
    token: str | None = None,
    key: str | None = None,
) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if key:
        request.add_header("Idempotency-Key", key)
    with urllib.request.urlopen(request, timeout=CALL_TIMEOUT) as response:
        return json.loads(response.read() or b"{}")


def _retryable(exc: Exception, also: frozenset[int]) -> bool:
    """A failure a later try can cure: the service is starting, slow, or busy."""
    if isinstance(exc, urllib.error.HTTPError):
        return exc.code >= 500 or exc.code in also
    return isinstance(exc, urllib.error.URLError | ConnectionError | TimeoutError)


def _eventually(action, timeout: float = 120.0, also: frozenset[int] = frozenset()):
    """Retry while services start and messages travel; re-raise after the timeout.

    Refused connections, socket timeouts (``TimeoutError``, which urllib raises as such on a
    slow read) and 5xx answers are retried, and the statuses in ``also``; any other 4xx is a
    real refusal and fails at once.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - sorted by _retryable, the rest re-raised
            if not _retryable(exc, also):
                raise
            if time.monotonic() > deadline:
                raise RuntimeError(f"demo seeding gave up: {exc}") from exc
            time.sleep(RETRY_PAUSE)


class _State:
    """The seeding's progress, saved after every step (0600: it holds the demo token)."""

    def __init__(self, path: Path):
        self.path = path
        self.values: dict = json.loads(path.read_text()) if path.exists() else {}

    def get(self, key: str):
        return self.values.get(key)

    def save(self, **values) -> None:
        self.values.update(values)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.values, indent=2))
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def key(self, step: str) -> str:
        """The Idempotency-Key of a step, the same on every retry and restart."""
        if not self.get(f"key:{step}"):
            self.save(**{f"key:{step}": str(uuid.uuid4())})
        return self.values[f"key:{step}"]

    def post(self, step: str, url: str, body: dict, token: str) -> dict:
        """POST a step under its key, retried; a real refusal drops the key, since the
        service keeps a 4xx answer under its key and would replay it on the next run."""
        key = self.key(step)
        try:
            return _eventually(lambda: _call("POST", url, body, token, key), also=IN_FLIGHT)
        except urllib.error.HTTPError:
            self.values.pop(f"key:{step}")
            self.save()
            raise


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


def _credential(state: _State, store: CredentialStore) -> str:
    """The demo's organiser token: the saved one while it is valid, else one minted now."""
    token = state.get("organiser_token")
    if token and store.authenticate(token) is not None:
        return token
    _, token = store.mint("Demo organiser")
    state.save(organiser_token=token)
    return token


def _event(state: _State, registration: str, token: str, start: datetime) -> str:
    """The demo workshop, created once and published."""
    if not state.get("event_id"):
        event = state.post("event", f"{registration}/api/v1/events", _workshop(start), token)
        state.save(event_id=event["id"])
    event_id = state.get("event_id")
    shown = _eventually(
        lambda: _call("GET", f"{registration}/api/v1/events/{event_id}", token=token)
    )
    if shown["status"] == "draft":
        state.post("publish", f"{registration}/api/v1/events/{event_id}/publish", {}, token)
    return event_id


def _visits(state: _State, scheduling: str, event_id: str, token: str, start: datetime) -> None:
    """The two study visits, each created once (scheduling hears of the event first)."""
    url = f"{scheduling}/api/v1/events/{event_id}/visits"
    listed = _eventually(lambda: _call("GET", url, token=token), also=frozenset({404}))
    have = {visit["title"] for visit in listed["items"]}
    for step, body in _visit_bodies(start):
        if body["title"] not in have:
            state.post(step, url, body, token)


def _visit_bodies(start: datetime) -> list[tuple[str, dict]]:
    grid = {
        "name": "Grid control room",
        "address": "Boulevard de l'Empereur 20, Brussels",
        "lat": 50.8430,
        "lon": 4.3560,
    }
    lab = {"name": "Battery lab", "address": "Pleinlaan 2, Brussels", "lat": 50.8222, "lon": 4.3957}
    afternoon = start.replace(hour=14)
    return [
        ("visit-grid", _visit("Grid operator control room", "Elia Grid", afternoon, 2, grid)),
        (
            "visit-lab",
            _visit(
                "Battery research lab", "VUB Battery Lab", afternoon + timedelta(days=1), 2, lab
            ),
        ),
    ]


def _first_day(state: _State) -> datetime:
    """Nine o'clock, three weeks after the first run (kept, so a resumed run agrees)."""
    if not state.get("start"):
        tz = ZoneInfo("Europe/Brussels")
        day = (datetime.now(UTC) + timedelta(days=21)).astimezone(tz).date()
        state.save(start=datetime(day.year, day.month, day.day, 9, 0, tzinfo=tz).isoformat())
    return datetime.fromisoformat(state.get("start"))


def banner(env: dict[str, str], state: _State) -> str:
    """What the demo prints: what to open, the organiser token and where the emails are."""
    registration = public_url_for("registration", env)
    scheduling = public_url_for("scheduling", env)
    notifications = public_url_for("notifications", env)
    event_id = state.get("event_id")
    mailbox = data_dir(dict(env)) / "mailbox"
    return "\n".join(
        [
            "",
            "=" * 72,
            "Demo workshop ready.",
            f"  Participants: open {registration}/  (register, then check the mailbox)",
            f"  Organisers:   open {registration}/organiser/  and log in with the token",
            f"  Organiser token: {state.get('organiser_token')}",
            f"  Study-visit planner: {scheduling}/organiser/events/{event_id}/visits",
            f"  Delivery log: {notifications}/organiser/notifications",
            f"  Event feed:   {scheduling}/feeds/events/{event_id}.ics",
            f"  Emails: {mailbox}/*.eml (open one in a mail client, or read it as text)"
            if not env.get("SMTP_HOST")
            else f"  Emails: sent through SMTP_HOST={env['SMTP_HOST']}",
            f"  (saved in {state.path}; a restart reuses this token and this workshop)",
            "=" * 72,
        ]
    )


def seed(env: dict[str, str]) -> None:
    """Create, publish and furnish the demo workshop; safe to call on every start."""
    state = _State(Path(env["DATA_DIR"]) / "demo-seeded.json")
    if not state.get("complete"):
        store = CredentialStore(service_settings("registration", env).organiser_credentials_file)
        token = _credential(state, store)
        start = _first_day(state)
        event_id = _event(state, public_url_for("registration", env), token, start)
        _visits(state, public_url_for("scheduling", env), event_id, token, start)
        state.save(complete=True)
        log.info("demo seeded", extra={"event_id": event_id})  # the token: console only
    print(banner(env, state), flush=True)


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
