"""Latency from a registration POST to its confirmation email accepted by an SMTP server.

Runs the whole platform as ``make run`` starts it (three web apps, three workers) on loopback
against an aiosmtpd sink that timestamps each arrival. Registrations are posted at a steady
rate (20/s and 100/s by default); the baseline is a bare kombu round trip (persistent,
confirmed publish -> consume) at the same rate on the same broker. Rounds interleave baseline
and platform at each rate; p50/p99 are the medians over the rounds, with their spread.
Targets: POST -> SMTP 250 p99 <= 50 ms at 20/s and <= 250 ms at 100/s.
Usage: python bench/notifications_latency.py [--requests N] [--rates 20,100] [--rounds R]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kombu import Connection, Exchange, Producer, Queue  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench.common import (  # noqa: E402
    AMQP,
    SmtpSink,
    at_steady_rate,
    open_event,
    percentiles,
    person,
    request,
    running_platform,
    verdict,
)

TARGET_P99_MS = {20.0: 50.0, 100.0: 250.0}


def queued_and_sent(database_url: str, tag: str) -> dict[str, tuple[float, float]]:
    """Per recipient: when the consumer queued the email and when the relay accepted it (epoch)."""
    engine = create_engine(database_url)
    with engine.connect() as db:
        rows = db.execute(
            text(
                "SELECT recipient_email, created_at, sent_at FROM notifications "
                "WHERE recipient_email LIKE :tag"
            ),
            {"tag": f"{tag}%"},
        )
        found = {row[0]: (row[1].timestamp(), row[2].timestamp()) for row in rows}
    engine.dispose()
    return found


def registration_latencies(
    platform, sink: SmtpSink, path: str, tag: str, count: int, rate: float
) -> dict[str, list[float]]:
    """Latencies in seconds: POST -> email, and the steps from the commit."""
    ports, _, notifications_db = platform
    port = ports["registration"]

    def post(n: int) -> tuple[float, float, float]:
        sent = time.perf_counter()
        status, _, body = request(port, "POST", path, person(n, tag))
        assert status == 201, body
        return sent, time.perf_counter(), time.time()

    times = at_steady_rate(count, rate, post)
    addresses = [f"{tag}{i}@example.org" for i in range(count)]
    sink.wait_for(addresses)
    steps = queued_and_sent(notifications_db, tag)
    delivered = [sink.at[address] for address in addresses]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="registrations per round")
    parser.add_argument("--rates", default="20,100", help="registrations per second")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rates = [float(rate) for rate in args.rates.split(",")]
    samples: dict[tuple[float, str], list[tuple[float, float]]] = {}
    with SmtpSink() as sink, running_platform(sink) as platform:
        ports, token, _ = platform
        path = f"/api/v1/events/{open_event(ports['registration'], token)}/registrations"
        # the first emails of a fresh platform (connections, caches) are not measured
        registration_latencies(platform, sink, path, "warm", 20, 10.0)
        for round_ in range(args.rounds):
            for rate in rates:
                rows = {"bare kombu round trip (baseline)": kombu_latencies(args.requests, rate)}
                tag = f"r{round_}x{rate:g}x"
                rows |= registration_latencies(platform, sink, path, tag, args.requests, rate)
                for label, values in rows.items():
                    samples.setdefault((rate, label), []).append(percentiles(values))
    print(f"cores: {os.cpu_count()}  requests: {args.requests} per round  rounds: {args.rounds}")
    for rate in rates:
        for (at, label), found in samples.items():
            if at != rate:
                continue
            p50s, p99s = [p for p, _ in found], [p for _, p in found]
            print(
                f"{rate:>4g}/s {label:<38} p50 {statistics.median(p50s):8.1f} ms   "
                f"p99 {statistics.median(p99s):8.1f} ms   "
                f"(p99 min {min(p99s):.1f}, max {max(p99s):.1f})"
            )
        p99 = statistics.median(p for _, p in samples[(rate, "POST -> SMTP 250")])
        target = TARGET_P99_MS.get(rate)
        if target is not None:
            judged = verdict(p99, target, at_least=False)
            print(f"{rate:>4g}/s POST -> SMTP 250 p99 target:  {p99:8.1f} ms ({judged})")
        ratio = p99 / statistics.median(
            p for _, p in samples[(rate, "bare kombu round trip (baseline)")]
        )
        print(f"{rate:>4g}/s ratio p99 platform/bare kombu:  {ratio:8.1f}x  (information)")


if __name__ == "__main__":
    main()
