"""The whole platform for end-to-end tests: three databases, three worker processes, the apps.

Workers run as real subprocesses (``python -m services.<svc>.entrypoints.worker``) against the
real broker in the test's own namespace, so they can be killed and restarted like in production;
the web apps run in-process behind Flask test clients.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from shared.config import SERVICES
from shared.credentials import CredentialStore
from tests.infrastructure import fresh_database

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Platform:
    """Environment, worker processes and app factories of one running platform."""

    env: dict[str, str]
    logs: Path
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)
    apps: dict = field(default_factory=dict)

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

    def stop(self) -> None:
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


@contextlib.contextmanager
def running_platform(postgres_server_url, amqp_url, namespace, smtp, tmp_path):
    """Databases migrated, workers started; everything torn down afterwards."""
    drops = []
    env = {
        "AMQP_URL": amqp_url,
        "BROKER_NAMESPACE": namespace,
        "DATA_DIR": str(tmp_path),
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "organisers.json"),
        "SMTP_HOST": smtp.host,
        "SMTP_PORT": str(smtp.port),
        "SMTP_SECURITY": "none",
        "EMAIL_RETRY_BASE_SECONDS": "0.2",
        "MESSAGE_RETRY_BASE_DELAY": "0.2",
        "LOG_LEVEL": "INFO",
    }
    for service in SERVICES:
        url, drop = fresh_database(postgres_server_url)
        drops.append(drop)
        env[f"{service.upper()}_DATABASE_URL"] = url
    platform = Platform(env, tmp_path)
    try:
        for service in SERVICES:
            subprocess.run(
                [sys.executable, "-m", f"services.{service}.entrypoints.manage", "migrate"],
                env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            platform.start_worker(service)
        yield platform
    finally:
        platform.stop()
        for drop in drops:
            drop()
