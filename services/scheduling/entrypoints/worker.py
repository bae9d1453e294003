"""The scheduling worker: keeps the read model from registration's messages, relays the outbox."""

from __future__ import annotations

from services.scheduling.bootstrap import bootstrap
from services.scheduling.service_layer import read_model
from shared.runtime import run_worker


def main() -> None:
    """Run until SIGTERM."""
    from shared.logging_setup import configure_logging

    app = bootstrap()
    configure_logging("scheduling", app.infrastructure.settings.log_level)
    run_worker(
        "scheduling",
        app.infrastructure.settings.broker,
        app.infrastructure.engine,
        app.outbox,
        app.uow,
        handlers={"registrations": read_model.handlers(app.clock)},
    )


if __name__ == "__main__":
    main()
