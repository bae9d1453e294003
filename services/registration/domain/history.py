"""The history of a registration: what organisers changed about it, by whom, when and why.

An entry outlives its registration's personal data: erasure keeps that a change happened,
when and by whom, and forgets what it changed from and to (an old address is personal data
as much as the current one) and the reason, which may quote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

EMAIL_CORRECTED = "email_corrected"


@dataclass(eq=False)
class HistoryEntry:
    """One change an organiser made to a registration."""

    registration_id: str
    event_id: str
    action: str
    at: datetime
    by_id: str | None
    by_name: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None = None
    id: int | None = None

    def addresses(self) -> tuple[str, ...]:
        """The email addresses this entry holds (those of an address correction)."""
        if self.action != EMAIL_CORRECTED:
            return ()
        return tuple(value for value in (self.old_value, self.new_value) if value)

    def erase(self) -> None:
        """Forget what was changed and why; that it happened stays."""
        self.old_value = self.new_value = self.reason = None
