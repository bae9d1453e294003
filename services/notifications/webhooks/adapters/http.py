"""POST a delivery with ``requests``: bounded timeouts, no redirects followed."""

from __future__ import annotations

import requests

from services.notifications.webhooks.domain.errors import Unreachable


class HttpPoster:
    """The real Poster: a 3xx counts as a failure (we sign for one URL, not where it points)."""

    def __init__(self, connect_timeout: float = 5.0, read_timeout: float = 10.0):
        self.timeout = (connect_timeout, read_timeout)
        self.session = requests.Session()

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """The HTTP status of the endpoint's answer (its body is not read beyond 64 KiB)."""
        try:
            with self.session.post(
                url,
                data=body,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
                stream=True,
            ) as response:
                response.raw.read(65536, decode_content=False)
                return response.status_code
        except requests.RequestException as exc:
            raise Unreachable(f"{type(exc).__name__}: {_short(exc)}") from exc


def _short(exc: Exception) -> str:
    return str(exc)[:300]
