"""What the webhook use cases need from the outside world."""

from __future__ import annotations

from typing import Protocol


class Poster(Protocol):
    """POSTs a body to a URL and returns the HTTP status; raises Unreachable without an answer."""

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int: ...
