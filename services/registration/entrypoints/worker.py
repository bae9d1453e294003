"""The registration worker: relays the outbox, runs the timed passes (partner quotas released,
lapsed verification holds and waiting-list offers, retention purges, attendance certificates
once events have ended) and consumes scheduling's visit messages."""

from __future__ import annotations

from services.registration.attendance.service_layer import visits
from services.registration.attendance.service_layer.handlers import issue_certificates
from services.registration.bootstrap import bootstrap
from services.registration.service_layer import handlers
from shared.runtime import run_worker, timed_pass

QUOTA_CHECK_SECONDS = 60
HOLD_CHECK_SECONDS = 30
OFFER_CHECK_SECONDS = 30
RETENTION_CHECK_SECONDS = 600
CERTIFICATE_CHECK_SECONDS = 300


def main() -> None:
    """Run until SIGTERM."""
    from shared.logging_setup import configure_logging

    app = bootstrap()
    configure_logging("registration", app.infrastructure.settings.log_level)
    passes = (
        timed_pass(
            "quota release",
            QUOTA_CHECK_SECONDS,
            lambda: handlers.release_quotas(app.uow(), app.clock),
        ),
        timed_pass(
            "hold expiry", HOLD_CHECK_SECONDS, lambda: handlers.expire_holds(app.uow(), app.clock)
        ),
        timed_pass(
            "offer expiry",
            OFFER_CHECK_SECONDS,
            lambda: handlers.expire_offers(app.uow(), app.clock),
        ),
        timed_pass(
            "retention purge",
            RETENTION_CHECK_SECONDS,
            lambda: handlers.purge_past_events(app.uow(), app.clock),
        ),
        timed_pass(
            "certificates",
            CERTIFICATE_CHECK_SECONDS,
            lambda: issue_certificates(app.uow(), app.clock),
        ),
    )
    run_worker(
        "registration",
        app.infrastructure.settings.broker,
        app.infrastructure.engine,
        app.outbox,
        app.uow,
        handlers={"visits": visits.handlers()},
        extra_loops=passes,
    )


if __name__ == "__main__":
    main()
