"""Run a service's worker process: the outbox relay in a thread, the consumer in the main one."""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Mapping

from sqlalchemy import Engine, Table

from shared.broker import connect, describe
from shared.config import BrokerSettings
from shared.consumer import Handler, Prepare, Worker
from shared.heartbeat import INTERVAL_SECONDS, heartbeat_path, keep_beating
from shared.outbox import OutboxRelay
from shared.retention import retention_loop
from shared.topology import platform_topology
from shared.unit_of_work import OutboxUnitOfWork

log = logging.getLogger(__name__)


def timed_pass(
    name: str, seconds: float, run: Callable[[], int]
) -> Callable[[threading.Event], None]:
    """A loop that runs one pass every ``seconds`` until stopped; a failing pass is logged
    and the next one tries again."""

    def loop(stopping: threading.Event) -> None:
        while not stopping.wait(seconds):
            try:
                done = run()
            except Exception:  # noqa: BLE001 - logged; the next pass tries again
                log.exception("%s pass failed", name)
                continue
            if done:
                log.info("%s pass", name, extra={"count": done})

    return loop


def build_worker(
    service: str,
    settings: BrokerSettings,
    engine: Engine,
    outbox: Table,
    uow_factory: Callable[[], OutboxUnitOfWork],
    handlers: Mapping[str, Mapping[str, Handler]],
    prepare: Prepare | None = None,
) -> tuple[OutboxRelay, Worker]:
    """The relay and the consumer of a service, wired but not started (tests run them too)."""
    topology = platform_topology(settings)
    relay = OutboxRelay(engine, outbox, connect(settings), topology, settings)
    worker = Worker(connect(settings), topology, service, uow_factory, handlers, settings, prepare)
    return relay, worker


def run_worker(
    service: str,
    settings: BrokerSettings,
    engine: Engine,
    outbox: Table,
    uow_factory: Callable[[], OutboxUnitOfWork],
    handlers: Mapping[str, Mapping[str, Handler]],
    extra_loops: tuple[Callable[[threading.Event], None], ...] = (),
    prepare: Prepare | None = None,
) -> None:
    """Relay and consume until SIGTERM/SIGINT, then finish the message in hand and exit."""
    log.info("worker starting", extra={"service": service, "broker": describe(settings)})
    relay, worker = build_worker(service, settings, engine, outbox, uow_factory, handlers, prepare)
    stopping = threading.Event()

    def shutdown(signum, _frame) -> None:
        log.info("worker stopping", extra={"signal": signum})
        stopping.set()
        relay.stop()
        worker.should_stop = True

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    inbox = outbox.metadata.tables["inbox"]  # every service keeps both in one metadata
    loops = (*extra_loops, retention_loop(engine, outbox, inbox, settings))
    threads = [threading.Thread(target=relay.run, name=f"{service}-relay", daemon=True)]
    threads += [
        threading.Thread(target=loop, args=(stopping,), name=f"{service}-loop", daemon=True)
        for loop in loops
    ]
    consuming = any(sub.service == service for sub in worker.topology.subscriptions)

    def alive() -> bool:
        """Every loop runs, and the consumer went round lately (it stalls while disconnected)."""
        stalled = consuming and time.monotonic() - worker.last_iteration > 3 * INTERVAL_SECONDS
        return not stalled and all(thread.is_alive() for thread in threads)

    beating = threading.Thread(
        target=keep_beating,
        args=(heartbeat_path(settings.data_dir, service), alive, stopping),
        name=f"{service}-heartbeat",
        daemon=True,
    )
    for thread in [*threads, beating]:
        thread.start()
    if consuming:
        worker.run()
    else:
        stopping.wait()
    for thread in threads:
        thread.join(timeout=10)
    log.info("worker stopped", extra={"service": service})
