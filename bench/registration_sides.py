"""The three sides of ``bench/registration_throughput.py``: each one served, loaded, measured.

Each returns its rates (requests/s), the CPU milliseconds per request of its web processes,
their PostgreSQL backends and (the service) its worker, measured from /proc around each phase.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.captured_statements import capture, verification_links
from bench.common import (
    AMQP,
    ROOT,
    cpu_seconds,
    delete_namespace,
    gunicorn,
    load,
    person,
    request,
    scratch_database,
)
from shared.credentials import CredentialStore

DRAIN_SECONDS = 180.0
EVENT = {
    "title": "Contended workshop",
    "kind": "joint_learning_workshop",
    "venue": {"name": "Hall", "address": "Street 1", "city": "Ghent", "country": "BE"},
    "timezone": "Europe/Brussels",
    "start": "2031-05-01T09:00:00+02:00",
    "end": "2031-05-01T17:00:00+02:00",
    "capacity": 100,
}


def phase(calls: list, clients: int, roles: dict) -> tuple[float, list, dict[str, float]]:
    """Run the calls; (requests/s, results, CPU ms per request by role)."""
    before = cpu_seconds(roles)
    rate, results = load(calls, clients)
    after = cpu_seconds(roles)
    cpu = {role: (after[role] - before[role]) * 1000 / len(calls) for role in roles}
    return rate, results, cpu


def _database(url: str) -> str:
    return url.rsplit("/", 1)[1]


def bare(requests: int, clients: int, server: dict) -> dict:
    with scratch_database() as url:
        engine = create_engine(url)
        with engine.begin() as db:
            db.execute(text("CREATE TABLE bare (id text primary key, body text)"))
        engine.dispose()
        env = {"BARE_DATABASE_URL": url}
        with gunicorn("bench.bare_insert_app:create_app()", env, **server) as port:
            roles = {"web": f"127.0.0.1:{port}", "postgres": _database(url)}
            calls = [
                lambda n=n: request(port, "POST", "/insert", person(n)) for n in range(requests)
            ]
            rate, results, cpu = phase(calls, clients, roles)
    assert all(status == 201 for status, _, _ in results)
    return {"post": rate, "cpu post": cpu}


def raw(requests: int, clients: int, server: dict) -> dict:
    with scratch_database() as url, tempfile.TemporaryDirectory() as tmp:
        script = capture(url)
        Path(f"{tmp}/script.pickle").write_bytes(pickle.dumps(script))
        env = {"RAW_DATABASE_URL": url, "RAW_SCRIPT": f"{tmp}/script.pickle"}
        with gunicorn("bench.raw_statements_app:create_app()", env, **server) as port:
            roles = {"web": f"127.0.0.1:{port}", "postgres": _database(url)}
            calls = [
                lambda n=n: request(port, "POST", "/register", person(n)) for n in range(requests)
            ]
            post, results, post_cpu = phase(calls, clients, roles)
            assert all(status == 202 for status, _, _ in results)
            links = [json.loads(body)["link"] for _, _, body in results]
            calls = [lambda link=link: request(port, "POST", f"/verify/{link}") for link in links]
            verify, verified, verify_cpu = phase(calls, clients, roles)
    assert all(status == 200 for status, _, _ in verified)
    statements = {
        "post": script.statements(script.post),
        "verify": script.statements(script.verify),
    }
    return _rates(post, verify) | {
        "cpu post": post_cpu,
        "cpu verify": verify_cpu,
        "statements": statements,
    }


def _rates(post: float, verify: float) -> dict:
    return {"post": post, "verify": verify, "verified": 1 / (1 / post + 1 / verify)}


def service(requests: int, clients: int, server: dict) -> dict:
    namespace = "cxbench-" + uuid.uuid4().hex[:8]
    try:
        with scratch_database() as url, tempfile.TemporaryDirectory() as tmp:
            env = {
                "REGISTRATION_DATABASE_URL": url,
                "SECRET_KEY": "bench",
                "DATA_DIR": tmp,
                "ORGANISER_CREDENTIALS_FILE": f"{tmp}/org.json",
                "AMQP_URL": AMQP,
                "BROKER_NAMESPACE": namespace,
            }
            _, token = CredentialStore(Path(f"{tmp}/org.json")).mint("bench")
            from services.registration.bootstrap import bootstrap

            bootstrap(env, migrate=True).infrastructure.engine.dispose()
            with worker(env) as relay, served(env, server) as port:
                roles = {"web": f"127.0.0.1:{port}", "postgres": _database(url), "worker": relay}
                return _register_and_verify(port, token, url, requests, clients, roles)
    finally:
        delete_namespace(namespace)


def served(env: dict, server: dict):
    target = "services.registration.entrypoints.flask_app:create_app()"
    return gunicorn(target, env, **server)


@contextlib.contextmanager
def worker(env: dict) -> Iterator[int]:
    """The service's worker process (relay, timed passes, consumer) as production runs it;
    yields its process id."""
    full = {**os.environ, **env, "PYTHONPATH": str(ROOT), "LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "services.registration.entrypoints.worker"]
    process = subprocess.Popen(command, env=full, cwd=ROOT)
    try:
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _register_and_verify(port, token, url, requests, clients, roles) -> dict:
    auth = {"Authorization": f"Bearer {token}"}
    _, _, body = request(port, "POST", "/api/v1/events", EVENT, auth)
    event_id = json.loads(body)["id"]
    request(port, "POST", f"/api/v1/events/{event_id}/publish", None, auth)
    path = f"/api/v1/events/{event_id}/registrations"
    calls = [lambda n=n: request(port, "POST", path, person(n)) for n in range(requests)]
    post, results, post_cpu = phase(calls, clients, roles)
    assert [s for s, _, _ in results].count(202) == requests, f"failed: {set(results)}"
    links = verification_links(url)
    calls = [lambda link=link: request(port, "POST", f"/api/v1{link}") for link in links]
    verify, verified, verify_cpu = phase(calls, clients, roles)
    assert [s for s, _, _ in verified].count(200) == requests, "failed verifications"
    drained = wait_relayed(url)
    _, _, body = request(port, "GET", f"/api/v1/events/{event_id}")
    return _rates(post, verify) | {
        "cpu post": post_cpu,
        "cpu verify": verify_cpu,
        "seats": json.loads(body)["seats"],
        "drained": drained,
    }


def wait_relayed(url: str) -> float:
    """Seconds until the worker's relay had published every outbox row; fails past a limit."""
    engine = create_engine(url)
    start = time.monotonic()
    query = text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    try:
        while True:
            with engine.connect() as db:
                pending = db.execute(query).scalar_one()
            if pending == 0:
                return time.monotonic() - start
            if time.monotonic() - start > DRAIN_SECONDS:
                raise SystemExit(f"{pending} outbox rows still unrelayed after {DRAIN_SECONDS} s")
            time.sleep(0.2)
    finally:
        engine.dispose()
