"""Registrations/s on one contended event vs a bare Flask endpoint doing one PostgreSQL insert.

Both run under gunicorn (2 workers × 8 threads) on loopback against fresh PostgreSQL
databases, driven by the same client pool; prints both rates, their ratio, and checks that the
contended event was not overbooked. Usage: python bench/registration_throughput.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.common import gunicorn, load, request, scratch_database  # noqa: E402
from shared.credentials import CredentialStore  # noqa: E402

EVENT = {
    "title": "Contended workshop",
    "kind": "joint_learning_workshop",
    "venue": {"name": "Hall", "address": "Street 1", "city": "Ghent", "country": "BE"},
    "timezone": "Europe/Brussels",
    "start": "2031-05-01T09:00:00+02:00",
    "end": "2031-05-01T17:00:00+02:00",
    "capacity": 100,
}


def person(n: int) -> dict:
    return {
        "name": f"P{n}",
        "email": f"p{n}@example.org",
        "organisation": "Org",
        "organisation_type": "sme",
        "country": "BE",
        "role": "sme",
        "consent": True,
    }


def bench_registration(requests: int, clients: int, server: dict) -> tuple[float, dict]:
    with scratch_database() as url, tempfile.TemporaryDirectory() as tmp:
        env = {
            "REGISTRATION_DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "DATA_DIR": tmp,
            "ORGANISER_CREDENTIALS_FILE": f"{tmp}/org.json",
        }
        _, token = CredentialStore(Path(f"{tmp}/org.json")).mint("bench")
        from services.registration.bootstrap import bootstrap

        bootstrap(env, migrate=True).infrastructure.engine.dispose()
        target = "services.registration.entrypoints.flask_app:create_app()"
        with gunicorn(target, env, **server) as port:
            auth = {"Authorization": f"Bearer {token}"}
            _, _, body = request(port, "POST", "/api/v1/events", EVENT, auth)
            event_id = __import__("json").loads(body)["id"]
            request(port, "POST", f"/api/v1/events/{event_id}/publish", None, auth)
            path = f"/api/v1/events/{event_id}/registrations"
            calls = [lambda n=n: request(port, "POST", path, person(n)) for n in range(requests)]
            rate, results = load(calls, clients)
            statuses = [status for status, _, _ in results]
            _, _, body = request(port, "GET", f"/api/v1/events/{event_id}")
            seats = __import__("json").loads(body)["seats"]
    assert statuses.count(201) == requests, f"failed requests: {set(statuses)}"
    return rate, seats


def bench_bare(requests: int, clients: int, server: dict) -> float:
    with scratch_database() as url:
        engine = create_engine(url)
        with engine.begin() as db:
            db.execute(text("CREATE TABLE bare (id text primary key, body text)"))
        engine.dispose()
        env = {"BARE_DATABASE_URL": url}
        with gunicorn("bench.bare_insert_app:create_app()", env, **server) as port:
            calls = [
                lambda n=n: request(port, "POST", "/insert", person(n)) for n in range(requests)
            ]
            rate, results = load(calls, clients)
    assert all(status == 201 for status, _, _ in results)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, both sides")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker, both sides")
    parser.add_argument("--rounds", type=int, default=3, help="paired rounds; medians reported")
    args = parser.parse_args()
    server = {"workers": args.workers, "threads": args.threads}
    pairs = []
    for _ in range(args.rounds):  # alternate the two sides so noise hits both alike
        bare = bench_bare(args.requests, args.clients, server)
        ours, seats = bench_registration(args.requests, args.clients, server)
        check(seats, args.requests)
        pairs.append((bare, ours))
    bare = statistics.median(b for b, _ in pairs)
    ours = statistics.median(o for _, o in pairs)
    ratio = statistics.median(o / b for b, o in pairs)
    print(
        f"cores: {os.cpu_count()}  requests: {args.requests}  clients: {args.clients}  "
        f"gunicorn: {args.workers} workers x {args.threads} threads"
    )
    print(f"bare Flask + one INSERT:        {bare:8.0f} req/s")
    print(f"registration (100 seats):       {ours:8.0f} req/s")
    print(
        f"ratio registration/bare:        {ratio:8.2f}x  (median of {args.rounds} paired rounds; "
        "target >= 0.5x)"
    )
    print("per round (bare, registration): " + ", ".join(f"{b:.0f}/{o:.0f}" for b, o in pairs))
    print(f"seats in the last round: {seats}; overbooking: none in any round")


def check(seats: dict, requests: int) -> None:
    """Exactly the capacity confirmed, everyone else on the waiting list."""
    if (
        seats["confirmed"] > seats["capacity"]
        or seats["confirmed"] + seats["waitlisted"] != requests
    ):
        raise SystemExit(f"invariant broken: {seats}")


if __name__ == "__main__":
    main()
