"""Email notices of a batch are counted and recorded in one statement, limit by limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.registration.adapters.orm import notices
from services.registration.bootstrap import bootstrap
from services.registration.domain import notices as limits

NOW = datetime(2030, 4, 1, 12, tzinfo=UTC)


@pytest.fixture(params=["postgresql", "sqlite"])
def container(request, postgres_url, tmp_path):
    url = postgres_url if request.param == "postgresql" else f"sqlite:///{tmp_path / 'reg.db'}"
    app = bootstrap(
        {"REGISTRATION_DATABASE_URL": url, "DATA_DIR": str(tmp_path)},
        clock=lambda: NOW,
        migrate=True,
    )
    yield app
    app.infrastructure.engine.dispose()


def _recorded(container, key: str) -> int:
    with container.infrastructure.engine.connect() as db:
        query = select(func.count()).where(notices.c.address_key == key)
        return db.execute(query).scalar_one()


def test_only_the_addresses_below_their_limit_are_recorded(container):
    full, fresh, old = "a" * 64, "b" * 64, "c" * 64
    with container.uow() as uow:
        for hours in (1, 2, 3):  # three verification emails today: the daily limit
            uow.events.record_notice("event-1", full, "verification", NOW - timedelta(hours=hours))
        for hours in (25, 26, 27):  # three yesterday: outside the window
            uow.events.record_notice("event-1", old, "verification", NOW - timedelta(hours=hours))
        recorded = uow.events.notices_within(
            "event-1", [full, fresh, old, fresh], limits.VERIFICATION, NOW
        )
        uow.commit()

    assert recorded == {fresh, old}
    assert (_recorded(container, full), _recorded(container, fresh)) == (3, 1)
    assert _recorded(container, old) == 4


def test_limits_are_counted_per_event_and_per_kind(container):
    key = "d" * 64
    with container.uow() as uow:
        uow.events.record_notice("event-1", key, "already_registered", NOW - timedelta(minutes=5))
        assert uow.events.notices_within("event-1", [key], limits.ALREADY_REGISTERED, NOW) == set()
        assert uow.events.notices_within("event-2", [key], limits.ALREADY_REGISTERED, NOW) == {key}
        assert uow.events.notices_within("event-1", [key], limits.VERIFICATION, NOW) == {key}
        uow.commit()

    assert _recorded(container, key) == 3
