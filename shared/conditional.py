"""Conditional GET on JSON resources: a strong ETag from the body, and 304 when it matches."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Response, make_response, request


def conditional(view: Callable) -> Callable:
    """Tag a GET's JSON answer with a strong ETag (a hash of its bytes); answer a matching
    If-None-Match with 304 and no body, so a client polling an unchanged resource skips it."""

    @wraps(view)
    def wrapped(*args, **kwargs) -> Response:
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not response.is_streamed:
            response.add_etag()
            response.make_conditional(request)
        return response

    return wrapped
