"""The worker heartbeat: beats only while the worker's loops are alive; the check reads its age."""

from __future__ import annotations

import os
import threading
import time

from shared import heartbeat
from shared.heartbeat import healthy, heartbeat_path, keep_beating


def run_briefly(path, alive) -> None:
    stopping = threading.Event()
    thread = threading.Thread(target=keep_beating, args=(path, alive, stopping))
    thread.start()
    time.sleep(0.2)
    stopping.set()
    thread.join(timeout=5)


def test_a_live_worker_beats_and_is_healthy(tmp_path):
    path = heartbeat_path(tmp_path, "registration")
    run_briefly(path, alive=lambda: True)
    assert healthy(path)


def test_a_worker_whose_loops_died_does_not_beat(tmp_path):
    path = heartbeat_path(tmp_path, "registration")
    run_briefly(path, alive=lambda: False)
    assert not path.exists() and not healthy(path)


def test_a_stale_heartbeat_is_unhealthy(tmp_path):
    path = heartbeat_path(tmp_path, "scheduling")
    path.touch()
    old = time.time() - heartbeat.MAX_AGE_SECONDS - 1
    os.utime(path, (old, old))
    assert not healthy(path)


def test_the_check_command_exits_1_without_a_heartbeat_and_0_with_one(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert heartbeat.main(["notifications"]) == 1
    heartbeat_path(tmp_path, "notifications").touch()
    assert heartbeat.main(["notifications"]) == 0
    assert heartbeat.main(["nobody"]) == 2
