"""Start the whole platform on one machine: each service's web (gunicorn) and worker.

With no configuration it uses SQLite files and the embedded file-backed broker under
DATA_DIR (./var); with AMQP_URL and <SERVICE>_DATABASE_URL set it uses RabbitMQ and
PostgreSQL. ``--demo`` seeds a joint-learning workshop with two study visits.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shared.broker import describe  # noqa: E402
from shared.config import SERVICES, broker_settings, service_settings  # noqa: E402
from shared.logging_setup import configure_logging  # noqa: E402

log = logging.getLogger("platform")
PORTS = {"registration": 8001, "scheduling": 8002, "notifications": 8003}


def _commands(service: str, env: dict[str, str]) -> dict[str, list[str]]:
    port = env.get(f"{service.upper()}_PORT", str(PORTS[service]))
    host = env.get("BIND_HOST", "127.0.0.1")
    return {
        f"{service}-web": [
            sys.executable,
            "-m",
            "gunicorn",
            f"services.{service}.entrypoints.flask_app:create_app()",
            "--bind",
            f"{host}:{port}",
            "--workers",
            env.get("WEB_WORKERS", "2"),
            "--threads",
            "4",
            "--graceful-timeout",
            "10",
        ],
        f"{service}-worker": [sys.executable, "-m", f"services.{service}.entrypoints.worker"],
    }


def _migrate(env: dict[str, str]) -> None:
    for service in SERVICES:
        subprocess.run(
            [sys.executable, "-m", f"services.{service}.entrypoints.manage", "migrate"],
            check=True,
            env=env,
            cwd=ROOT,
        )


class Supervisor:
    """Keeps the child processes running; restarts one that dies, stops all on a signal."""

    def __init__(self, commands: dict[str, list[str]], env: dict[str, str]):
        self.commands, self.env = commands, env
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self, name: str) -> None:
        self.children[name] = subprocess.Popen(self.commands[name], env=self.env, cwd=ROOT)
        log.info("started", extra={"child": name, "pid": self.children[name].pid})

    def run(self) -> None:
        for name in self.commands:
            self.start(name)
        while not self.stopping:
            time.sleep(0.5)
            for name, child in list(self.children.items()):
                if child.poll() is not None and not self.stopping:
                    log.warning("process exited; restarting", extra={"child": name})
                    time.sleep(1)
                    self.start(name)

    def stop(self, *_args) -> None:
        self.stopping = True
        for child in self.children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in self.children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo", action="store_true", help="seed a demo workshop with visits")
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("DATA_DIR", str(ROOT / "var"))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    configure_logging("platform", env.get("LOG_LEVEL", "INFO"))
    broker = broker_settings(env)
    log.info("broker: " + describe(broker))
    for service in SERVICES:
        url = service_settings(service, env).database_url
        log.info(f"{service} database: " + url.split("@")[-1])
    _migrate(env)
    commands = {}
    for service in SERVICES:
        commands |= _commands(service, env)
    supervisor = Supervisor(commands, env)
    signal.signal(signal.SIGTERM, supervisor.stop)
    signal.signal(signal.SIGINT, supervisor.stop)
    if args.demo:
        from scripts.seed_demo import seed_in_background

        seed_in_background(env)
    try:
        supervisor.run()
    finally:  # never leave orphaned children behind, whatever stopped us
        supervisor.stop()


if __name__ == "__main__":
    main()
