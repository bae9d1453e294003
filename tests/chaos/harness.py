"""A bounded chaos run on loopback, Jepsen-style: load, faults on a schedule, drain, account.

The platform (``tests/e2e/platform.py``) runs on a RabbitMQ node (or 3-node cluster) and a
PostgreSQL cluster that this run started itself (``tests/faults.py``): every fault hurts only
those.  Registration and scheduling serve HTTP under gunicorn; the three workers are
subprocesses; mail goes to an in-process SMTP server.  Load threads register participants,
cancel confirmed ones through their manage links and reschedule study visits with booked
participants, all over HTTP, and record every request and its outcome in a ledger
(``tests/chaos/ledger.py``).  Meanwhile faults strike one at a time: broker connections cut,
broker stopped, PostgreSQL crashed, gunicorn and platform workers SIGKILLed (notifications in
the middle of an SMTP conversation), the SMTP server away.  Then the platform drains and
``tests/chaos/accounting.py`` checks the ledger against the state and the mail received.

Used by ``bench/chaos_run.py`` (long runs, ``--cluster``) and ``tests/chaos/test_chaos_short.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from kombu import Connection
from sqlalchemy import create_engine, text

from shared.config import SERVICES, broker_settings
from shared.deadletters import list_dead_letters
from shared.topology import platform_topology
from tests import faults
from tests.chaos.accounting import Email, Minimum, State, account, enough_work, kind_of
from tests.chaos.ledger import OK, UNKNOWN, Ledger, Request, outcome_of
from tests.e2e.platform import STUDY_VISIT, WORKSHOP
from tests.notifications.conftest import SmtpTestServer

# without verification: every public POST is one registration, as the ledger accounts it
EVENT = WORKSHOP | {"title": "Chaos joint learning workshop", "capacity": 20, "verify_email": False}
VISIT = STUDY_VISIT | {"capacity": 10}
# every reschedule moves a visit to a start of its own (n minutes after this), so each PATCH
# answered 200 changes the time, even when two overtake each other: one 'rescheduled' email each
FIRST_SLOT = datetime(2031, 6, 10, 10, 0, tzinfo=timezone(timedelta(hours=2)))
EVENTS, ANCHORS_PER_EVENT = 2, 3
# how long the first PATCH, cancel or POST may wait for an answer before it counts as unknown
REQUEST_TIMEOUT = 10
# how long a registration without an answer is sent again under its Idempotency-Key
REPLAY_SECONDS = 20


LETTERS = str.maketrans("0123456789-", "abcdefghij ")


def person(tag: str) -> dict:
    return {
        "name": "Chaos " + tag.translate(LETTERS),  # names hold letters only
        "email": f"{tag.lower()}@chaos.example.org",
        "organisation": "Org",
        "organisation_type": "sme",
        "country": "DE",
        "role": "sme",
        "consent": True,
    }


def _log(message: str) -> None:
    print(f"[chaos {time.strftime('%H:%M:%S')}] {message}", flush=True)


class ChaosSmtp(SmtpTestServer):
    """The test SMTP server, which can hold its reply to DATA after recording the message.

    While it stalls, a sender killed now has been received but never heard '250': it resends
    the same Message-ID after its restart (the documented at-least-once edge).
    """

    stall = 0.0

    async def handle_DATA(self, server, session, envelope) -> str:
        reply = await super().handle_DATA(server, session, envelope)
        if self.stall:
            await asyncio.sleep(self.stall)
        return reply


class Chaos:
    """One chaos run on a running platform whose broker and database this run started."""

    def __init__(self, platform, smtp: ChaosSmtp, seed: int = 8) -> None:
        env = platform.env
        self.node = faults.owned(env["AMQP_URL"])  # NotOurs unless we started it
        self.postgres = faults.owned(env["REGISTRATION_DATABASE_URL"])
        self.nodes = [faults.owned(url) for url in env["AMQP_URL"].split(";")]
        self.platform, self.smtp = platform, smtp
        self.random = random.Random(seed)
        env.setdefault("EMAIL_SENDERS", "4")
        self.ledger = Ledger(senders=int(env["EMAIL_SENDERS"]))
        self.organiser = platform.organiser()
        self.events: list[str] = []
        self.visits: list[str] = []
        self._moves = 0
        self.sequence: dict[str, int] = {}
        self.cancellable: list[tuple[str, str]] = []  # (email, manage token)
        self.unexpected_exits: list[str] = []
        self.missed_faults: list[str] = []  # faults that could not be injected in time
        self.load_crash: str | None = None
        self._lock = threading.Lock()
        self._background: list[threading.Thread] = []
        self._stop = threading.Event()
        self._local = threading.local()
        self._counter = 0
        self.webs: dict[str, str] = {}
        platform.env["PUBLIC_WRITE_RATE_LIMIT"] = "off"  # all load comes from 127.0.0.1
        self.engines = {
            service: create_engine(env[f"{service.upper()}_DATABASE_URL"], pool_pre_ping=True)
            for service in SERVICES
        }
        self.topology = platform_topology(broker_settings(env))

    # -- HTTP, as a client sees it ---------------------------------------------------------------

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def _call(self, op: str, key: str, method: str, url: str, **kw) -> tuple[Request, dict]:
        """One request, recorded in the ledger with its outcome (unless ``record=False``);
        (request, JSON body)."""
        setup = kw.pop("setup", False)
        target = kw.pop("target", None)
        keep = self.ledger.record if kw.pop("record", True) else (lambda request: request)
        try:
            response = self._session().request(method, url, timeout=REQUEST_TIMEOUT, **kw)
        except requests.RequestException as error:
            request = Request(op, key, UNKNOWN, 0, type(error).__name__, target=target, setup=setup)
            return keep(request), {}
        try:
            body = response.json() if response.content else {}
        except ValueError:
            body = {}
        status = response.status_code
        registration = body if op == "register" and status == 201 else {}
        request = Request(
            op,
            key,
            outcome_of(status),
            status,
            str(body.get("title", ""))[:60] if status >= 400 else "",
            registration.get("id"),
            registration.get("status"),
            target,
            setup,
        )
        return keep(request), body

    def _register(self, event_id: str, setup: bool = False) -> tuple[Request, dict]:
        """Register a fresh person under an ``Idempotency-Key`` (issue #17).

        An attempt without an answer is sent again with the same key and body: once the first
        answer was kept, the service replays it, so the client learns what happened. A 409
        to a replay means the first attempt still holds the key (or died holding it); that,
        or no answer within REPLAY_SECONDS, stays unknown and is resolved from the state.
        Only what the client finally knows goes into the ledger.
        """
        with self._lock:
            self._counter += 1
            tag = f"p{self._counter:05d}-{self.random.randrange(10**6):06d}"
        body = person(tag)
        url = f"{self.webs['registration']}/api/v1/events/{event_id}/registrations"
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        deadline, replays = time.monotonic() + REPLAY_SECONDS, 0
        while True:
            request, answer = self._call(
                "register", body["email"], "POST", url, json=body, headers=headers,
                setup=setup, record=False,
            )  # fmt: skip
            held = replays > 0 and request.status == 409  # the key is still in flight
            if (request.outcome != UNKNOWN and not held) or time.monotonic() > deadline:
                break
            replays += 1
            time.sleep(0.5)
        if held:
            request = replace(request, outcome=UNKNOWN)
        return self.ledger.record(replace(request, replayed=replays > 0)), answer

    def _cancel(self) -> None:
        """Cancel a confirmed registration; a broken attempt is replayed (cancel is idempotent)."""
        with self._lock:
            if not self.cancellable:
                return
            email, token = self.cancellable.pop(self.random.randrange(len(self.cancellable)))
        url = f"{self.webs['registration']}/api/v1/manage/{token}/cancel"
        deadline = time.monotonic() + 30
        while True:
            request, _ = self._call("cancel", email, "POST", url)
            if request.outcome != UNKNOWN or time.monotonic() > deadline:
                return
            time.sleep(0.2)

    def _reschedule(self) -> None:
        with self._lock:
            visit_id = self.random.choice(self.visits)
            self._moves += 1
            start = FIRST_SLOT + timedelta(minutes=self._moves % 600)
        self._call(
            "reschedule",
            visit_id,
            "PATCH",
            f"{self.webs['scheduling']}/api/v1/visits/{visit_id}",
            json={"start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat()},
            headers=self.organiser,
            target=visit_id,
        )

    # -- setup -----------------------------------------------------------------------------------

    def setup(self, timeout: float = 60) -> None:
        """Events published, anchor participants booked on one study visit per event (HTTP)."""
        starting = [
            threading.Thread(target=self._start_web, args=(service, workers))
            for service, workers in (("registration", 2), ("scheduling", 1))
        ]
        for thread in starting:
            thread.start()
        for thread in starting:
            thread.join()
        registration, scheduling = self.webs["registration"], self.webs["scheduling"]
        for n in range(EVENTS):
            event = requests.post(
                f"{registration}/api/v1/events",
                json=EVENT | {"title": f"Chaos {n}"},
                headers=self.organiser,
                timeout=REQUEST_TIMEOUT,
            ).json()
            requests.post(
                f"{registration}/api/v1/events/{event['id']}/publish",
                headers=self.organiser,
                timeout=REQUEST_TIMEOUT,
            )
            self.events.append(event["id"])
        anchors = []
        for event_id in self.events:
            for _ in range(ANCHORS_PER_EVENT):
                request, body = self._register(event_id, setup=True)
                assert request.registration_status == "confirmed", request
                token = body["feed"]["https"].rsplit("/", 1)[1].removesuffix(".ics")
                anchors.append((event_id, request.key, token))
        deadline = time.monotonic() + timeout
        for event_id in self.events:
            path = f"{scheduling}/api/v1/events/{event_id}/visits"
            while requests.get(path, timeout=REQUEST_TIMEOUT).status_code != 200:
                assert time.monotonic() < deadline, "scheduling never heard of the event"
                time.sleep(0.1)
            visit = requests.post(
                path, json=VISIT, headers=self.organiser, timeout=REQUEST_TIMEOUT
            ).json()
            self.visits.append(visit["id"])
            for anchor_event, email, token in anchors:
                if anchor_event == event_id:
                    self._join(visit["id"], email, token, deadline)
            self.sequence[visit["id"]] = self._visit(visit["id"])["sequence"]

    def _start_web(self, service: str, workers: int) -> None:
        self.webs[service] = self.platform.start_web(service, workers=workers)

    def _join(self, visit_id: str, email: str, token: str, deadline: float) -> None:
        """Join until scheduling has heard of the registration (it may not have yet)."""
        url = f"{self.webs['scheduling']}/api/v1/visits/{visit_id}/participants"
        while True:
            headers = {"X-Participant-Token": token}
            request, _ = self._call(
                "join", email, "POST", url, json={}, headers=headers, target=visit_id, setup=True
            )
            if request.outcome == OK:
                return
            assert time.monotonic() < deadline, f"the anchor could not join: {request}"
            time.sleep(0.2)

    def _visit(self, visit_id: str) -> dict:
        url = f"{self.webs['scheduling']}/api/v1/visits/{visit_id}"
        return requests.get(url, headers=self.organiser, timeout=REQUEST_TIMEOUT).json()

    # -- load ------------------------------------------------------------------------------------

    def _load(self, rate: float, seed: int) -> None:
        mix = random.Random(seed)
        try:
            while not self._stop.is_set():
                roll = mix.random()
                if roll < 0.6:
                    request, body = self._register(mix.choice(self.events))
                    if request.registration_status == "confirmed":
                        token = body["manage_url"].rsplit("/", 1)[1]
                        with self._lock:
                            self.cancellable.append((request.key, token))
                elif roll < 0.85:
                    self._cancel()
                else:
                    self._reschedule()
                time.sleep(1 / rate)
        except Exception as error:  # noqa: BLE001 - a dead driver must fail the run, not hide
            self.load_crash = repr(error)
            _log(f"load driver crashed: {error!r}")

    # -- faults ----------------------------------------------------------------------------------

    def _fault(self, name: str) -> None:
        self.ledger.faults.append(f"{time.strftime('%H:%M:%S')} {name}")
        _log(name)

    def kill_worker(self, service: str, down: float = 1) -> None:
        self._fault(f"SIGKILL {service} worker ({down:.0f}s down)")
        if service == "notifications":
            self.ledger.mail_cuts += 1
        self.platform.kill_worker(service)
        time.sleep(down)
        self.platform.start_worker(service)

    def kill_notifications_mid_smtp(self) -> None:
        """SIGKILL the notifications worker while the SMTP server holds its reply to DATA."""
        self._fault("SIGKILL notifications worker in the middle of an SMTP conversation")
        seen = len(self.smtp.messages)
        self.smtp.stall = 10
        try:
            deadline = time.monotonic() + 8
            while len(self.smtp.messages) == seen and time.monotonic() < deadline:
                time.sleep(0.05)
            self.ledger.mail_cuts += 1
            self.platform.kill_worker("notifications")
        finally:
            self.smtp.stall = 0
        self.platform.start_worker("notifications")

    def kill_gunicorn_worker(self) -> None:
        """SIGKILL one of registration's gunicorn workers while requests are in flight."""
        process, _ = self.platform.webs["registration"]
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        self._fault(f"SIGKILL a registration gunicorn worker (of {len(children)})")
        if children:
            os.kill(int(self.random.choice(children)), signal.SIGKILL)

    def restart_web(self) -> None:
        self._fault("SIGTERM registration gunicorn, then start it again")
        port = self.platform.stop_web("registration")
        self.platform.start_web("registration", port, workers=2)

    def crash_postgres(self, down: float) -> None:
        """pg_ctl stop -m immediate, then start: clients see 503, workers must recover alone."""
        self._fault(f"PostgreSQL crash (stop -m immediate, {down:.0f}s down)")
        self.ledger.mail_cuts += 1
        try:
            self.postgres.crash()
            time.sleep(down)
        finally:
            self.postgres.pg_ctl("start")

    def stop_broker(self, down: float) -> None:
        self._fault(f"rabbitmqctl stop_app ({down:.0f}s), then start_app")
        try:
            self.node.stop_app()
            time.sleep(down)
        finally:
            self.node.start_app()

    def kill_node(self, node, down: float) -> None:
        """kill -9 a cluster node; after down seconds it boots again and rejoins."""
        self._fault(f"kill -9 RabbitMQ node {node.node} ({down:.0f}s down)")
        node.signal(signal.SIGKILL)
        time.sleep(down)
        node.start()

    def freeze_node(self, node, seconds: float) -> None:
        self._fault(f"kill -STOP RabbitMQ node {node.node} for {seconds:.0f}s, then -CONT")
        node.signal(signal.SIGSTOP)
        try:
            time.sleep(seconds)
        finally:
            node.signal(signal.SIGCONT)

    def cut_connections(self) -> None:
        """close_all_connections on every node, in the background: rabbitmqctl boots an Erlang
        VM first, which takes from 2 s to a minute on a busy machine; the load waits for it."""
        self._fault("close_all_connections")

        def cut() -> None:
            try:
                for node in self.nodes:
                    node.ctl("close_all_connections", "chaos fault", timeout=180)
            except Exception as error:  # noqa: BLE001 - shown in the table, not a lost message
                self.missed_faults.append(f"close_all_connections: {error!r}"[:120])
                _log(f"close_all_connections failed: {error!r}")
            else:
                _log("connections closed")

        thread = threading.Thread(target=cut, daemon=True)
        thread.start()
        self._background.append(thread)

    def smtp_down(self, down: float) -> None:
        self._fault(f"SMTP server stopped ({down:.0f}s)")
        self.ledger.mail_cuts += 1
        try:
            self.smtp.stop()
            time.sleep(down)
        finally:
            self.smtp.start()

    def combined(self) -> None:
        """Several faults at once: database crash, broker cut, notifications killed."""
        self._fault("combined: PostgreSQL crash + close_all_connections + SIGKILL notifications")
        self.postgres.crash()
        try:
            self.cut_connections()
            self.ledger.mail_cuts += 1
            self.platform.kill_worker("notifications")
            time.sleep(2)
        finally:
            self.postgres.pg_ctl("start")
            self.platform.start_worker("notifications")

    def schedule(self, seconds: float, variant: str) -> list[tuple[float, Callable]]:
        """The faults and when (fraction of the run) each strikes, one at a time.

        ``variant`` is "ci" (the short run: no graceful broker stop, no gunicorn restart,
        both slow to come back), "single" (one broker node) or "cluster" (three nodes).
        """
        outage = max(2.0, min(10.0, seconds / 10))
        faults_at = [
            (0.04, self.cut_connections),
            (0.10, self.kill_notifications_mid_smtp),
            (0.18, lambda: self.crash_postgres(outage)),
            (0.26, self.kill_gunicorn_worker),
            (0.36, lambda: self.smtp_down(outage)),
            (0.44, lambda: self.kill_worker("registration")),
            (0.62, lambda: self.kill_worker("scheduling")),
            (0.78, lambda: self.kill_worker("notifications")),
            (0.86, self.combined),
        ]
        if variant == "cluster":
            first, second, *_ = self.nodes
            faults_at += [
                (0.30, lambda: self.kill_node(first, outage)),
                (0.55, lambda: self.freeze_node(second, 20)),
            ]
        if variant == "single":
            faults_at.append((0.50, lambda: self.stop_broker(outage)))
        if variant != "ci":
            faults_at.append((0.70, self.restart_web))
        return sorted(faults_at, key=lambda item: item[0])

    def _check_workers(self) -> None:
        for service, process in list(self.platform.workers.items()):
            if process.poll() is not None:
                self.unexpected_exits.append(f"{service} exited with {process.returncode}")
                self.platform.workers.pop(service)
                self.platform.start_worker(service)

    def run(
        self,
        seconds: float,
        rate: float,
        variant: str,
        threads: int = 2,
        enough: Callable[[], bool] = lambda: True,
    ) -> float:
        """Load for at least `seconds` while the faults strike, and on (up to twice as long
        again) until `enough` work is done, so a slow machine still does the minimum; returns
        the seconds it took."""
        loaders = [
            threading.Thread(target=self._load, args=(rate / threads, n), daemon=True)
            for n in range(threads)
        ]
        started = time.monotonic()
        for loader in loaders:
            loader.start()
        try:
            for at, fault in self.schedule(seconds, variant):
                delay = started + at * seconds - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                self._check_workers()
                fault()
            remaining = started + seconds - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)
            while not enough() and time.monotonic() < started + 3 * seconds:
                time.sleep(0.5)
            for thread in self._background:
                thread.join(timeout=120)
        finally:
            self._stop.set()
            for loader in loaders:
                loader.join(timeout=60)
            self.smtp.stall = 0
            self.smtp.start()
        self._check_workers()
        took = time.monotonic() - started
        _log(f"load over after {took:.1f}s")
        return took

    # -- drain -----------------------------------------------------------------------------------

    def _scalar(self, service: str, sql: str) -> int:
        with self.engines[service].connect() as db:
            return int(db.execute(text(sql)).scalar_one())

    def queue_depths(self, connection: Connection) -> dict[str, int]:
        """Messages ready in every queue of the namespace, by passive declares (no new VM)."""
        depths = {}
        channel = connection.default_channel
        for entity in self.topology.all_entities():
            if hasattr(entity, "queue_arguments"):
                depths[entity.name] = entity(channel).queue_declare(passive=True)[1]
        return depths

    def backlog(self, connection: Connection) -> dict[str, int]:
        pending = {
            f"{service} outbox": self._scalar(
                service, "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
            )
            for service in SERVICES
        }
        pending["notifications queued"] = self._scalar(
            "notifications", "SELECT count(*) FROM notifications WHERE status = 'queued'"
        )
        pending["broker messages"] = sum(
            n for name, n in self.queue_depths(connection).items() if not name.endswith(".dead")
        )
        return pending

    def drain(self, timeout: float) -> tuple[bool, float, dict[str, int]]:
        """Wait until nothing is pending anywhere (three polls in a row); bounded by timeout."""
        started, quiet, pending = time.monotonic(), 0, {}
        connection = Connection(self.platform.env["AMQP_URL"])
        try:
            while time.monotonic() - started < timeout:
                self._check_workers()
                try:
                    pending = self.backlog(connection)
                except Exception as error:  # noqa: BLE001 - a node still rejoining: poll again
                    pending, quiet = {"broker": repr(error)[:80]}, 0
                    connection.release()
                    connection = Connection(self.platform.env["AMQP_URL"])
                else:
                    quiet = quiet + 1 if not any(pending.values()) else 0
                if quiet >= 3:
                    return True, time.monotonic() - started, pending
                time.sleep(0.3)
        finally:
            connection.release()
        return False, time.monotonic() - started, pending

    # -- account ---------------------------------------------------------------------------------

    def state(self) -> State:
        with self.engines["registration"].connect() as db:
            rows = db.execute(text("SELECT email, id, status FROM registrations")).all()
        moves = {v: self._visit(v)["sequence"] - self.sequence[v] for v in self.visits}
        return State({row.email: (row.id, row.status) for row in rows}, moves)

    def emails(self) -> list[Email]:
        return [
            Email(m["To"].addresses[0].addr_spec, kind_of(str(m["Subject"])), str(m["Message-ID"]))
            for m in self.smtp.messages
        ]

    def infrastructure_rows(self, drained: tuple[bool, float, dict[str, int]]) -> list[tuple]:
        """Drain, workers, seats, outboxes and dead letters: the platform's own invariants."""
        ok, waited, pending = drained
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
        with Connection(self.platform.env["AMQP_URL"]) as connection:
            dead = {
                service: len(list_dead_letters(connection, self.topology, service))
                for service in self.topology.services()
            }
        not_sent = self._scalar(
            "notifications", "SELECT count(*) FROM notifications WHERE status <> 'sent'"
        )
        return [
            ("load", "driver crashed", self.load_crash or 0, self.load_crash is None),
            ("faults", "could not be injected", self.missed_faults or 0, None),
            ("workers", "unexpected exits", self.unexpected_exits or 0, not self.unexpected_exits),
            ("drain", f"drained in {waited:.1f}s", pending, ok),
            ("seats", "overbooked or miscounted events", overbooked or 0, not overbooked),
            ("outbox", "parked (failed_at) rows", parked, not any(parked.values())),
            ("notifications", "not sent (queued/failed)", not_sent, not not_sent),
            (
                "broker",
                "dead letters",
                {k: v for k, v in dead.items() if v} or 0,
                not any(dead.values()),
            ),
        ]

    def account(self, drained, minimum: Minimum) -> list[tuple]:
        rows = account(self.ledger, self.state(), self.emails(), minimum)
        return rows + self.infrastructure_rows(drained)

    def close(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


def chaos_run(
    platform,
    smtp: ChaosSmtp,
    seconds: float,
    drain_timeout: float,
    minimum: Minimum,
    rate: float = 8.0,
    seed: int = 8,
    variant: str = "single",
) -> tuple[list[tuple], dict[str, float]]:
    """Set up, load with faults, drain, account; (table rows, timings)."""
    chaos = Chaos(platform, smtp, seed)
    try:
        started = time.monotonic()
        chaos.setup()
        setup = time.monotonic() - started
        load = chaos.run(seconds, rate, variant, enough=lambda: enough_work(chaos.ledger, minimum))
        drained = chaos.drain(drain_timeout)
        rows = chaos.account(drained, minimum)
        return rows, {"setup": setup, "load": load, "drain": drained[1]}
    finally:
        with contextlib.suppress(Exception):
            chaos.close()
