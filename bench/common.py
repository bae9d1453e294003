"""Helpers the benchmarks share: throwaway PostgreSQL databases, gunicorn servers, load."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
AMQP = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one benchmark, dropped afterwards."""
    name = "cx_bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as db:
            db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(target: str, env: dict[str, str], workers: int = 4, threads: int = 2):
    """Serve a WSGI factory on a loopback port; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            target,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        env={
            "PUBLIC_WRITE_RATE_LIMIT": "off",  # load comes from one address: 127.0.0.1
            **os.environ,
            **env,
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
        },
        cwd=ROOT,
    )
    try:
        wait_healthy(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def wait_healthy(port: int, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    """Block until ``/healthz`` answers 200 (an open port is not a ready app)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before it was ready")
        url = f"http://127.0.0.1:{port}/healthz"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as answer:
            if answer.status == 200:
                return
        time.sleep(0.1)
    raise TimeoutError(f"http://127.0.0.1:{port}/healthz never answered 200")


def spread(values: list[float], unit: str = "", digits: int = 0) -> str:
    """Median and spread of the rounds: "1234 msg/s (min 1100, max 1300, 3 rounds)"."""
    med = statistics.median(values)
    return (
        f"{med:8.{digits}f}{unit}  (min {min(values):.{digits}f}, max {max(values):.{digits}f}, "
        f"{len(values)} rounds)"
    )


def verdict(value: float, target: float, at_least: bool = True) -> str:
    """ "target >= 0.6: met", or a line-visible "TARGET MISSED" (run_all copies it to the docs)."""
    met = value >= target if at_least else value <= target
    comparison = ">=" if at_least else "<="
    return f"target {comparison} {target:g}: " + ("met" if met else "TARGET MISSED")


def request(port: int, method: str, path: str, body=None, headers=None):
    """One HTTP request on a fresh loopback connection; returns (status, headers, bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    payload = json.dumps(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/json"} if payload else {}
    all_headers.update(headers or {})
    connection.request(method, path, body=payload, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def load(calls, concurrency: int) -> tuple[float, list]:
    """Run the callables with a pool of concurrent clients; returns (requests/s, results)."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(lambda call: call(), calls))
    return len(calls) / (time.perf_counter() - start), results


EVENT = {
    "title": "Bench workshop", "kind": "joint_learning_workshop",
    "venue": {"name": "Hall", "address": "Street 1", "city": "Ghent", "country": "BE"},
    "timezone": "Europe/Brussels", "start": "2031-05-01T09:00:00+02:00",
    "end": "2031-05-01T17:00:00+02:00", "capacity": 100000,
    "verify_email": False,  # the email benches time the confirmation, not double opt-in
}  # fmt: skip


def person(n: int, tag: str = "bench") -> dict:
    """A registration body whose email address is unique to (tag, n)."""
    return {"name": "Bench Participant", "email": f"{tag}{n}@example.org", "organisation": "Org",
            "organisation_type": "sme", "country": "BE", "role": "sme",
            "consent": True}  # fmt: skip


class SmtpSink:
    """aiosmtpd handler on loopback: when (perf_counter) each recipient's email was accepted."""

    def __init__(self) -> None:
        self.at: dict[str, float] = {}
        self.contents: dict[str, bytes] = {}
        self.lock = threading.Lock()
        self.port = free_port()
        self._controller = None

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd hook
        now = time.perf_counter()
        with self.lock:
            for address in envelope.rcpt_tos:
                self.at.setdefault(address, now)
                self.contents.setdefault(address, envelope.original_content or envelope.content)
        return "250 accepted"

    def __enter__(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._controller.stop()

    def wait_for(self, addresses: list[str], timeout: float = 300) -> None:
        """Block until every address got its email; TimeoutError names the missing ones."""
        deadline = time.monotonic() + timeout
        while not all(address in self.at for address in addresses):
            if time.monotonic() > deadline:
                missing = [a for a in addresses if a not in self.at]
                raise TimeoutError(f"{len(missing)} emails never arrived, e.g. {missing[:3]}")
            time.sleep(0.01)


@contextlib.contextmanager
def running_platform(sink: SmtpSink, extra_env: dict[str, str] | None = None):
    """The whole platform as ``make run`` starts it (3 web apps, 3 workers) on PostgreSQL,
    RabbitMQ (a namespace of its own) and the SMTP sink; yields (ports, organiser token)."""
    from shared.credentials import CredentialStore

    ns = "cxbench-" + uuid.uuid4().hex[:8]
    ports = {service: free_port() for service in ("registration", "scheduling", "notifications")}
    with (
        scratch_database() as registration_db,
        scratch_database() as scheduling_db,
        scratch_database() as notifications_db,
        tempfile.TemporaryDirectory() as tmp,
    ):
        _, token = CredentialStore(Path(tmp) / "org.json").mint("bench")
        env = {
            **os.environ,
            "DATA_DIR": tmp,
            "ORGANISER_CREDENTIALS_FILE": f"{tmp}/org.json",
            "AMQP_URL": AMQP,
            "SECRET_KEY": "bench",  # production settings refuse to start without one
            "BROKER_NAMESPACE": ns,
            "REGISTRATION_DATABASE_URL": registration_db,
            "SCHEDULING_DATABASE_URL": scheduling_db,
            "NOTIFICATIONS_DATABASE_URL": notifications_db,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(sink.port),
            "SMTP_SECURITY": "none",
            "REMINDER_LEAD_TIMES": "",
            "PUBLIC_WRITE_RATE_LIMIT": "off",  # the load comes from one address
            "LOG_LEVEL": "WARNING",
            **{f"{service.upper()}_PORT": str(port) for service, port in ports.items()},
            **(extra_env or {}),
        }
        platform = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "run_platform.py")], env=env, cwd=ROOT
        )
        try:
            for port in ports.values():
                wait_healthy(port, platform, timeout=120)
            yield ports, token, notifications_db
        finally:
            platform.terminate()
            platform.wait(timeout=60)
            delete_namespace(ns)


