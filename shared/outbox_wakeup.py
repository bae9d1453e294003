"""Wake the relay as soon as a commit wrote outbox rows: PostgreSQL LISTEN/NOTIFY.

A unit of work that queued messages notifies channel ``outbox`` in its own transaction (with
``pg_notify`` in the RETURNING of the INSERT that writes its rows, or ``NOTIFY outbox``), so
the notification is delivered exactly when (and only if) the rows become visible. The relay keeps
polling as a fallback (a lost listening connection, rows written by other means); SQLite has
no notifications and only polls.
"""

from __future__ import annotations

import functools
import logging
import threading

import psycopg
from sqlalchemy import Engine, Insert, Table, func, insert, text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "outbox"
_SLICE = 0.25  # seconds: how often a waiting relay looks at its stop flag


def notify_outbox(session: Session) -> None:
    """Within the session's transaction: tell listening relays that rows will be committed."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


def waking_insert(outbox: Table, session: Session) -> Insert | None:
    """An INSERT into the outbox that notifies as ``notify_outbox`` does, without a round
    trip of its own: ``pg_notify`` in its RETURNING (PostgreSQL delivers a transaction's
    identical notifications once, at commit); None where there are no notifications."""
    if session.get_bind().dialect.name == "postgresql":
        return _waking_insert(outbox)
    return None


@functools.cache
def _waking_insert(outbox: Table) -> Insert:
    return insert(outbox).returning(func.pg_notify(CHANNEL, ""))


class OutboxListener:
    """A connection of its own that LISTENs for committed outbox rows."""

    def __init__(self, conninfo: str):
        self.conninfo = conninfo
        self._connection: psycopg.Connection | None = None

    @classmethod
    def for_engine(cls, engine: Engine) -> OutboxListener | None:
        """A listener on the engine's database; None on SQLite, which only polls."""
        if engine.dialect.name != "postgresql":
            return None
        url = engine.url.set(drivername="postgresql")
        return cls(url.render_as_string(hide_password=False))

    def listen(self) -> psycopg.Connection:
        """Start listening (again); notifications queue up on the connection until read."""
        if self._connection is None:
            self._connection = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=5)
            self._connection.execute(f"LISTEN {CHANNEL}")
        return self._connection

    def start(self) -> None:
        """Listen before the relay's first pass, so no commit after that pass goes unheard."""
        try:
            self.listen()
        except psycopg.Error:
            log.warning("outbox listener unavailable; polling", exc_info=True)
            self.close()

    def wait(self, timeout: float, stopping: threading.Event) -> bool:
        """Block until a notification, the timeout or stopping; True when notified."""
        remaining = timeout
        while remaining > 0 and not stopping.is_set():
            step = min(_SLICE, remaining)
            try:
                connection = self.listen()
                if any(True for _ in connection.notifies(timeout=step, stop_after=1)):
                    for _ in connection.notifies(timeout=0):  # one pass covers them all
                        pass
                    return True
            except psycopg.Error:
                log.warning("outbox listener lost; polling until it is back", exc_info=True)
                self.close()
                stopping.wait(step)
            remaining -= step
        return False

    def close(self) -> None:
        """Close the listening connection."""
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None
