"""Latency from a registration POST to its confirmation email accepted by an SMTP server.

Runs the real processes on loopback: the registration API under gunicorn, the registration
worker (outbox relay), the notifications worker (consumer, delivery loop) and an in-process
aiosmtpd server that timestamps each arrival. Registrations are posted at a steady rate; the
baseline is a bare kombu round trip (persistent, confirmed publish → consume) at the same rate
on the same broker. Prints p50/p99 of both and their difference.
Usage: python bench/notifications_latency.py [--requests N] [--rate R]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiosmtpd.controller import Controller  # noqa: E402
from kombu import Connection, Exchange, Producer, Queue  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench.common import AMQP, ROOT, free_port, gunicorn, request, scratch_database  # noqa: E402
from shared.broker import connect  # noqa: E402
from shared.config import broker_settings  # noqa: E402
from shared.credentials import CredentialStore  # noqa: E402
from shared.topology import platform_topology  # noqa: E402

EVENT = {
    "title": "Latency workshop", "kind": "joint_learning_workshop",
    "venue": {"name": "Hall", "address": "Street 1", "city": "Ghent", "country": "BE"},
    "timezone": "Europe/Brussels", "start": "2031-05-01T09:00:00+02:00",
    "end": "2031-05-01T17:00:00+02:00", "capacity": 100000,
}  # fmt: skip


class Arrivals:
    """aiosmtpd handler: the perf_counter time at which each recipient's email was accepted."""

    def __init__(self):
        self.at: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd hook
        now = time.perf_counter()
        with self.lock:
            for address in envelope.rcpt_tos:
                self.at.setdefault(address, now)
        return "250 accepted"

    def wait_for(self, addresses: list[str], timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not all(address in self.at for address in addresses):
            if time.monotonic() > deadline:
                missing = [a for a in addresses if a not in self.at]
                raise TimeoutError(f"{len(missing)} emails never arrived, e.g. {missing[:3]}")
            time.sleep(0.01)


def person(n: int) -> dict:
    return {"name": f"Bench {n}", "email": f"bench{n}@example.org", "organisation": "Org",
            "organisation_type": "sme", "country": "BE", "role": "sme",
            "consent": True}  # fmt: skip


def at_steady_rate(count: int, rate: float, action) -> list:
    """Start action(i) at t0 + i/rate on a thread pool; returns the results in order."""
    start = time.perf_counter() + 0.05

    def timed(i: int):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        return action(i)

    with ThreadPoolExecutor(max_workers=32) as pool:
        return list(pool.map(timed, range(count)))


@contextlib.contextmanager
def process(module: str, env: dict[str, str]):
    """Run ``python -m module`` with the environment; SIGTERM it afterwards."""
    child = subprocess.Popen(
        [sys.executable, "-m", module],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"},
        cwd=ROOT,
    )
    try:
        yield child
    finally:
        child.terminate()
        child.wait(timeout=30)


def platform_env(tmp: str, ns: str, registration_db: str, notifications_db: str, smtp: int):
    return {
        "DATA_DIR": tmp,
        "ORGANISER_CREDENTIALS_FILE": f"{tmp}/org.json",
        "AMQP_URL": AMQP,
        "SECRET_KEY": "bench",
        "BROKER_NAMESPACE": ns,
        "REGISTRATION_DATABASE_URL": registration_db,
        "NOTIFICATIONS_DATABASE_URL": notifications_db,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp),
        "SMTP_SECURITY": "none",
        "REMINDER_LEAD_TIMES": "",
    }


def migrate(env: dict[str, str]) -> None:
    from services.notifications.entrypoints.manage import migrate as migrate_notifications
    from services.registration.bootstrap import bootstrap as bootstrap_registration

    bootstrap_registration(env, migrate=True).infrastructure.engine.dispose()
    migrate_notifications(env)


def open_event(port: int, token: str) -> str:
    auth = {"Authorization": f"Bearer {token}"}
    status, _, body = request(port, "POST", "/api/v1/events", EVENT, auth)
    assert status == 201, body
    event_id = json.loads(body)["id"]
    status, _, body = request(port, "POST", f"/api/v1/events/{event_id}/publish", None, auth)
    assert status == 200, body
    return event_id


def queued_and_sent(database_url: str) -> dict[str, tuple[float, float]]:
    """Per recipient: when the consumer queued the email and when the relay accepted it (epoch)."""
    engine = create_engine(database_url)
    with engine.connect() as db:
        rows = db.execute(text("SELECT recipient_email, created_at, sent_at FROM notifications"))
        found = {row[0]: (row[1].timestamp(), row[2].timestamp()) for row in rows}
    engine.dispose()
    return found


