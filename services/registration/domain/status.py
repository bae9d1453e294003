"""Where a registration stands; the active ones hold a seat or a place in a queue."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING = "pending"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


ACTIVE = {Status.CONFIRMED, Status.WAITLISTED, Status.PENDING}
