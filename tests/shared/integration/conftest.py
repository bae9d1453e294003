import pytest

from tests.shared.toy import Cure, build_toy


@pytest.fixture
def toy(postgres_url, amqp_url, namespace):
    """The toy service on a fresh PostgreSQL database and broker namespace."""
    Cure.cured = False
    built = build_toy(postgres_url, amqp_url, namespace)
    yield built
    built.close()
