"""Erasure scrubs the person from every outbox row in the erasing transaction, sent or not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update

from services.registration.adapters.orm import outbox
from tests.registration.conftest import person

pytestmark = pytest.mark.integration


def bodies(app) -> list[tuple[str, str]]:
    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        return list(db.execute(select(outbox.c.message_type, outbox.c.body).order_by(outbox.c.id)))


def mark_all_sent(app) -> None:
    """What the relay does after publishing; sent rows are never deleted."""
    engine = app.extensions["container"].infrastructure.engine
    with engine.begin() as db:
        db.execute(update(outbox).values(sent_at=datetime.now(UTC)))


@pytest.mark.parametrize("by", ["participant", "organiser"])
def test_no_outbox_row_keeps_the_name_email_or_tokens_after_erasure(
    client, app, organiser, published_event, by
):
    event = published_event()
    body = person(1, name="Erin Erasmus", email="Erin.Erasmus@example.org", partner="Acme")
    created = client.post(f"/api/v1/events/{event['id']}/registrations", json=body).json
    manage_token = created["manage_url"].rsplit("/", 1)[1]
    feed_token = created["feed"]["https"].rsplit("/", 1)[1].removesuffix(".ics")
    mark_all_sent(app)
    assert any("Erin Erasmus" in body for _, body in bodies(app))

    if by == "participant":
        erased = client.post(f"/api/v1/manage/{manage_token}/erase")
    else:
        erased = client.post(f"/api/v1/registrations/{created['id']}/erase", headers=organiser)
    assert erased.status_code in (200, 204)

    everything = "\n".join(body for _, body in bodies(app)).lower()
    for trace in (
        "erin erasmus",
        "erin.erasmus@example.org",
        manage_token.lower(),
        feed_token.lower(),
    ):
        assert trace not in everything
    kinds = [kind for kind, _ in bodies(app)]
    assert kinds.count("registration.confirmed") == 1 and kinds[-1] == "participant.erased"
