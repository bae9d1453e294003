"""A worker's heartbeat file, and the container healthcheck that reads it.

The worker touches ``$DATA_DIR/<service>-worker.heartbeat`` every few seconds, but only while
its consumer keeps iterating over the broker connection and its relay and other loops are
alive; ``python -m shared.heartbeat SERVICE`` exits 1 when the file is missing or stale.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from shared.config import SERVICES, data_dir

INTERVAL_SECONDS = 5.0
MAX_AGE_SECONDS = 30.0


def heartbeat_path(folder: Path, service: str) -> Path:
    """Where a service's worker keeps its heartbeat."""
    return folder / f"{service}-worker.heartbeat"


def keep_beating(path: Path, alive: Callable[[], bool], stopping: threading.Event) -> None:
    """Touch ``path`` every few seconds while ``alive()`` holds, until stopped."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while not stopping.is_set():
        if alive():
            path.touch()
        stopping.wait(INTERVAL_SECONDS)


def healthy(path: Path, max_age: float = MAX_AGE_SECONDS) -> bool:
    """Did the worker beat within ``max_age`` seconds?"""
    try:
        return time.time() - path.stat().st_mtime <= max_age
    except FileNotFoundError:
        return False


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when the named service's worker is alive, 1 otherwise."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0] not in SERVICES:
        print(f"usage: python -m shared.heartbeat {{{','.join(SERVICES)}}}", file=sys.stderr)
        return 2
    path = heartbeat_path(data_dir(), args[0])
    if healthy(path):
        return 0
    print(f"{args[0]} worker: no heartbeat in {path} for {MAX_AGE_SECONDS:.0f} s", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
