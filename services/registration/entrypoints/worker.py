"""The registration worker: relays the outbox, releases partner quotas and lapsed holds, and
issues attendance certificates once events have ended; consumes scheduling's visit messages."""

from __future__ import annotations

import logging
import threading

from services.registration.attendance.service_layer import visits
from services.registration.attendance.service_layer.handlers import issue_certificates
from services.registration.bootstrap import bootstrap
from services.registration.service_layer import handlers
from shared.runtime import run_worker

log = logging.getLogger(__name__)
QUOTA_CHECK_SECONDS = 60
HOLD_CHECK_SECONDS = 30
CERTIFICATE_CHECK_SECONDS = 300


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

    def expire_holds(stopping: threading.Event) -> None:
        while not stopping.wait(HOLD_CHECK_SECONDS):
            try:
                expired = handlers.expire_holds(app.uow(), app.clock)
            except Exception:  # noqa: BLE001 - logged; the next pass tries again
                log.exception("hold expiry pass failed")
                continue
            if expired:
                log.info("unverified registrations expired", extra={"expired": expired})

    def certify(stopping: threading.Event) -> None:
        while not stopping.wait(CERTIFICATE_CHECK_SECONDS):
            try:
                issued = issue_certificates(app.uow(), app.clock)
            except Exception:  # noqa: BLE001 - logged; the next pass tries again
                log.exception("certificate pass failed")
                continue
            if issued:
                log.info("attendance certificates issued", extra={"issued": issued})

    run_worker(
        "registration",
        app.infrastructure.settings.broker,
        app.infrastructure.engine,
        app.outbox,
        app.uow,
        handlers={"visits": visits.handlers()},
        extra_loops=(release_quotas, expire_holds, certify),
    )


if __name__ == "__main__":
    main()
