"""Topology options and worker lifecycle on the real broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.shared.toy import build_toy, running
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[3]


def _queue_types(node, namespace: str) -> dict[str, str]:
    listing = node.ctl("list_queues", "-q", "--no-table-headers", "name", "type")
    pairs = (line.split() for line in listing.splitlines() if line.startswith(namespace))
    return {name: kind for name, kind in pairs}


def test_quorum_queues_are_declared_when_configured_and_messages_still_flow(
    postgres_url, private_broker, namespace
):
    """On a private node, so rabbitmqctl can name it (-n) and its cookie."""
    toy = build_toy(postgres_url, private_broker.url, namespace, quorum_queues=True)
    try:
        types = _queue_types(private_broker, namespace)
        assert types[f"{namespace}.testsvc.effects"] == "quorum"
        assert types[f"{namespace}.testsvc.dead"] == "quorum"
        assert types[f"{namespace}.testsvc.delay"] == "quorum"
        toy.publish(1, 2)
        toy.publish(3, poison=True)
        with running(toy.relay(), toy.worker()):
            wait_until(lambda: toy.effect_values() == [1, 2])
            dead = toy.topology.dead_letter_queue("testsvc")
            wait_until(lambda: dead(toy.connect().channel()).queue_declare(passive=True)[1] == 1)
    finally:
        toy.close()


def test_a_worker_stops_cleanly_on_sigterm(postgres_url, amqp_url, namespace, tmp_path):
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "AMQP_URL": amqp_url,
        "BROKER_NAMESPACE": namespace,
        "SCHEDULING_DATABASE_URL": postgres_url,
        "DATA_DIR": str(tmp_path),
    }
    subprocess.run(
        [sys.executable, "-m", "services.scheduling.entrypoints.manage", "migrate"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "services.scheduling.entrypoints.worker"],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=output,
        )
    try:
        wait_until(lambda: "worker starting" in log.read_text(), timeout=20)
        time.sleep(1)  # let it connect and start consuming
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, log.read_text()[-2000:]
    assert "worker stopped" in log.read_text()
