"""The whole platform for end-to-end tests: three databases, three worker processes, the apps.

Workers run as real subprocesses (``python -m services.<svc>.entrypoints.worker``) against the
real broker in the test's own namespace, so they can be killed and restarted like in production;
the web apps run in-process behind Flask test clients.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from shared.config import SERVICES
from shared.credentials import CredentialStore
from tests.infrastructure import fresh_database

ROOT = Path(__file__).resolve().parents[2]

# A workshop with one seat and a study visit during it, for the flows the tests drive.
WORKSHOP = {
    "title": "Bio-economy joint learning workshop",
    "kind": "joint_learning_workshop",
    "venue": {"name": "Agro Campus", "address": "Via Roma 1", "city": "Bologna", "country": "IT"},
    "timezone": "Europe/Rome",
    "start": "2031-06-10T09:00:00+02:00",
    "end": "2031-06-11T17:00:00+02:00",
    "capacity": 1,
}
STUDY_VISIT = {
    "title": "Biorefinery pilot plant",
    "host": {"organisation": "BioPilot", "contact_name": "Host", "contact_email": "h@bp.example"},
    "location": {"name": "Pilot plant", "address": "Via Industria 5, Bologna"},
    "start": "2031-06-10T14:00:00+02:00",
    "end": "2031-06-10T16:00:00+02:00",
    "capacity": 5,
}


@dataclass
class Platform:
    """Environment, worker processes and app factories of one running platform."""

    env: dict[str, str]
    logs: Path
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)
    apps: dict = field(default_factory=dict)
    webs: dict[str, tuple[subprocess.Popen, int]] = field(default_factory=dict)

    def start_worker(self, service: str) -> None:
        with open(self.logs / f"{service}-worker.log", "ab") as log:
            self.workers[service] = subprocess.Popen(
                [sys.executable, "-m", f"services.{service}.entrypoints.worker"],
                env={**os.environ, **self.env, "PYTHONPATH": str(ROOT)},
                cwd=ROOT,
                stdout=log,
                stderr=log,
            )

    def kill_worker(self, service: str) -> None:
        """SIGKILL: no chance to finish anything."""
        process = self.workers.pop(service)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def start_web(self, service: str, port: int | None = None, workers: int = 2) -> str:
        """Serve the service's web app with gunicorn on loopback; returns its base URL.

        Pass the port of an earlier run to restart on the same address.
        """
        if port is None:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        with open(self.logs / f"{service}-web.log", "ab") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    f"services.{service}.entrypoints.flask_app:create_app()",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(workers),
                    "--threads",
                    "4",
                    "--graceful-timeout",
                    "10",
                ],
                env={
                    "PUBLIC_WRITE_RATE_LIMIT": "off",  # all load comes from 127.0.0.1
                    **os.environ,
                    **self.env,
                    "PYTHONPATH": str(ROOT),
                },
                cwd=ROOT,
                stdout=log,
                stderr=log,
            )
        self.webs[service] = (process, port)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not _healthy(base):  # the port opens before any worker has loaded the app
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{service} gunicorn did not start")
            time.sleep(0.1)
        return base

    def stop_web(self, service: str, sig: int = signal.SIGTERM) -> int:
        """Stop the service's gunicorn (graceful on SIGTERM); returns its port for a restart."""
        process, port = self.webs.pop(service)
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        return port

    def stop(self) -> None:
        for service in list(self.webs):
            self.stop_web(service)
        for process in self.workers.values():
            process.send_signal(signal.SIGTERM)
        for process in self.workers.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        for app in self.apps.values():
            app.extensions["container"].infrastructure.engine.dispose()

    def client(self, service: str):
        """A test client of the service's web app (built once)."""
        if service not in self.apps:
            module = __import__(f"services.{service}.entrypoints.flask_app", fromlist=["x"])
            self.apps[service] = module.create_app(self.env)
        return self.apps[service].test_client()

    def organiser(self) -> dict[str, str]:
        _, token = CredentialStore(Path(self.env["ORGANISER_CREDENTIALS_FILE"])).mint("E2E")
        return {"Authorization": f"Bearer {token}"}

    def worker_log(self, service: str) -> str:
        return (self.logs / f"{service}-worker.log").read_text(errors="replace")


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running_platform(postgres_server_url, amqp_url, namespace, smtp, tmp_path, overrides=None):
    """Databases migrated, workers started; everything torn down afterwards.

    ``overrides`` are extra environment variables (e.g. quorum queues, shorter heartbeats).
    """
    drops = []
    env = {
        "AMQP_URL": amqp_url,
        "BROKER_NAMESPACE": namespace,
        "DATA_DIR": str(tmp_path),
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "organisers.json"),
        "SECRET_KEY": "e2e-platform",
        "SMTP_HOST": smtp.host,
        "SMTP_PORT": str(smtp.port),
        "SMTP_SECURITY": "none",
        "EMAIL_RETRY_BASE_SECONDS": "0.2",
        "MESSAGE_RETRY_BASE_DELAY": "0.2",
        "LOG_LEVEL": "INFO",
        **(overrides or {}),
    }
    for service in SERVICES:
        url, drop = fresh_database(postgres_server_url)
        drops.append(drop)
        env[f"{service.upper()}_DATABASE_URL"] = url
    platform = Platform(env, tmp_path)
    try:
        migrations = {  # one database each: migrate them side by side
            service: subprocess.Popen(
                [sys.executable, "-m", f"services.{service}.entrypoints.manage", "migrate"],
                env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            for service in SERVICES
        }
        for service, migration in migrations.items():
            output, _ = migration.communicate(timeout=120)
            if migration.returncode != 0:
                raise RuntimeError(f"{service} migrate failed: {output.decode()[-2000:]}")
            platform.start_worker(service)
        yield platform
    finally:
        platform.stop()
        for drop in drops:
            drop()
