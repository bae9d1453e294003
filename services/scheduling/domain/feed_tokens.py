"""Private feed tokens of a programme's registrations and hosts: rotate or revoke them.

A mixin of ``Programme``, kept in its own module: the token is each owner's credential for
its calendar feed, and a change bumps the programme's revision so feeds revalidate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from services.scheduling.domain.registrations import Registration
from services.scheduling.domain.visits import Host

FeedOwner = Registration | Host


class _Programme(Protocol):
    def host(self, host_id: str) -> Host: ...

    def registration(self, registration_id: str) -> Registration: ...

    def _changed(self, now: datetime) -> None: ...


class FeedTokens:
    """``Programme.rotate_feed_token`` and ``revoke_feed_token``."""

    def rotate_feed_token(
        self: _Programme, owner_kind: str, owner_id: str, now: datetime
    ) -> FeedOwner:
        """A new private feed URL for a registration or a host; the old one stops working."""
        owner = _feed_owner(self, owner_kind, owner_id)
        owner.rotate_token()
        self._changed(now)
        return owner

    def revoke_feed_token(
        self: _Programme, owner_kind: str, owner_id: str, now: datetime
    ) -> FeedOwner:
        """No private feed URL for a registration or a host until the next rotation."""
        owner = _feed_owner(self, owner_kind, owner_id)
        owner.revoke_token()
        self._changed(now)
        return owner


def _feed_owner(programme: _Programme, owner_kind: str, owner_id: str) -> FeedOwner:
    if owner_kind == "host":
        return programme.host(owner_id)
    return programme.registration(owner_id)