def registration_latencies(count: int, rate: float, warmup: int) -> dict[str, list[float]]:
    """Latencies in seconds after a warm-up: POST → email, and the steps from the commit."""
    arrivals, smtp_port, ns = Arrivals(), free_port(), "cxbench-" + uuid.uuid4().hex[:8]
    smtp = Controller(arrivals, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    try:
        with (
            scratch_database() as registration_db,
            scratch_database() as notifications_db,
            tempfile.TemporaryDirectory() as tmp,
        ):
            env = platform_env(tmp, ns, registration_db, notifications_db, smtp_port)
            migrate(env)
            _, token = CredentialStore(Path(f"{tmp}/org.json")).mint("bench")
            with (
                process("services.registration.entrypoints.worker", env),
                process("services.notifications.entrypoints.worker", env),
                gunicorn("services.registration.entrypoints.flask_app:create_app()", env) as port,
            ):
                path = f"/api/v1/events/{open_event(port, token)}/registrations"

                def post(n: int) -> tuple[float, float, float]:
                    sent = time.perf_counter()
                    status, _, body = request(port, "POST", path, person(n))
                    assert status == 201, body
                    return sent, time.perf_counter(), time.time()

                for n in range(warmup):
                    post(n)
                arrivals.wait_for([f"bench{n}@example.org" for n in range(warmup)])
                times = at_steady_rate(count, rate, lambda i: post(warmup + i))
                addresses = [f"bench{warmup + i}@example.org" for i in range(count)]
                arrivals.wait_for(addresses)
            steps = queued_and_sent(notifications_db)
        delivered = [arrivals.at[address] for address in addresses]
        queued = [steps[address] for address in addresses]
        return {
            "POST -> SMTP 250": [at - t[0] for t, at in zip(times, delivered, strict=True)],
            "  POST answered (commit) -> SMTP 250": [
                at - t[1] for t, at in zip(times, delivered, strict=True)
            ],
            "    commit -> queued by consumer": [
                q - t[2] for t, (q, _) in zip(times, queued, strict=True)
            ],
            "    queued -> SMTP 250 (delivery)": [s - q for q, s in queued],
        }
    finally:
        smtp.stop()
        delete_namespace(ns)


def delete_namespace(ns: str) -> None:
    topology = platform_topology(broker_settings({"AMQP_URL": AMQP, "BROKER_NAMESPACE": ns}))
    with connect(topology.settings) as connection:
        for entity in topology.all_entities():
            with contextlib.suppress(Exception):
                entity(connection.channel()).delete()


def kombu_latencies(count: int, rate: float) -> list[float]:
    """Publish (persistent, confirmed) → consume (ack) round trips at the same steady rate."""
    ns = "cxbench-" + uuid.uuid4().hex[:8]
    exchange = Exchange(f"{ns}.raw", type="topic", durable=True)
    queue = Queue(f"{ns}.raw.q", exchange, routing_key="#", durable=True)
    received: dict[int, float] = {}
    ready, done = threading.Event(), threading.Event()

    def on_message(body, message) -> None:
        received[body["i"]] = time.perf_counter()
        message.ack()
        if len(received) == count:
            done.set()

    def consume() -> None:
        with (
            Connection(AMQP) as connection,
            connection.Consumer(queue, accept=["json"], prefetch_count=16, callbacks=[on_message]),
        ):
            ready.set()
            while not done.is_set():
                with contextlib.suppress(TimeoutError):
                    connection.drain_events(timeout=0.5)

    with Connection(AMQP, transport_options={"confirm_publish": True}) as connection:
        queue(connection.channel()).declare()
        consumer = threading.Thread(target=consume)
        consumer.start()
        ready.wait(10)
        local = threading.local()

        def publish(i: int) -> float:
            if not hasattr(local, "producer"):
                local.connection = Connection(AMQP, transport_options={"confirm_publish": True})
                local.producer = Producer(local.connection.channel())
            sent = time.perf_counter()
            local.producer.publish(
                {"i": i}, exchange=exchange, routing_key="tick", serializer="json", delivery_mode=2
            )
            return sent

        sent = at_steady_rate(count, rate, publish)
        done.wait(120)
        consumer.join()
        queue(connection.channel()).delete()
        exchange(connection.channel()).delete()
    return [received[i] - sent[i] for i in range(count)]


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[98] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rate", type=float, default=20.0, help="registrations per second")
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    rows = {"bare kombu round trip (baseline)": kombu_latencies(args.requests, args.rate)}
    rows |= registration_latencies(args.requests, args.rate, args.warmup)
    print(f"cores: {os.cpu_count()}  requests: {args.requests}  rate: {args.rate:g}/s")
    for label, samples in rows.items():
        p50, p99 = percentiles(samples)
        print(f"{label:<40} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms")


if __name__ == "__main__":
    main()
