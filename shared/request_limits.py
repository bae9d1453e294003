"""Refuse bodies too large, JSON nested too deep and NUL in paths, before any view runs.

Without a limit a 100k-deep JSON array makes the parser raise RecursionError (a 500), and an
unbounded body is read into memory whole; both become a clear 4xx problem instead.
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.exceptions import BadRequest, NotFound

MAX_JSON_DEPTH = 32

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON body (brackets inside strings ignored)."""
    depth = deepest = 0
    for bracket in _STRING.sub(b"", body).translate(None, _NOT_A_BRACKET):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def init_request_limits(app: Flask, max_content_length: int) -> None:
    """Bodies over max_content_length: 413; JSON deeper than MAX_JSON_DEPTH: 400; NUL: 404."""
    app.config["MAX_CONTENT_LENGTH"] = max_content_length

    @app.before_request
    def _refuse_malformed() -> None:
        if "\x00" in request.path:  # no id holds one, and PostgreSQL refuses it in a query
            raise NotFound()
        if (
            request.environ.get("CONTENT_TYPE")  # most requests send no body: skip the parse
            and request.is_json
            and json_depth(request.get_data(cache=True)) > MAX_JSON_DEPTH
        ):
            raise BadRequest(f"JSON may nest at most {MAX_JSON_DEPTH} levels deep.")
