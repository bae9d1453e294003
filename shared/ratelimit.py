"""Per-client-IP rate limit of public writes (POST/PUT/PATCH/DELETE without an organiser).

A fixed-window counter kept in process memory: each web process counts on its own, so behind
N gunicorn workers a client may get up to N times the limit. Organiser requests (a valid
bearer credential, or an organiser logged in on the pages) are never limited; safe methods
(GET, HEAD, OPTIONS) are never counted. Configured by ``PUBLIC_WRITE_RATE_LIMIT``, e.g.
``120/minute``; ``0``, ``off`` or an empty value turn it off.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable

from flask import Flask, Response, request

from shared.pages.login import page_organiser
from shared.problems import problem
from shared.web import current_organiser

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


class FixedWindowLimiter:
    """At most ``limit`` hits per key in each window of ``period`` seconds (thread-safe)."""

    def __init__(self, limit: int, period: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.period = period
        self._clock = clock
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window start, hits)
        self._last_sweep = clock()

    def hit(self, key: str) -> float | None:
        """Count a hit; None when allowed, else the seconds until the key's window resets."""
        now = self._clock()
        with self._lock:
            self._sweep(now)
            start, hits = self._windows.get(key, (now, 0))
            if now - start >= self.period:
                start, hits = now, 0
            if hits >= self.limit:
                return max(start + self.period - now, 0.0)
            self._windows[key] = (start, hits + 1)
            return None

    def _sweep(self, now: float) -> None:
        """Forget expired windows now and then, so memory stays bounded by active clients."""
        if now - self._last_sweep < self.period:
            return
        self._last_sweep = now
        self._windows = {k: w for k, w in self._windows.items() if now - w[0] < self.period}


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


def init_rate_limit(app: Flask, rate: str | None) -> FixedWindowLimiter | None:
    """Limit the app's public writes per client IP; returns the limiter (None when off)."""
    parsed = parse_rate(rate)
    if parsed is None:
        return None
    limiter = FixedWindowLimiter(*parsed)
    app.extensions["public_write_limiter"] = limiter

    @app.before_request
    def _limit_public_writes() -> Response | None:
        if request.method not in UNSAFE_METHODS or _is_organiser():
            return None
        retry_after = limiter.hit(request.remote_addr or "unknown")
        return None if retry_after is None else too_many_requests(retry_after)

    return limiter
