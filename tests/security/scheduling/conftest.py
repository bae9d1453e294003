"""The scheduling service's own fixtures (its app on fresh PostgreSQL, read model, exchanges)."""

from tests.scheduling.api.conftest import exchange, exchange_client  # noqa: F401 - fixtures
from tests.scheduling.conftest import (  # noqa: F401 - fixtures
    app,
    client,
    clock,
    deliver,
    env,
    make_app,
    organiser,
    outbox_messages,
    published_event,
    visit_id,
)
