"""Registration POSTs/s on one contended event against bare Flask and a raw psycopg loop.

Three sides, each under gunicorn (2 workers x 8 threads) on loopback against a fresh PostgreSQL
database, driven by the same client pool, in an order that rotates round by round:

- bare Flask doing one INSERT per request (``bench/bare_insert_app.py``);
- raw psycopg: bare Flask running, per request, the very statements and transactions that one
  registration POST and one verification of the service ran, captured from the service at the
  start of the round (``bench/captured_statements.py``, ``bench/raw_statements_app.py``);
- the service, with its worker running as in production: the relay publishes the outbox to
  RabbitMQ while the load runs, and the round waits until nothing is left unrelayed.

A verified registration is what a participant does: the public POST (202, place held) and the
POST of the link in their verification email (the links are read from the outbox between the
two phases, untimed). Prints the rates (median and spread of the rounds), the ratios (median of
the per-round ratios), the CPU milliseconds per request of each side's web processes and
PostgreSQL backends (on a shared machine these say more than wall-clock rates), statements
per request, and checks that the contended event was not overbooked and holds no seat.
Targets: POST >= 0.8x bare and >= 0.75x raw (#14); a verified registration (POST + verify)
>= 0.5x bare (#3). Usage: python bench/registration_throughput.py [--requests N] [--rounds R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import registration_sides as sides  # noqa: E402
from bench.common import spread, verdict  # noqa: E402

TARGETS = {"POST/bare": 0.8, "POST/raw": 0.75, "verified/bare": 0.5}


def one_round(number: int, args, server: dict) -> dict:
    """All three sides once, in an order that rotates with the round's number."""
    runs = {
        "bare": lambda: sides.bare(args.requests, args.clients, server),
        "raw": lambda: sides.raw(args.requests, args.clients, server),
        "service": lambda: sides.service(args.requests, args.clients, server),
    }
    order = list(runs)[number % 3 :] + list(runs)[: number % 3]
    figures = {side: runs[side]() for side in order}
    check(figures["service"]["seats"], args.requests)
    return figures


def ratios(figures: dict) -> dict[str, float]:
    bare, raw, ours = figures["bare"], figures["raw"], figures["service"]
    return {
        "POST/bare": ours["post"] / bare["post"],
        "POST/raw": ours["post"] / raw["post"],
        "verify/raw": ours["verify"] / raw["verify"],
        "verified/bare": ours["verified"] / bare["post"],
        "verified/raw": ours["verified"] / raw["verified"],
    }


def report(rounds: list[dict], args) -> None:
    def rate(side: str, key: str) -> str:
        return spread([r[side][key] for r in rounds], " req/s")

    def cpu(side: str, phase: str) -> str:
        roles = rounds[0][side][f"cpu {phase}"]
        parts = [
            f"{role} {statistics.median(r[side][f'cpu {phase}'][role] for r in rounds):.2f}"
            for role in roles
        ]
        return ", ".join(parts) + " ms/request"

    print(
        f"cores: {os.cpu_count()}  requests: {args.requests}  clients: {args.clients}  "
        f"gunicorn: {args.workers} workers x {args.threads} threads  rounds: {len(rounds)}  "
        f"load average at the start: {rounds[0]['load']:.1f}"
    )
    script = rounds[-1]["raw"]["statements"]
    print(
        f"statements per request (the service's, one request alone): POST {script['post']}, "
        f"verify {script['verify']}; the raw loop runs the same"
    )
    print(f"bare Flask + one INSERT:            {rate('bare', 'post')}")
    print(f"raw psycopg, the POST's statements:   {rate('raw', 'post')}")
    print(f"raw psycopg, the verify's statements: {rate('raw', 'verify')}")
    print(f"registration POST (202, held):      {rate('service', 'post')}")
    print(f"verification POST (200):            {rate('service', 'verify')}")
    print(f"verified registrations (POST + verify): {rate('service', 'verified')}")
    per_round = [ratios(r) for r in rounds]
    for name in ("POST/bare", "POST/raw", "verify/raw", "verified/bare", "verified/raw"):
        values = [r[name] for r in per_round]
        value = statistics.median(values)
        judged = verdict(value, TARGETS[name]) if name in TARGETS else "information"
        print(
            f"ratio {name + ':':<15}{value:6.2f}x  (min {min(values):.2f}, max {max(values):.2f}; "
            f"{judged})"
        )
    print(f"CPU bare:    {cpu('bare', 'post')}")
    print(f"CPU raw:     POST {cpu('raw', 'post')}; verify {cpu('raw', 'verify')}")
    print(f"CPU service: POST {cpu('service', 'post')}; verify {cpu('service', 'verify')}")
    drained = [r["service"]["drained"] for r in rounds]
    print(
        "outbox: every row relayed by the worker in every round, the last "
        f"{max(drained):.1f} s after the last verification at most"
    )
    print(
        f"seats in the last round: {rounds[-1]['service']['seats']}; overbooking: none in any round"
    )


def check(seats: dict, requests: int) -> None:
    """At most the capacity confirmed, everyone else on the waiting list, nothing held."""
    if (
        seats["confirmed"] > seats["capacity"]
        or seats["confirmed"] + seats["waitlisted"] != requests
        or seats["held"]
    ):
        raise SystemExit(f"invariant broken: {seats}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, every side")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker, every side")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians reported")
    args = parser.parse_args()
    server = {"workers": args.workers, "threads": args.threads}
    rounds = []
    for number in range(args.rounds):
        load = os.getloadavg()[0]
        rounds.append(one_round(number, args, server) | {"load": load})
    report(rounds, args)


if __name__ == "__main__":
    main()
