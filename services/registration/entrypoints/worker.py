"""The registration worker: relays the outbox and releases partner quotas on time."""

from __future__ import annotations

import logging
import threading

from services.registration.bootstrap import bootstrap
from services.registration.service_layer import handlers
from shared.runtime import run_worker

log = logging.getLogger(__name__)
QUOTA_CHECK_SECONDS = 60


def main() -> None:
    """Run until SIGTERM."""
    from shared.logging_setup import configure_logging

    app = bootstrap()
    configure_logging("registration", app.infrastructure.settings.log_level)

    def release_quotas(stopping: threading.Event) -> None:
        while not stopping.wait(QUOTA_CHECK_SECONDS):
            try:
                promoted = handlers.release_quotas(app.uow(), app.clock)
            except Exception:  # noqa: BLE001 - logged; the next pass tries again
                log.exception("quota release pass failed")
                continue
            if promoted:
                log.info("partner quotas released", extra={"promoted": promoted})

    run_worker(
        "registration",
        app.infrastructure.settings.broker,
        app.infrastructure.engine,
        app.outbox,
        app.uow,
        handlers={},
        extra_loops=(release_quotas,),
    )


if __name__ == "__main__":
    main()
