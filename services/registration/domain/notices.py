"""How often one address may be emailed about one event, so registering cannot amplify mail."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class NoticeLimit:
    """At most ``at_most`` emails of ``kind`` per address and event in any ``per``."""

    kind: str
    at_most: int
    per: timedelta


VERIFICATION = NoticeLimit("verification", 3, timedelta(days=1))
ALREADY_REGISTERED = NoticeLimit("already_registered", 1, timedelta(hours=1))
SUPPRESSED = "verification_suppressed"  # counted for /metrics, never sent
KEPT_FOR = timedelta(days=1)  # the longest window; older notices are forgotten


def address_key(email: str) -> str:
    """A stable key of an address that does not store the address itself."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()
