"""Closing a ranked-choice block: the programme allocates its seats fairly, then books them.

A mixin of ``Programme``, kept in its own module for its size; it relies only on the
programme's rules below (``_Programme``), so the allocation itself stays in ``allocation``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from services.scheduling.domain import events as ev
from services.scheduling.domain.allocation import Allocation, allocate
from services.scheduling.domain.blocks import Block
from services.scheduling.domain.policy import Policy
from services.scheduling.domain.visits import Slot, Visit


class _Programme(Protocol):
    def block(self, block_id: str) -> Block: ...

    def block_visits(self, block: Block) -> list[Visit]: ...

    def _clash(self, registration_id: str, slot: Slot, policy: Policy) -> Visit | None: ...

    def _is_confirmed(self, registration_id: str) -> bool: ...

    def _announce(
        self, event: Callable[..., ev.VisitEvent], visit: Visit, now: datetime, *values: Any
    ) -> None: ...

    def _changed(self, now: datetime) -> None: ...


class BlockClosing:
    """``Programme.close_block``."""

    def close_block(
        self: _Programme, block_id: str, policy: Policy, seed: int, now: datetime
    ) -> Allocation:
        """Allocate the block's free seats from the rankings (see ``allocation``), then book."""
        block = self.block(block_id)
        block.require_open()
        visits = {visit.id: visit for visit in self.block_visits(block) if visit.scheduled}
        rankings = {
            p.registration_id: [
                v
                for v in p.ranking
                if v in visits and not self._clash(p.registration_id, visits[v].slot, policy)
            ]
            for p in block.preferences
            if not any(v.booked(p.registration_id) for v in visits.values())
            and self._is_confirmed(p.registration_id)
        }
        seats = {visit_id: visit.seats_left() for visit_id, visit in visits.items()}
        allocation = allocate(rankings, seats, seed)
        booked = {rid: visit.id for visit in visits.values() for rid in visit.participants}
        block.close(seed, booked | allocation.assignments, now)
        for registration_id, visit_id in sorted(allocation.assignments.items()):
            visits[visit_id].add(registration_id, now)
            self._announce(ev.ParticipantAdded, visits[visit_id], now, registration_id)
        self._changed(now)
        return allocation
