"""Per-client-IP rate limit of public writes (POST/PUT/PATCH/DELETE without an organiser).

Counted by the ``limits`` library (the engine of flask-limiter) in a fixed window. Where the
counters live decides what "per client" means: ``RATE_LIMIT_STORAGE_URL`` (e.g.
``redis://127.0.0.1:6379``) shares them between every worker and host of a service, so N
gunicorn workers enforce the limit once; without it they stay in process memory and each
worker counts on its own (up to N times the limit). Organiser requests (a valid bearer
credential, or an organiser logged in on the pages) are never limited; safe methods (GET,
HEAD, OPTIONS) are never counted. ``PUBLIC_WRITE_RATE_LIMIT``, e.g. ``120/minute``; ``0``,
``off`` or an empty value turn it off. The client is ``request.remote_addr``: behind a
reverse proxy set ``TRUSTED_PROXIES`` (see ``shared.app_factory``), or every client shares
the proxy's address.
"""

from __future__ import annotations

import logging
import math
import re
import time

from flask import Flask, Response, request
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from shared.pages.login import page_organiser
from shared.problems import problem
from shared.web import current_organiser

log = logging.getLogger(__name__)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)
_OFF = {"", "0", "off", "none", "false", "disabled"}


def parse_rate(value: str | None) -> tuple[int, int] | None:
    """``"60/minute"`` → (60, 60); None when the limit is turned off; ValueError if unreadable."""
    if value is None or value.strip().lower() in _OFF:
        return None
    match = _RATE.match(value)
    if match is None:
        raise ValueError(
            f"PUBLIC_WRITE_RATE_LIMIT={value!r} is not like '120/minute' (or 'off' to disable)"
        )
    limit, period = int(match.group(1)), PERIODS[match.group(2).lower()]
    return (limit, period) if limit > 0 else None


class PublicWriteLimiter:
    """At most the rate's hits per client key in each window, counted in ``storage_url``."""

    def __init__(self, service: str, rate: RateLimitItem, storage_url: str) -> None:
        self.service = service
        self.rate = rate
        self.limiter = FixedWindowRateLimiter(storage_from_string(storage_url))

    def hit(self, client: str) -> float | None:
        """Count a hit; None when allowed, else the seconds until the client's window resets.

        If the shared storage cannot be reached the write is let through (and logged):
        an outage of the counters must not take the service down with it.
        """
        try:
            if self.limiter.hit(self.rate, self.service, client):
                return None
            reset = self.limiter.get_window_stats(self.rate, self.service, client).reset_time
        except Exception:  # noqa: BLE001 - fail open, see above
            log.warning("rate limit storage unavailable; request let through", exc_info=True)
            return None
        return max(reset - time.time(), 0.0)


def too_many_requests(retry_after: float) -> Response:
    """429 problem+json with Retry-After in whole seconds."""
    seconds = max(1, math.ceil(retry_after))
    response = problem(
        429, f"Too many requests from your address; please retry in {seconds} seconds."
    )
    response.headers["Retry-After"] = str(seconds)
    return response


def _is_organiser() -> bool:
    return current_organiser() is not None or page_organiser() is not None


def init_rate_limit(
    app: Flask, service: str, rate: str | None, storage_url: str = "memory://"
) -> PublicWriteLimiter | None:
    """Limit the app's public writes per client IP; returns the limiter (None when off)."""
    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limiter = PublicWriteLimiter(service, RateLimitItemPerSecond(*parsed), storage_url)
    app.extensions["public_write_limiter"] = limiter

    @app.before_request
    def _limit_public_writes() -> Response | None:
        if request.method not in UNSAFE_METHODS or _is_organiser():
            return None
        retry_after = limiter.hit(request.remote_addr or "unknown")
        return None if retry_after is None else too_many_requests(retry_after)

    return limiter
