"""A SQLAlchemy unit of work whose commit carries the outgoing messages (transactional outbox)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, Select, Table, bindparam, func, insert, select, types
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, sessionmaker

from shared import messages
from shared.erasure import Traces, scrub_outbox
from shared.messages import Envelope
from shared.outbox_wakeup import notify_outbox, waking_insert


class OutboxUnitOfWork:
    """One transaction: state changes, outbox rows and inbox marks commit or roll back together.

    Subclasses add repositories in ``_start`` and turn domain events into messages in
    ``_collect_messages``; an HTTP request never talks to the broker, only to this.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        producer: str,
        exchange: str,
        outbox: Table,
        inbox: Table,
    ):
        self.session_factory = session_factory
        self.producer = producer
        self.exchange = exchange
        self._outbox = outbox
        self._inbox = inbox
        self._queued = False
        self._forgotten: list[Traces] = []
        self._rows_at_commit: dict[Table, list[dict[str, Any]]] = {}
        self.session: Session

    def __enter__(self):
        self._queued = False
        self.session = self.session_factory()
        self._forgotten = []
        self._rows_at_commit = {}
        self._start(self.session)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.session.rollback()
        self.session.close()

    def _start(self, session: Session) -> None:
        """Hook: build repositories on the new session."""

    def _collect_messages(self) -> list[tuple[str, dict[str, Any]]]:
        """Hook: (type, payload) pairs raised by the aggregates touched in this unit of work."""
        return []

    def publish(self, message_type: str, payload: dict[str, Any], version: int = 1) -> Envelope:
        """Queue a message to be published if and only if this unit of work commits."""
        envelope, row = self._outbox_row(message_type, payload, version)
        self.session.connection().execute(insert(self._outbox).values(row))
        self._queued = True
        return envelope

    def _outbox_row(
        self, message_type: str, payload: dict[str, Any], version: int = 1
    ) -> tuple[Envelope, dict[str, Any]]:
        """The envelope of a message and its outbox row (the body checked by its contract)."""
        envelope = Envelope(
            type=message_type, payload=payload, producer=self.producer, version=version
        )
        body = json.dumps(messages.dump(envelope), separators=(",", ":"), sort_keys=True)
        row = {
            "message_id": envelope.message_id,
            "message_type": message_type,
            "exchange": self.exchange,
            "body": body,
            "created_at": datetime.now(UTC),
            "attempts": 0,
        }
        return envelope, row

    def insert_at_commit(self, table: Table, row: dict[str, Any]) -> None:
        """Queue a row to be inserted at commit, in one statement with the table's other rows.

        For effects that nothing reads back before the commit (an event log, a projection,
        a counter's increments): a consumer applies a batch of messages in one unit of work,
        so their rows then cost one round trip instead of one each. They are inserted after
        the session's flush (the ORM objects they may refer to exist) and before the outbox
        rows and the commit, so they commit or roll back with the inbox marks; a failing
        insert fails the batch, which the consumer then retries one message at a time.
        """
        self._rows_at_commit.setdefault(table, []).append(row)

    def mark_new(self, deliveries: list[tuple[Envelope, str]]) -> set[tuple[str, str]]:
        """Mark (message, handler group) pairs handled; return the pairs not marked before.

        The marks commit with the handlers' effects or roll back with them. On PostgreSQL one
        ``INSERT … ON CONFLICT DO NOTHING RETURNING`` both checks and marks (a copy that
        another consumer is applying right now waits for its commit, then counts as
        handled); elsewhere the marks are read first, then the new ones inserted.
        """
        now = datetime.now(UTC)
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for envelope, group in deliveries:
            rows.setdefault(
                (envelope.message_id, group),
                {
                    "message_id": envelope.message_id,
                    "handler": group,
                    "message_type": envelope.type,
                    "processed_at": now,
                },
            )
        if not rows:
            return set()
        inbox, connection = self._inbox, self.session.connection()
        if connection.dialect.name == "postgresql":
            columns = [inbox.c[name] for name in next(iter(rows.values()))]
            marked = connection.execute(
                postgresql.insert(inbox)
                .from_select(columns, _unnested(columns, list(rows.values())))
                .on_conflict_do_nothing()
                .returning(inbox.c.message_id, inbox.c.handler)
            )
            return {(row.message_id, row.handler) for row in marked}
        found = connection.execute(
            select(inbox.c.message_id, inbox.c.handler).where(
                inbox.c.message_id.in_({message_id for message_id, _ in rows})
            )
        )
        new = set(rows) - {(row.message_id, row.handler) for row in found}
        if new:
            connection.execute(insert(inbox), [rows[key] for key in rows if key in new])
        return new

    def forget(self, traces: Traces) -> None:
        """At commit, once this transaction's messages are written, scrub a person from them all."""
        self._forgotten.append(traces)

    def commit(self) -> None:
        """Write the messages of the touched aggregates to the outbox, then commit everything.

        The messages go in one INSERT, which on PostgreSQL also wakes the relay (``pg_notify``
        in its RETURNING, delivered at commit); a commit after ``publish`` sends a NOTIFY.
        """
        self.session.flush()
        connection = self.session.connection()
        for table, queued in self._rows_at_commit.items():
            _insert_rows(connection, table, queued)
        self._rows_at_commit = {}
        rows = [self._outbox_row(kind, payload)[1] for kind, payload in self._collect_messages()]
        if rows:
            self._queued = not self._insert_waking(rows)
        while self._forgotten:
            scrub_outbox(self.session, self._outbox, self._forgotten.pop())
        if self._queued:
            notify_outbox(self.session)
            self._queued = False
        self.session.commit()

    def _insert_waking(self, rows: list[dict[str, Any]]) -> bool:
        """Insert outbox rows in one statement; whether that statement woke the relay."""
        waking = waking_insert(self._outbox, self.session)
        statement = insert(self._outbox) if waking is None else waking
        self.session.connection().execute(statement, rows).close()
        return waking is not None

    def rollback(self) -> None:
        """Discard everything done in this unit of work, messages included."""
        self._rows_at_commit = {}
        self.session.rollback()


def _insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows; on PostgreSQL in one statement that unnests an array per column.

    An executemany on psycopg 3 runs one INSERT per row (pipelined, but each bound and
    executed on its own); ``INSERT … SELECT unnest(…), unnest(…)`` is one short statement
    whatever the number of rows, so it is prepared once and costs one execution. Rows with
    other keys than the first, a column left to a Python-side default (called once per
    row by an executemany) or an array column take the executemany.
    """
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    if (
        connection.dialect.name != "postgresql"
        or len(rows) == 1
        or any(row.keys() != rows[0].keys() for row in rows)
        or any(c.default is not None for c in table.c if c.name not in rows[0])
        or any(isinstance(c.type, types.ARRAY) for c in columns)  # no arrays of arrays
    ):
        connection.execute(insert(table), rows)
        return
    connection.execute(insert(table).from_select(columns, _unnested(columns, rows)))


def _unnested(columns: list[Column], rows: list[dict[str, Any]]) -> Select:
    """``SELECT unnest(:a), unnest(:b) …``: the rows as one array parameter per column."""
    return select(
        *(
            func.unnest(bindparam(f"{c.name}_values", [row[c.name] for row in rows], ARRAY(c.type)))
            for c in columns
        )
    )
