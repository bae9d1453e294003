"""Organiser page sessions kept in the service's own database.

The signed session cookie holds only a credential id and a random nonce; the row keyed by the
nonce's SHA-256 is what logout deletes and what expires, so a replayed cookie opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Engine, MetaData, delete, insert, select

from shared.persistence import organiser_sessions_table


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


class SessionStore:
    """Open, check and close organiser sessions; each lives at most ``lifetime``."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime], lifetime: timedelta):
        self.engine = engine
        self.clock = clock
        self.lifetime = lifetime
        self.table = organiser_sessions_table(MetaData())

    def open(self, credential_id: str) -> str:
        """Start a session for a credential (dropping expired ones); returns its nonce."""
        nonce = secrets.token_urlsafe(32)
        now = self.clock()
        with self.engine.begin() as db:
            db.execute(delete(self.table).where(self.table.c.expires_at <= now))
            db.execute(
                insert(self.table).values(
                    nonce_sha256=_digest(nonce),
                    credential_id=credential_id,
                    created_at=now,
                    expires_at=now + self.lifetime,
                )
            )
        return nonce

    def is_open(self, credential_id: str, nonce: str) -> bool:
        """True while the session exists, belongs to the credential and has not expired."""
        query = select(self.table.c.credential_id, self.table.c.expires_at).where(
            self.table.c.nonce_sha256 == _digest(nonce)
        )
        with self.engine.connect() as db:
            row = db.execute(query).first()
        return (
            row is not None and row.credential_id == credential_id and row.expires_at > self.clock()
        )

    def close(self, nonce: str) -> None:
        """End a session at once (logout)."""
        with self.engine.begin() as db:
            db.execute(delete(self.table).where(self.table.c.nonce_sha256 == _digest(nonce)))
