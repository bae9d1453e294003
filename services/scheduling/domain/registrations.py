"""Scheduling's copy of a registration: just enough to admit a participant and find their feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.scheduling.domain.commands import RegistrationSnapshot
from services.scheduling.domain.errors import InvalidTransition
from services.scheduling.domain.visits import new_token

CONFIRMED = "confirmed"
ERASED = "erased"


@dataclass(eq=False)
class Registration:
    """Id, event, status and feed token of a registration; no name, no email.

    ``token_managed`` is set once an organiser rotated or revoked the feed token here, so the
    (older) token in later registration messages no longer overrides it.
    """

    id: str
    event_id: str
    status: str
    feed_token: str | None
    changed_at: datetime
    token_managed: bool = False

    @classmethod
    def from_snapshot(cls, snapshot: RegistrationSnapshot) -> Registration:
        return cls(
            snapshot.registration_id,
            snapshot.event_id,
            snapshot.status,
            snapshot.feed_token,
            snapshot.sent_at,
        )

    @classmethod
    def tombstone(cls, registration_id: str, event_id: str, erased_at: datetime) -> Registration:
        """What stays of an erased registration: the fact, so late messages cannot revive it."""
        return cls(registration_id, event_id, ERASED, None, erased_at, token_managed=True)

    @property
    def confirmed(self) -> bool:
        return self.status == CONFIRMED

    @property
    def erased(self) -> bool:
        return self.status == ERASED

    def update(self, snapshot: RegistrationSnapshot) -> bool:
        """Apply a newer announcement; False when it is stale or the person was erased."""
        if self.erased or snapshot.sent_at < self.changed_at:
            return False
        self.status, self.changed_at = snapshot.status, snapshot.sent_at
        if not self.token_managed:
            self.feed_token = snapshot.feed_token
        return True

    def erase(self, erased_at: datetime) -> None:
        self.status, self.feed_token, self.token_managed = ERASED, None, True
        self.changed_at = max(self.changed_at, erased_at)

    def rotate_token(self) -> None:
        if self.erased:
            raise InvalidTransition("the participant was erased; there is no feed to rotate")
        self.feed_token, self.token_managed = new_token(), True

    def revoke_token(self) -> None:
        self.feed_token, self.token_managed = None, True
