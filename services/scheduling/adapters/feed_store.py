"""Feed bodies rendered by the worker, kept in the database so every web process serves them.

Only the public event feed is kept: it is the one that grows with the programme (thousands of
visits) and that every subscriber of a workshop polls. Private feeds hold one person's or one
host's items and are rendered on demand from a targeted query.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.scheduling.adapters.orm import events, feed_bodies

EVENT_FEED = "events"


class StoredFeed(NamedTuple):
    tag: str
    last_modified: datetime
    body: bytes


class FeedStore:
    def __init__(self, session: Session):
        self.session = session

    def get(self, kind: str, key: str) -> StoredFeed | None:
        """The stored body of a feed with the version tag it was rendered from."""
        query = select(feed_bodies.c.tag, feed_bodies.c.last_modified, feed_bodies.c.body).where(
            feed_bodies.c.kind == kind, feed_bodies.c.key == key
        )
        row = self.session.execute(query).first()
        return None if row is None else StoredFeed(*row)

    def stale_events(self, limit: int) -> list[tuple[str, int]]:
        """(event id, revision) of events whose feed was never stored or is from an older
        revision, oldest change first."""
        stored = and_(feed_bodies.c.kind == EVENT_FEED, feed_bodies.c.key == events.c.id)
        kept = feed_bodies.c.revision
        query = (
            select(events.c.id, events.c.revision)
            .outerjoin(feed_bodies, stored)
            .where(or_(kept.is_(None), kept != events.c.revision))
            .order_by(events.c.changed_at)
            .limit(limit)
        )
        return [(event_id, revision) for event_id, revision in self.session.execute(query)]

    def put(self, kind: str, key: str, revision: int, stored: StoredFeed) -> None:
        """Keep (or replace) a feed's body. Should two workers race, the last write wins; an
        older copy is never served (its tag no longer matches) and the next pass renders again."""
        values = {"kind": kind, "key": key, "revision": revision, **stored._asdict()}
        dialect = self.session.get_bind().dialect.name
        statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(feed_bodies)
        upsert = statement.values(values).on_conflict_do_update(
            index_elements=["kind", "key"],
            set_={column: values[column] for column in ("revision", *StoredFeed._fields)},
        )
        self.session.execute(upsert)
