"""Where a registration stands; the active ones hold a seat or a place in a queue."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"  # a waitlisted person holds a freed seat until their offer expires
    PENDING = "pending"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"  # never verified within the hold; its personal data is purged


ACTIVE = {Status.CONFIRMED, Status.WAITLISTED, Status.OFFERED, Status.PENDING}
SEATED = {Status.CONFIRMED, Status.OFFERED}  # each of these takes one seat of the capacity
