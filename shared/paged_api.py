"""The HTTP side of long lists: the ``limit``/``cursor`` query, the page envelope, streamed CSV.

Every list endpoint answers ``{"items": [...], "next": <URL or null>, "count": <int or null>}``;
a client follows ``next`` until it is null.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, request, stream_with_context, url_for
from marshmallow import Schema, ValidationError, fields, validate

from shared.pagination import DEFAULT_LIMIT, MAX_LIMIT, BadCursor, Page, PageRequest, decode_cursor


class CursorField(fields.String):
    """An opaque cursor from an earlier page's ``next``; a foreign one is a 422."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > 1000:
            raise ValidationError("Not a cursor from this list.")
        try:
            return decode_cursor(text)
        except BadCursor as exc:
            raise ValidationError("Not a cursor from this list.") from exc


class PageQuerySchema(Schema):
    """``limit`` (1-500, default 50) and the ``cursor`` of the page to resume after."""

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT)
    )
    cursor = CursorField(load_default=None)


def page_request(query: dict[str, Any]) -> PageRequest:
    """The page a parsed query asks for (the query also keeps its filters)."""
    return PageRequest(limit=query.pop("limit"), after=query.pop("cursor"))


_schemas: dict[type[Schema], type[Schema]] = {}


def page_schema(item: type[Schema]) -> type[Schema]:
    """The envelope schema for pages of ``item`` (one class per item, for OpenAPI)."""
    if item not in _schemas:
        name = item.__name__.removesuffix("Schema") + "PageSchema"
        _schemas[item] = Schema.from_dict(
            {
                "items": fields.List(fields.Nested(item)),
                "next": fields.String(allow_none=True, metadata={"format": "uri"}),
                "count": fields.Integer(allow_none=True),
            },
            name=name,
        )
    return _schemas[item]


def envelope(page: Page) -> dict[str, Any]:
    """The page as the API shows it: ``next`` is this request's URL with the next cursor."""
    next_url = None
    if page.cursor is not None:
        path = request.view_args or {}
        args: dict[str, Any] = {  # url_for's own keyword arguments are typed; these are not
            key: values
            for key, values in request.args.to_dict(flat=False).items()
            if key not in path and not key.startswith("_")  # url_for's own arguments
        }
        args["cursor"] = [page.cursor]
        next_url = url_for(str(request.endpoint), **path, **args, _external=True)
    return {"items": page.items, "next": next_url, "count": page.count}


def _resumed(first: str, chunks: Iterator[str]) -> Iterator[str]:
    yield first
    yield from chunks


def streamed_csv(chunks: Iterator[str], filename: str) -> Response:
    """A CSV download sent while the rows are read; the first chunk is read before the
    headers go out, so a missing event is still a 404, not a broken download."""
    first = next(chunks, "")
    disposition = f'attachment; filename="{filename}"'
    return Response(
        stream_with_context(_resumed(first, chunks)),
        mimetype="text/csv",
        headers={"Content-Disposition": disposition},
    )
