"""Email throughput of the whole platform under sustained registrations, against one SMTP sink.

Each round starts the platform as ``make run`` does (three web apps, three workers) on
PostgreSQL and RabbitMQ, mailing an aiosmtpd sink on loopback, and offers registrations at a
steady rate for a while. It reports the emails/s the sink accepted and how long after the
last POST the last email arrived. Emails/s is the rate at which the sink took them, from
its first email of the load to its last ((n - 1) / span); measured from the first POST instead
(printed too), 100/s offered could never show 100 emails/s, as every email comes some
milliseconds after its POST. The baseline, measured in
the same round: the very MIME messages the platform sent, sent again over one reused SMTP
connection to the same sink. Targets: >= 100 emails/s and the last email within 2 s of the last
POST, at 100 registrations/s offered. For each round it also prints the CPU time each process
spent per delivered registration: on a shared machine that says where the cost lies even when
the wall-clock figures are noise.
Usage: python bench/email_throughput.py [--rate R] [--seconds S] [--rounds N]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import smtplib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    SmtpSink,
    at_steady_rate,
    cpu_per_item,
    open_event,
    person,
    platform_cpu,
    request,
    running_platform,
    spread,
    verdict,
)

WARMUP = 10
DRAIN_SECONDS = 240.0  # after the last POST; emails still missing then are counted as such


def one_smtp_connection(sink: SmtpSink, messages: list[bytes]) -> float:
    """emails/s for the same messages over one reused connection: the baseline."""
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", sink.port) as smtp:
        for n, content in enumerate(messages):
            smtp.sendmail("bench@example.org", [f"again{n}@example.org"], content)
    return len(messages) / (time.perf_counter() - start)


def one_round(rate: float, seconds: float) -> dict:
    """Offer ``rate`` registrations/s for ``seconds`` s; the figures of this round."""
    with SmtpSink() as sink, running_platform(sink) as (ports, token, _):
        port = ports["registration"]
        path = f"/api/v1/events/{open_event(port, token)}/registrations"

        def post(n: int) -> tuple[int, float]:
            status, _, _ = request(port, "POST", path, person(n))
            return status, time.perf_counter()

        for n in range(WARMUP):
            post(n)
        sink.wait_for([f"bench{n}@example.org" for n in range(WARMUP)])
        count = int(rate * seconds)
        cpu_before = platform_cpu()
        started = time.perf_counter()
        answers = at_steady_rate(count, rate, lambda i: post(WARMUP + i))
        accepted = [WARMUP + i for i, (status, _) in enumerate(answers) if status == 201]
        addresses = [f"bench{n}@example.org" for n in accepted]
        last_post = max(at for _, at in answers)
        # emails still missing after the drain are reported; the round counts what arrived
        with contextlib.suppress(TimeoutError):
            sink.wait_for(addresses, timeout=DRAIN_SECONDS)
        arrived = [address for address in addresses if address in sink.at]
        cpu = cpu_per_item(cpu_before, platform_cpu(), len(arrived))
        last_email = max(sink.at[address] for address in arrived)
        first_email = min(sink.at[address] for address in arrived)
        baseline = one_smtp_connection(sink, [sink.contents[address] for address in arrived])
    return {
        "offered": count / (last_post - started),
        "accepted": len(accepted) / (last_post - started),
        "refused": float(count - len(accepted)),
        "emails": (len(arrived) - 1) / (last_email - first_email),
        "since_post": len(arrived) / (last_email - started),
        "missing": float(len(addresses) - len(arrived)),
        "tail": last_email - last_post,
        "baseline": baseline,
        "cpu": cpu,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=100.0, help="registrations per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rounds = [one_round(args.rate, args.seconds) for _ in range(args.rounds)]

    def column(key: str) -> list[float]:
        return [r[key] for r in rounds]

    emails, tail = statistics.median(column("emails")), statistics.median(column("tail"))
    ratio = statistics.median(r["emails"] / r["baseline"] for r in rounds)
    print(f"cores: {os.cpu_count()}  offered: {args.rate:g}/s for {args.seconds:g} s")
    print(f"registrations offered:            {spread(column('offered'), ' req/s')}")
    print(f"registrations accepted (201):     {spread(column('accepted'), ' req/s')}")
    print(f"registrations refused (not 201):  {spread(column('refused'))}")
    print(f"emails missing {DRAIN_SECONDS:g} s after the load: {spread(column('missing'))}")
    print(f"baseline, one SMTP connection:    {spread(column('baseline'), ' emails/s')}")
    print(f"platform emails accepted by SMTP: {spread(column('emails'), ' emails/s')}")
    print(f"  counted from the first POST:    {spread(column('since_post'), ' emails/s')}")
    print(f"platform last POST -> last email: {spread(column('tail'), ' s', 2)}")
    print(f"emails/s target:                  {emails:8.0f} ({verdict(emails, 100)})")
    print(f"last email target:                {tail:8.2f} s ({verdict(tail, 2, at_least=False)})")
    print(f"ratio platform/one connection:    {ratio:8.2f}x  (information: the sink's limit)")
    print("CPU per delivered registration, by process (ms; information, robust to noise):")
    for n, r in enumerate(rounds, 1):
        print(f"  round {n}: {r['cpu']}")


if __name__ == "__main__":
    main()
