"""The one test clock: it stands still until a test moves it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Generic, TypeVar

T = TypeVar("T", datetime, float)


class Clock(Generic[T]):
    """A clock tests move by hand: wall time (a datetime) or monotonic seconds (a float)."""

    def __init__(self, now: T):
        self.now = now

    def __call__(self) -> T:
        return self.now

    def advance(self, **delta: float) -> T:
        """Move on by ``timedelta(**delta)``; returns the new time."""
        step = timedelta(**delta)
        if isinstance(self.now, datetime):
            self.now = self.now + step
        else:
            self.now = self.now + step.total_seconds()
        return self.now