def delete_namespace(ns: str) -> None:
    """Delete a benchmark's queues and exchanges from the broker."""
    from shared.broker import connect
    from shared.config import broker_settings
    from shared.topology import platform_topology

    topology = platform_topology(broker_settings({"AMQP_URL": AMQP, "BROKER_NAMESPACE": ns}))
    with connect(topology.settings) as connection:
        for entity in topology.all_entities():
            with contextlib.suppress(Exception):
                entity(connection.channel()).delete()


def open_event(port: int, token: str) -> str:
    """Create and publish a workshop with room for everyone; its id."""
    auth = {"Authorization": f"Bearer {token}"}
    status, _, body = request(port, "POST", "/api/v1/events", EVENT, auth)
    assert status == 201, body
    event_id = json.loads(body)["id"]
    status, _, body = request(port, "POST", f"/api/v1/events/{event_id}/publish", None, auth)
    assert status == 200, body
    return event_id


def at_steady_rate(count: int, rate: float, action, workers: int = 64) -> list:
    """Start action(i) at t0 + i/rate on a thread pool; returns the results in order."""
    start = time.perf_counter() + 0.05

    def timed(i: int):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        return action(i)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(timed, range(count)))


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p99) in milliseconds."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[98] * 1000


def platform_cpu() -> dict[str, float]:
    """CPU seconds (user + system) used so far by the platform's processes, by role.

    Roles are "<service> web", "<service> worker" and "postgres" (backends of the benchmark's
    own databases only). CPU time, unlike wall time, barely depends on what else the shared
    machine runs, so per-registration figures from it compare across runs. The broker is
    left out: other users' traffic shares its one process.
    """
    used: dict[str, float] = {}
    for _, _, command, seconds in _processes():
        role = _role(command)
        if role is not None:
            used[role] = used.get(role, 0.0) + seconds
    return used


def cpu_seconds(roles: dict[str, str | int]) -> dict[str, float]:
    """CPU seconds used so far by role. A role is a process id (that process and its children)
    or a marker its processes' command lines hold: the listening address of a gunicorn (master
    and workers share it), or a database name (its PostgreSQL backends show it)."""
    processes = list(_processes())
    parents = {pid: ppid for pid, ppid, _, _ in processes}
    used = dict.fromkeys(roles, 0.0)
    for pid, _, command, seconds in processes:
        for role, which in roles.items():
            ours = which in _lineage(pid, parents) if isinstance(which, int) else which in command
            used[role] += seconds if ours else 0.0
    return used


def _lineage(pid: int, parents: dict[int, int]) -> list[int]:
    line = [pid]
    while parents.get(line[-1], 0) > 1 and len(line) < 16:
        line.append(parents[line[-1]])
    return line


def _processes():
    """(pid, parent pid, command line, CPU seconds so far) of every process in /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        yield int(pid), int(fields[1]), command, (int(fields[11]) + int(fields[12])) / ticks


def _role(command: str) -> str | None:
    if command.startswith("postgres:") and " cx_bench_" in command:
        return "postgres"
    for kind, marker in (("web", "entrypoints.flask_app"), ("worker", "entrypoints.worker")):
        if marker in command and "services." in command:
            return f"{command.split('services.', 1)[1].split('.', 1)[0]} {kind}"
    return None


def cpu_per_item(before: dict[str, float], after: dict[str, float], items: int) -> str:
    """Milliseconds of CPU per item by role, and their total, as one line."""
    spent = {role: (after[role] - before.get(role, 0.0)) * 1000 / max(items, 1) for role in after}
    parts = [f"{role} {ms:.1f}" for role, ms in sorted(spent.items())]
    return ", ".join(parts) + f"; total {sum(spent.values()):.1f} ms"
