"""Scrub an erased person from the messages a service keeps: its outbox rows, sent or not.

Sent outbox rows are never deleted, so without this a ``registration.confirmed`` body would
keep the name, email, manage link and feed token of someone who asked to be forgotten. The
inbox needs nothing: it keeps message ids and types only, never payloads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

ERASED = "[erased]"  # what the services write in place of an erased name


@dataclass(frozen=True)
class Traces:
    """What of one person a message may hold, and what takes its place.

    ``values`` (name, email …) are replaced where a string is exactly one of them (emails in
    any case); ``tokens`` are replaced wherever they occur, such as inside a manage URL.
    """

    subject_id: str
    values: Mapping[str, str] = field(default_factory=dict)
    tokens: tuple[str, ...] = ()

    def scrub(self, value: Any) -> Any:
        """value (JSON data) with every trace replaced."""
        if isinstance(value, dict):
            return {key: self.scrub(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        return self._text(value) if isinstance(value, str) else value

    def _text(self, text: str) -> str:
        folded = text.casefold()
        for old, new in self.values.items():
            if old and folded == old.casefold():
                return new
        for token in self.tokens:
            text = text.replace(token, ERASED) if token else text
        return text


def scrub_outbox(session: Session, outbox: Table, traces: Traces) -> int:
    """Rewrite every outbox row about traces.subject_id without the person; count the rows."""
    rows = session.execute(
        select(outbox.c.id, outbox.c.body).where(outbox.c.body.contains(f'"{traces.subject_id}"'))
    ).all()
    for row in rows:
        body = json.dumps(traces.scrub(json.loads(row.body)), separators=(",", ":"), sort_keys=True)
        session.execute(update(outbox).where(outbox.c.id == row.id).values(body=body))
    return len(rows)
