"""The scheduling worker: keeps the read model from registration's messages, relays the outbox,
and renders each changed programme's public feed ahead of its readers."""

from __future__ import annotations

from services.scheduling.bootstrap import bootstrap
from services.scheduling.service_layer import calendars, read_model
from shared.runtime import run_worker, timed_pass

# A GET in the second after a change renders the feed itself, as it always did; after that it
# reads the body stored here. One cheap query per pass finds the programmes that changed.
PRERENDER_SECONDS = 1.0


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
        prepare=read_model.prepare,
        extra_loops=(
            timed_pass(
                "feed pre-render",
                PRERENDER_SECONDS,
                lambda: calendars.prerender(app.uow(), app.feeds, app.clock(), app.renders),
            ),
        ),
    )


if __name__ == "__main__":
    main()
