"""The registration service's own fixtures (its app on fresh PostgreSQL, an organiser)."""

from tests.registration.conftest import (  # noqa: F401 - fixtures
    app,
    client,
    clock,
    env,
    organiser,
    published_event,
)
