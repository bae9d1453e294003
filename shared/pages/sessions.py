"""Organiser page sessions in one store every service checks: Redis, or a sessions database.

One login serves the pages of all three services, and each service has its own database, so
the sessions live in neither: ``ORGANISER_SESSION_STORE_URL`` names a store of their own,
``redis://…`` (what several hosts share) or an SQLAlchemy URL of a dedicated database (by
default ``sqlite:///DATA_DIR/organiser_sessions.db``, what one host's services share). A
session is keyed by the SHA-256 of its random id, so the store alone opens no session; it ends
at logout (deleted: everywhere at once) or after its lifetime.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Protocol

import redis
from sqlalchemy import Engine, MetaData, create_engine, delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from shared.persistence import organiser_sessions_table

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
_REDIS_PREFIX = "cx:organiser-session:"


class SessionStoreUnavailable(ConnectionError):
    """Redis cannot be reached: an outage, so the pages answer 503, never 500."""


class SessionStore(Protocol):
    """Open, look up and close organiser sessions; each lives at most its lifetime."""

    def open(self, credential_id: str) -> str:
        """Start a session for a credential; returns its id (what the cookie carries)."""

    def holder(self, session_id: str) -> str | None:
        """The credential id of an open, unexpired session, or None."""

    def close(self, session_id: str) -> None:
        """End a session at once (logout)."""


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SqlSessionStore:
    """Sessions in a dedicated database (no service's own): its one table is created on start."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime], lifetime: timedelta):
        self.engine = engine
        self.clock = clock
        self.lifetime = lifetime
        metadata = MetaData()
        self.table = organiser_sessions_table(metadata)
        try:
            metadata.create_all(engine)
        except SQLAlchemyError:  # another service created it at the same moment
            metadata.create_all(engine)

    def open(self, credential_id: str) -> str:
        """Start a session (dropping expired ones); returns its id."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        row = {
            "nonce_sha256": _digest(session_id),
            "credential_id": credential_id,
            "created_at": now,
            "expires_at": now + self.lifetime,
        }
        with self.engine.begin() as db:
            db.execute(delete(self.table).where(self.table.c.expires_at <= now))
            db.execute(insert(self.table).values(row))
        return session_id

    def holder(self, session_id: str) -> str | None:
        """The credential id of an open, unexpired session, or None."""
        query = select(self.table.c.credential_id, self.table.c.expires_at).where(
            self.table.c.nonce_sha256 == _digest(session_id)
        )
        with self.engine.connect() as db:
            row = db.execute(query).first()
        return row.credential_id if row is not None and row.expires_at > self.clock() else None

    def close(self, session_id: str) -> None:
        """End a session at once."""
        with self.engine.begin() as db:
            db.execute(delete(self.table).where(self.table.c.nonce_sha256 == _digest(session_id)))


class RedisSessionStore:
    """Sessions in Redis; the key's TTL drops them, the stored expiry is what is checked."""

    def __init__(self, client: redis.Redis, clock: Callable[[], datetime], lifetime: timedelta):
        self.client = client
        self.clock = clock
        self.lifetime = lifetime

    def open(self, credential_id: str) -> str:
        """Start a session; returns its id."""
        session_id = secrets.token_urlsafe(32)
        expires_at = self.clock() + self.lifetime
        value = json.dumps({"credential_id": credential_id, "expires_at": expires_at.isoformat()})
        seconds = max(1, int(self.lifetime.total_seconds()))
        with _redis_outage():
            self.client.set(_REDIS_PREFIX + _digest(session_id), value, ex=seconds)
        return session_id

    def holder(self, session_id: str) -> str | None:
        """The credential id of an open, unexpired session, or None."""
        with _redis_outage():
            raw = self.client.get(_REDIS_PREFIX + _digest(session_id))
        if raw is None:
            return None
        held = json.loads(raw)
        if datetime.fromisoformat(held["expires_at"]) <= self.clock():
            return None
        return held["credential_id"]

    def close(self, session_id: str) -> None:
        """End a session at once."""
        with _redis_outage():
            self.client.delete(_REDIS_PREFIX + _digest(session_id))


@contextmanager
def _redis_outage() -> Iterator[None]:
    """Turn Redis errors into SessionStoreUnavailable (SQLAlchemy's are outages already)."""
    try:
        yield
    except redis.RedisError as failure:
        raise SessionStoreUnavailable(str(failure)) from failure


def session_store(url: str, clock: Callable[[], datetime], lifetime: timedelta) -> SessionStore:
    """The store a URL names: Redis for redis:// rediss:// unix://, else an SQL database."""
    if url.startswith(REDIS_SCHEMES):
        client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return RedisSessionStore(client, clock, lifetime)
    return SqlSessionStore(create_engine(url, pool_pre_ping=True), clock, lifetime)
