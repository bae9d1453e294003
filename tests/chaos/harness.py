"""A bounded chaos run on loopback, Jepsen-style: load, faults on a schedule, drain, account.

The three workers run as subprocesses (``tests/e2e/platform.py``) against the local RabbitMQ
and fresh PostgreSQL databases, mailing an in-process SMTP server; registration's web app runs
under gunicorn (a subprocess, for the load) and scheduling's in-process behind a Flask test
client.  While a load thread registers participants, cancels them through their manage links
and reschedules study visits with booked participants, the fault thread closes every broker
connection, stops and restarts the broker application, SIGKILLs (and restarts) each worker,
SIGTERMs and restarts registration's gunicorn and takes the SMTP server away for a while.
Then the platform drains and every committed state change is accounted for: exactly one email
per recipient and kind, nothing overbooked, outboxes empty, dead-letter queues empty.

Used by ``bench/chaos_run.py`` (long run) and ``tests/chaos/test_chaos_short.py`` (CI).
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests
from kombu import Connection
from sqlalchemy import create_engine, text

from services.notifications.adapters.mime import message_id
from shared.config import SERVICES
from tests.e2e.platform import STUDY_VISIT, WORKSHOP

EVENT = WORKSHOP | {"title": "Chaos joint learning workshop", "capacity": 20}
VISIT = STUDY_VISIT | {"capacity": 10}
# time slots a visit is moved between (each move changes the time: one 'rescheduled' email each)
SLOTS = [
    ("2031-06-10T10:00:00+02:00", "2031-06-10T12:00:00+02:00"),
    ("2031-06-10T14:00:00+02:00", "2031-06-10T16:00:00+02:00"),
    ("2031-06-11T10:00:00+02:00", "2031-06-11T12:00:00+02:00"),
    ("2031-06-11T14:00:00+02:00", "2031-06-11T16:00:00+02:00"),
]
EVENTS, ANCHORS_PER_EVENT = 2, 3
# registration message type -> the kind of email it must cause (reason "participant")
REGISTRATION_KINDS = {
    "registration.confirmed": "registration_confirmed",
    "registration.waitlisted": "registration_waitlisted",
    "registration.pending": "registration_pending",
    "registration.promoted": "registration_promoted",
    "registration.rejected": "registration_rejected",
    "registration.cancelled": "registration_cancelled",
}
VISIT_KINDS = {
    "visit.participant_added": "visit_joined",
    "visit.participant_removed": "visit_left",
}
MOVING_FIELDS = {"start", "end", "timezone", "location"}


def person(tag: str) -> dict:
    return {
        "name": f"Chaos {tag}",
        "email": f"{tag.lower()}@chaos.example.org",
        "organisation": "Org",
        "organisation_type": "sme",
        "country": "DE",
        "role": "sme",
        "consent": True,
    }


def rabbitmqctl(*args: str, timeout: float = 60) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=timeout)


def _log(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", flush=True)


@dataclass
class Ledger:
    """What the load driver did and saw (the client's side of the history)."""

    registered: Counter = field(default_factory=Counter)  # status in the 201 -> count
    register_errors: Counter = field(default_factory=Counter)
    register_unknown: int = 0  # attempts whose connection broke: outcome only in the database
    cancelled: int = 0
    cancelled_on_retry: int = 0  # 409 "already cancelled" after a broken attempt
    cancel_errors: Counter = field(default_factory=Counter)
    reschedules: int = 0
    reschedule_errors: Counter = field(default_factory=Counter)
    initial_status: dict[str, str] = field(default_factory=dict)  # registration id -> status
    faults: list[str] = field(default_factory=list)


class Chaos:
    """One chaos run on a running ``tests.e2e.platform.Platform`` and an SmtpTestServer."""

    def __init__(self, platform, smtp, amqp_url: str, namespace: str, seed: int = 8) -> None:
        self.platform, self.smtp = platform, smtp
        self.amqp_url, self.namespace = amqp_url, namespace
        self.random = random.Random(seed)
        self.ledger = Ledger()
        self.organiser = platform.organiser()
        self.events: list[str] = []
        self.visits: list[str] = []
        self.slot = {}
        self.anchors: set[str] = set()
        self.cancellable: list[tuple[str, str]] = []  # (registration id, manage token)
        self.unexpected_exits: list[str] = []
        self.load_crash: str | None = None
        self._stop = threading.Event()
        self._counter = 0
        self.web: str | None = None  # registration's gunicorn, once set up
        self.session = requests.Session()
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter
        platform.env["PUBLIC_WRITE_RATE_LIMIT"] = "off"  # all load comes from 127.0.0.1
        self.engines = {
            service: create_engine(
                platform.env[f"{service.upper()}_DATABASE_URL"], pool_pre_ping=True
            )
            for service in SERVICES
        }

    # -- setup ---------------------------------------------------------------------------------

    def _register(self, client, event_id: str) -> dict | None:
        """Register a fresh person; over HTTP a broken attempt is retried as a NEW person.

        A POST whose connection broke may or may not have committed: it is never replayed
        (that could register the same person twice); the database tells its outcome.
        """
        deadline = time.monotonic() + 20
        while True:
            self._counter += 1
            tag = f"p{self._counter:05d}-{self.random.randrange(10**6):06d}"
            path = f"/api/v1/events/{event_id}/registrations"
            if client is None:
                try:
                    response = self.session.post(self.web + path, json=person(tag), timeout=10)
                except requests.RequestException as error:
                    self.ledger.register_errors[type(error).__name__] += 1
                    self.ledger.register_unknown += 1
                    if time.monotonic() > deadline or self._stop.is_set():
                        return None
                    time.sleep(0.1)
                    continue
                status, body = response.status_code, response.json() if response.content else {}
            else:
                response = client.post(path, json=person(tag))
                status, body = response.status_code, response.json
            break
        if status != 201:
            self.ledger.register_errors[str(status)] += 1
            return None
        self.ledger.registered[body["status"]] += 1
        self.ledger.initial_status[body["id"]] = body["status"]
        return body

    def setup(self, timeout: float = 30) -> None:
        """Events published, a few anchor participants booked on one study visit per event."""
        registration = self.platform.client("registration")
        scheduling = self.platform.client("scheduling")
        for n in range(EVENTS):
            event = registration.post(
                "/api/v1/events", json=EVENT | {"title": f"Chaos {n}"}, headers=self.organiser
            ).json
            registration.post(f"/api/v1/events/{event['id']}/publish", headers=self.organiser)
            self.events.append(event["id"])
        anchors = []
        for event_id in self.events:
            for _ in range(ANCHORS_PER_EVENT):
                body = self._register(registration, event_id)
                assert body and body["status"] == "confirmed", body
                token = body["feed"]["https"].rsplit("/", 1)[1].removesuffix(".ics")
                anchors.append((event_id, body["id"], token))
                self.anchors.add(body["id"])
        deadline = time.monotonic() + timeout
        for event_id in self.events:
            path = f"/api/v1/events/{event_id}/visits"
            while scheduling.get(path).status_code != 200:
                assert time.monotonic() < deadline, "scheduling never heard of the event"
                time.sleep(0.1)
            visit = scheduling.post(path, json=VISIT, headers=self.organiser).json
            self.visits.append(visit["id"])
            self.slot[visit["id"]] = 1
            for anchor_event, _, token in anchors:
                if anchor_event != event_id:
                    continue
                while (
                    scheduling.post(
                        f"/api/v1/visits/{visit['id']}/participants",
                        json={},
                        headers={"X-Participant-Token": token},
                    ).status_code
                    != 201
                ):
                    assert time.monotonic() < deadline, "the anchor could not join the visit"
                    time.sleep(0.1)
        self.web = self.platform.start_web("registration")

    # -- load ----------------------------------------------------------------------------------

    def _cancel(self) -> None:
        """Cancel through the manage link; a broken attempt is replayed (cancel is idempotent)."""
        if not self.cancellable:
            return
        _, token = self.cancellable.pop(self.random.randrange(len(self.cancellable)))
        deadline, broken = time.monotonic() + 20, False
        while True:
            try:
                response = self.session.post(f"{self.web}/api/v1/manage/{token}/cancel", timeout=10)
                break
            except requests.RequestException as error:
                self.ledger.cancel_errors[type(error).__name__] += 1
                broken = True
                if time.monotonic() > deadline or self._stop.is_set():
                    return
                time.sleep(0.1)
        if response.status_code == 200:
            self.ledger.cancelled += 1
        elif broken and response.status_code == 409:
            self.ledger.cancelled_on_retry += 1
        else:
            self.ledger.cancel_errors[str(response.status_code)] += 1

    def _reschedule(self, client) -> None:
        visit_id = self.random.choice(self.visits)
        self.slot[visit_id] = (self.slot[visit_id] + 1) % len(SLOTS)
        start, end = SLOTS[self.slot[visit_id]]
        try:
            response = client.patch(
                f"/api/v1/visits/{visit_id}",
                json={"start": start, "end": end},
                headers=self.organiser,
            )
        except Exception as error:  # noqa: BLE001
            self.ledger.reschedule_errors[type(error).__name__] += 1
            return
        if response.status_code == 200:
            self.ledger.reschedules += 1
        else:
            self.ledger.reschedule_errors[f"{response.status_code} {response.data[:80]!r}"] += 1

    def _load(self, rate: float) -> None:
        try:
            self._drive(rate)
        except Exception as error:  # noqa: BLE001 - a dead driver must fail the run, not hide
            self.load_crash = repr(error)
            _log(f"load driver crashed: {error!r}")

    def _drive(self, rate: float) -> None:
        scheduling = self.platform.client("scheduling")
        while not self._stop.is_set():
            roll = self.random.random()
            if roll < 0.6:
                body = self._register(None, self.random.choice(self.events))
                if body is not None:
                    token = body["manage_url"].rsplit("/", 1)[1]
                    self.cancellable.append((body["id"], token))
            elif roll < 0.88:
                self._cancel()
            else:
                self._reschedule(scheduling)
            time.sleep(1 / rate)

    # -- faults --------------------------------------------------------------------------------

    def _fault(self, name: str) -> None:
        self.ledger.faults.append(f"{time.strftime('%H:%M:%S')} {name}")
        _log(name)

    def _kill_and_restart(self, service: str, down: float) -> None:
        self._fault(f"SIGKILL {service} worker ({down:.0f}s down)")
        self.platform.kill_worker(service)
        time.sleep(down)
        self.platform.start_worker(service)

    def _restart_web(self) -> None:
        self._fault("SIGTERM registration gunicorn, then start it again")
        port = self.platform.stop_web("registration")
        self.platform.start_web("registration", port)

    def _broker_down(self, down: float) -> None:
        self._fault(f"rabbitmqctl stop_app ({down:.0f}s) then start_app")
        try:
            rabbitmqctl("stop_app")
            time.sleep(down)
        finally:
            rabbitmqctl("start_app")
            rabbitmqctl("await_startup")

    def _smtp_down(self, down: float) -> None:
        self._fault(f"SMTP server stopped ({down:.0f}s)")
        try:
            self.smtp.stop()
            time.sleep(down)
        finally:
            self.smtp.start()

    def _check_workers(self) -> None:
        for service, process in list(self.platform.workers.items()):
            if process.poll() is not None:
                self.unexpected_exits.append(f"{service} exited with {process.returncode}")
                self.platform.workers.pop(service)
                self.platform.start_worker(service)

    def schedule(self, seconds: float) -> list[tuple[float, Any]]:
        """The faults and when (fraction of the run) they strike."""
        outage = max(3.0, min(10.0, seconds / 8))
        return [
            (0.08, lambda: (self._fault("close_all_connections"), self._close_all())),
            (0.16, lambda: self._kill_and_restart("notifications", 2)),
            (0.26, lambda: self._smtp_down(outage)),
            (0.36, self._restart_web),
            (0.42, lambda: self._kill_and_restart("registration", 1)),
            (0.50, lambda: self._broker_down(min(outage, 5))),
            (0.70, lambda: self._kill_and_restart("scheduling", 1)),
            (0.80, lambda: (self._fault("close_all_connections"), self._close_all())),
        ]

    def _close_all(self) -> None:
        rabbitmqctl("close_all_connections", "chaos fault")

    def run(self, seconds: float, rate: float = 25.0) -> None:
        """Load for `seconds` while the faults strike; always leaves broker and SMTP up."""
        loader = threading.Thread(target=self._load, args=(rate,), daemon=True)
        started = time.monotonic()
        loader.start()
        try:
            for at, fault in self.schedule(seconds):
                delay = started + at * seconds - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                self._check_workers()
                fault()
            remaining = started + seconds - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)
        finally:
            self._stop.set()
            loader.join(timeout=30)
            self.smtp.start()
            with contextlib.suppress(Exception):
                rabbitmqctl("start_app")
                rabbitmqctl("await_startup")
        self._check_workers()
        _log(f"load over after {time.monotonic() - started:.1f}s")

    # -- drain and account ---------------------------------------------------------------------

    def _scalar(self, service: str, sql: str) -> int:
        with self.engines[service].connect() as db:
            return int(db.execute(text(sql)).scalar_one())

    def backlog(self) -> dict[str, int]:
        pending = {
            f"{service} outbox": self._scalar(
                service,
                "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
            )
            for service in SERVICES
        }
        pending["notifications queued"] = self._scalar(
            "notifications", "SELECT count(*) FROM notifications WHERE status = 'queued'"
        )
        pending["broker messages"] = sum(
            count for name, count in self.queue_depths().items() if not name.endswith(".dead")
        )
        return pending

    def queue_depths(self) -> dict[str, int]:
        listing = subprocess.run(
            ["rabbitmqctl", "list_queues", "-q", "--no-table-headers", "name", "messages"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        depths = {}
        for line in listing.stdout.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0].startswith(self.namespace + "."):
                depths[parts[0]] = int(parts[1])
        return depths

    def drain(self, timeout: float) -> tuple[bool, float, dict[str, int]]:
        """Wait until nothing is pending anywhere (twice in a row); bounded by timeout."""
        started = time.monotonic()
        quiet = 0
        pending: dict[str, int] = {}
        while time.monotonic() - started < timeout:
            self._check_workers()
            pending = self.backlog()
            quiet = quiet + 1 if not any(pending.values()) else 0
            if quiet >= 3:
                return True, time.monotonic() - started, pending
            time.sleep(0.3)
        return False, time.monotonic() - started, pending

    def dead_letters(self) -> dict[str, list[str]]:
        from shared.config import broker_settings
        from shared.deadletters import list_dead_letters
        from shared.topology import platform_topology

        settings = broker_settings(self.platform.env)
        found = {}
        with Connection(self.amqp_url) as connection:
            topology = platform_topology(settings)
            for service in SERVICES:
                found[service] = [
                    f"{letter.message_type} from {letter.origin_queue}: {letter.reason} "
                    f"(attempts {letter.attempts})"
                    for letter in list_dead_letters(connection, topology, service)
                ]
        return found

    def _outbox(self, service: str, prefix: str) -> list[dict]:
        with self.engines[service].connect() as db:
            rows = db.execute(
                text(
                    "SELECT message_type, body, sent_at, failed_at, last_error FROM outbox "
                    "WHERE message_type LIKE :prefix ORDER BY id"
                ),
                {"prefix": prefix + "%"},
            ).all()
        return [
            {
                "type": row.message_type,
                "body": json.loads(row.body),
                "sent": row.sent_at is not None,
                "failed": row.failed_at is not None,
                "last_error": row.last_error,
            }
            for row in rows
        ]

    def expected(self) -> tuple[Counter, list[str]]:
        """(registration id, kind) -> emails the committed history calls for; and history errors.

        Registration: every registration's messages in its outbox (written in the transaction
        of the state change), checked against the registration's final row and against what
        the client saw in the 201.  Scheduling: joins, and one 'rescheduled' per booked
        participant for every committed time/place change.
        """
        problems: list[str] = []
        expected: Counter = Counter()
        history: dict[str, list[str]] = {}
        for row in self._outbox("registration", "registration."):
            payload = row["body"]["payload"]
            history.setdefault(payload["registration_id"], []).append(row["type"])
            kind = REGISTRATION_KINDS[row["type"]]
            if row["type"] == "registration.cancelled" and payload["reason"] == "event":
                kind = "event_cancelled"
            expected[(payload["registration_id"], kind)] += 1
        with self.engines["registration"].connect() as db:
            final = dict(db.execute(text("SELECT id, status FROM registrations")).all())
        for registration_id, status in final.items():
            steps = history.get(registration_id, [])
            if not steps:
                problems.append(f"{registration_id} ({status}) has no message in the outbox")
                continue
            first = steps[0].split(".")[1]
            seen = self.ledger.initial_status.get(registration_id)
            if seen is not None and seen != first:
                problems.append(f"{registration_id}: client saw {seen}, first message {first}")
            last = steps[-1].split(".")[1]
            if {"promoted": "confirmed"}.get(last, last) != status:
                problems.append(f"{registration_id}: final {status}, last message {last}")
            if len(steps) != len(set(steps)):
                problems.append(f"{registration_id}: repeated state change {steps}")
        for registration_id in history.keys() - final.keys():
            problems.append(f"{registration_id}: messages for an unknown registration")
        for row in self._outbox("scheduling", "visit."):
            payload = row["body"]["payload"]
            if row["type"] in VISIT_KINDS:
                expected[(payload["registration_id"], VISIT_KINDS[row["type"]])] += 1
            elif row["type"] == "visit.updated":
                changed = {change["field"] for change in payload["changes"]}
                if changed & MOVING_FIELDS:
                    for registration_id in payload["participants"]:
                        expected[(registration_id, "visit_rescheduled")] += 1
            elif row["type"] == "visit.cancelled":
                for registration_id in payload["participants"]:
                    expected[(registration_id, "visit_cancelled")] += 1
        return expected, problems

    def account(self, drained: tuple[bool, float, dict[str, int]]) -> tuple[list, bool]:
        """The table of invariants; (rows, all passed)."""
        ok, waited, pending = drained
        expected, history_problems = self.expected()
        with self.engines["notifications"].connect() as db:
            rows = db.execute(
                text(
                    "SELECT id, registration_id, kind, status, last_error, recipient_email "
                    "FROM notifications"
                )
            ).all()
        delivered = Counter((r.registration_id, r.kind) for r in rows if r.status == "sent")
        not_sent = [f"{r.kind} {r.status}: {r.last_error}" for r in rows if r.status != "sent"]
        with self.engines["notifications"].connect() as db:
            retried = db.execute(
                text("SELECT count(*) FROM notifications WHERE attempts > 1")
            ).scalar_one()
        lost = expected - delivered
        duplicated = delivered - expected
        smtp_ids = Counter(str(m["Message-ID"]) for m in self.smtp.messages)
        smtp_to = {str(m["Message-ID"]): str(m["To"]) for m in self.smtp.messages}
        # what the SMTP server received, traced back to (registration, kind) by Message-ID
        domain = self.platform.env.get("MAIL_FROM", "workshops@clusterxchange.local")
        by_header = {message_id(r.id, domain.rpartition("@")[2]): r for r in rows}
        received = Counter(
            (by_header[h].registration_id, by_header[h].kind) for h in smtp_ids if h in by_header
        )
        strangers = [h for h in smtp_ids if h not in by_header]
        misaddressed = [
            h for h in smtp_ids if h in by_header and by_header[h].recipient_email not in smtp_to[h]
        ]
        smtp_lost, smtp_duplicated = expected - received, received - expected
        smtp_redelivered = sum(count - 1 for count in smtp_ids.values())
        with self.engines["registration"].connect() as db:
            seats = db.execute(
                text(
                    "SELECT e.id, e.capacity, e.confirmed_count, "
                    "(SELECT count(*) FROM registrations r "
                    " WHERE r.event_id = e.id AND r.status = 'confirmed') AS confirmed "
                    "FROM events e"
                )
            ).all()
        overbooked = [
            f"{s.id[:8]} cap {s.capacity} count {s.confirmed_count} rows {s.confirmed}"
            for s in seats
            if not (s.confirmed_count <= s.capacity and s.confirmed_count == s.confirmed)
        ]
        parked = {
            service: self._scalar(
                service, "SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL"
            )
            for service in SERVICES
        }
        dead = self.dead_letters()
        dead_count = sum(len(letters) for letters in dead.values())
        by_kind = Counter(kind for _, kind in expected.elements())
        table = [
            ("load", "registrations (201)", dict(self.ledger.registered), None),
            ("load", "registration errors", dict(self.ledger.register_errors), None),
            ("load", "registrations of unknown outcome", self.ledger.register_unknown, None),
            ("load", "cancellations (200)", self.ledger.cancelled, None),
            ("load", "cancelled by a broken attempt (409)", self.ledger.cancelled_on_retry, None),
            ("load", "cancellation errors", dict(self.ledger.cancel_errors), None),
            ("load", "visit reschedules (200)", self.ledger.reschedules, None),
            ("load", "reschedule errors", dict(self.ledger.reschedule_errors), None),
            ("load", "driver crashed", self.load_crash or 0, self.load_crash is None),
            ("faults", "injected", len(self.ledger.faults), None),
            ("registration", "final statuses", self.final_statuses(), None),
            ("workers", "unexpected exits", self.unexpected_exits or 0, not self.unexpected_exits),
            ("drain", f"drained in {waited:.1f}s", pending, ok),
            (
                "history",
                "registration history consistent",
                history_problems[:5] or 0,
                not history_problems,
            ),
            ("emails", "expected (by kind)", dict(sorted(by_kind.items())), None),
            ("emails", "expected total", sum(expected.values()), None),
            ("emails", "sent notifications", sum(delivered.values()), None),
            ("emails", "LOST", sum(lost.values()), not lost),
            ("emails", "DUPLICATED", sum(duplicated.values()), not duplicated),
            ("emails", "not sent (queued/failed)", not_sent[:5] or 0, not not_sent),
            ("emails", "delivered after SMTP retries (attempts > 1)", retried, None),
            ("smtp", "distinct emails received", len(smtp_ids), None),
            ("smtp", "LOST (expected, never received)", sum(smtp_lost.values()), not smtp_lost),
            (
                "smtp",
                "DUPLICATED (distinct emails)",
                sum(smtp_duplicated.values()),
                not smtp_duplicated,
            ),
            (
                "smtp",
                "unknown Message-ID or wrong recipient",
                len(strangers) + len(misaddressed),
                not strangers and not misaddressed,
            ),
            ("smtp", "re-sent same Message-ID (at-least-once edge)", smtp_redelivered, None),
            ("seats", "overbooked or miscounted events", overbooked or 0, not overbooked),
            ("outbox", "parked (failed_at) rows", parked, not any(parked.values())),
            ("broker", "dead letters", {k: v for k, v in dead.items() if v} or 0, not dead_count),
        ]
        if lost:
            table.append(("emails", "lost detail", sorted(lost.elements())[:5], False))
        if duplicated:
            table.append(("emails", "duplicated detail", sorted(duplicated.elements())[:5], False))
        if smtp_lost or smtp_duplicated:
            detail = sorted((smtp_lost + smtp_duplicated).elements())[:5]
            table.append(("smtp", "lost/duplicated detail", detail, False))
        return table, all(passed is not False for *_, passed in table)

    def final_statuses(self) -> dict[str, int]:
        with self.engines["registration"].connect() as db:
            rows = db.execute(
                text("SELECT status, count(*) FROM registrations GROUP BY status ORDER BY status")
            ).all()
        return {status: count for status, count in rows}

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


def render(table: list) -> str:
    width = max(len(f"{area} {what}") for area, what, *_ in table) + 2
    lines = [f"{'check':<{width}} {'ok':<4} value", "-" * (width + 40)]
    for area, what, value, passed in table:
        mark = "" if passed is None else ("PASS" if passed else "FAIL")
        lines.append(f"{area + ' ' + what:<{width}} {mark:<4} {value}")
    return "\n".join(lines)


def chaos_run(platform, smtp, amqp_url, namespace, seconds, drain_timeout, seed=8):
    """Set up, load with faults, drain, account; returns (table, passed)."""
    chaos = Chaos(platform, smtp, amqp_url, namespace, seed)
    try:
        chaos.setup()
        chaos.run(seconds)
        drained = chaos.drain(drain_timeout)
        return chaos.account(drained)
    finally:
        chaos.close()
