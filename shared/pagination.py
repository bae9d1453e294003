"""Keyset pagination shared by every list endpoint: an opaque cursor and one page of rows.

A cursor holds the sort key of the last row a client saw, so the next page starts strictly
after it: rows inserted meanwhile never shift a page, and no row is lost or repeated.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, or_

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
T = TypeVar("T")
Key = tuple[Any, ...]


class BadCursor(ValueError):
    """The cursor was not one this service issued."""


@dataclass(frozen=True)
class PageRequest:
    """How many rows a client wants, and the sort key of the last row it has seen."""

    limit: int = DEFAULT_LIMIT
    after: Key | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of items; ``cursor`` resumes after its last item (None on the last page)."""

    items: list[T]
    cursor: str | None = None
    count: int | None = None


def _dump(value: Any) -> list[Any]:
    if isinstance(value, datetime):
        return ["d", value.isoformat()]
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"a sort key cannot hold {type(value).__name__}")
    return ["i" if isinstance(value, int) else "s", value]


def _load(pair: Any) -> Any:
    kind, value = pair
    if kind == "d":
        loaded = datetime.fromisoformat(value)
        if loaded.tzinfo is None:
            raise BadCursor("naive time in cursor")
        return loaded
    if (kind, type(value)) not in {("i", int), ("s", str)}:
        raise BadCursor("unknown value in cursor")
    return value


def encode_cursor(key: Key) -> str:
    """The sort key as URL-safe text; clients treat it as opaque."""
    raw = json.dumps([_dump(value) for value in key], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(text: str) -> Key:
    """The sort key a cursor holds; BadCursor for anything this module did not encode."""
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        pairs = json.loads(raw)
        if not isinstance(pairs, list) or not pairs or len(pairs) > 4:
            raise BadCursor("not a cursor")
        key = tuple(_load(pair) for pair in pairs)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise BadCursor("not a cursor") from exc
    return key


def _after(columns: Sequence[ColumnElement], descending: Sequence[bool], key: Key):
    """Rows strictly after ``key`` in the order (c1, c2, ...), each ascending or descending."""
    clauses = []
    for i, (column, desc) in enumerate(zip(columns, descending, strict=True)):
        beyond = column < key[i] if desc else column > key[i]
        clauses.append(and_(*(c == v for c, v in zip(columns[:i], key[:i], strict=False)), beyond))
    return or_(*clauses)


def _check(columns: Sequence[ColumnElement], key: Key) -> None:
    """A cursor of another list (other width or value types) is refused before any query."""
    if len(key) != len(columns):
        raise BadCursor("cursor of another list")
    for column, value in zip(columns, key, strict=True):
        kind = getattr(column.type, "impl", column.type).python_type
        if not isinstance(value, kind):
            raise BadCursor("cursor of another list")


def keyset(
    statement: Select,
    columns: Sequence[ColumnElement],
    request: PageRequest,
    descending: Sequence[bool] | None = None,
) -> Select:
    """``statement`` ordered by ``columns`` (unique together), from the cursor, one row extra."""
    descending = descending or [False] * len(columns)
    if request.after is not None:
        _check(columns, request.after)
        statement = statement.where(_after(columns, descending, request.after))
    order = [c.desc() if d else c.asc() for c, d in zip(columns, descending, strict=True)]
    return statement.order_by(*order).limit(request.limit + 1)


def page_of(
    rows: Iterable[Any],
    key: Callable[[Any], Key],
    request: PageRequest,
    shape: Callable[[Any], T],
    count: int | None = None,
) -> Page[T]:
    """The page from rows fetched with one extra (by ``keyset``): the extra says more follow."""
    fetched = list(rows)
    more = len(fetched) > request.limit
    fetched = fetched[: request.limit]
    cursor = encode_cursor(key(fetched[-1])) if more and fetched else None
    return Page([shape(row) for row in fetched], cursor, count)


def page_in_memory(
    items: Iterable[Any], key: Callable[[Any], Key], request: PageRequest, shape: Callable[[Any], T]
) -> Page[T]:
    """The same keyset page over items already loaded (an aggregate's children)."""
    ordered = sorted(items, key=key)
    total = len(ordered)
    if request.after is not None:
        try:
            ordered = [item for item in ordered if key(item) > request.after]
        except TypeError as exc:  # a key of other types: another list's cursor
            raise BadCursor("cursor of another list") from exc
    return page_of(ordered[: request.limit + 1], key, request, shape, total)
