"""Use cases: one short function each, ``with uow`` → load one programme → one method → commit."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.scheduling.domain.allocation import Allocation
from services.scheduling.domain.blocks import Block, Preference
from services.scheduling.domain.commands import ScheduleVisit
from services.scheduling.domain.feed_tokens import FeedOwner
from services.scheduling.domain.policy import Policy
from services.scheduling.domain.visits import Visit
from services.scheduling.service_layer.unit_of_work import SchedulingUnitOfWork

Clock = Callable[[], datetime]


def schedule_visit(
    cmd: ScheduleVisit, uow: SchedulingUnitOfWork, clock: Clock, policy: Policy
) -> Visit:
    with uow:
        visit = uow.programmes.get(cmd.event_id).schedule_visit(cmd, policy, clock())
        uow.commit()
    return visit


def edit_visit(
    visit_id: str, values: dict[str, Any], uow: SchedulingUnitOfWork, clock: Clock, policy: Policy
) -> Visit:
    with uow:
        visit = uow.programmes.for_visit(visit_id).edit_visit(visit_id, values, policy, clock())
        uow.commit()
    return visit


def cancel_visit(
    visit_id: str, reason: str | None, uow: SchedulingUnitOfWork, clock: Clock
) -> Visit:
    with uow:
        visit = uow.programmes.for_visit(visit_id).cancel_visit(visit_id, reason, clock())
        uow.commit()
    return visit


def join_visit(
    visit_id: str,
    registration_id: str,
    uow: SchedulingUnitOfWork,
    clock: Clock,
    policy: Policy,
    self_service: bool,
) -> Visit:
    with uow:
        programme = uow.programmes.for_visit(visit_id)
        visit = programme.join(visit_id, registration_id, policy, clock(), self_service)
        uow.commit()
    return visit


def leave_visit(
    visit_id: str, registration_id: str, reason: str, uow: SchedulingUnitOfWork, clock: Clock
) -> Visit:
    with uow:
        programme = uow.programmes.for_visit(visit_id)
        visit = programme.leave(visit_id, registration_id, reason, clock())
        uow.commit()
    return visit


def create_block(
    event_id: str, title: str, visit_ids: list[str], uow: SchedulingUnitOfWork, clock: Clock
) -> Block:
    with uow:
        block = uow.programmes.get(event_id).create_block(title, visit_ids, clock())
        uow.commit()
    return block


def rank_visits(
    block_id: str,
    registration_id: str,
    ranking: list[str],
    uow: SchedulingUnitOfWork,
    clock: Clock,
) -> Preference:
    with uow:
        programme = uow.programmes.for_block(block_id)
        preference = programme.rank(block_id, registration_id, ranking, clock())
        uow.commit()
    return preference


def close_block(
    block_id: str,
    uow: SchedulingUnitOfWork,
    clock: Clock,
    policy: Policy,
    seed: int | None = None,
) -> Allocation:
    """Allocate a block's seats; the tie-breaking seed is random unless given, and recorded."""
    seed = secrets.randbits(63) if seed is None else seed
    with uow:
        programme = uow.programmes.for_block(block_id)
        allocation = programme.close_block(block_id, policy, seed, clock())
        uow.commit()
    return allocation


def rotate_feed_token(
    owner_kind: str, owner_id: str, uow: SchedulingUnitOfWork, clock: Clock
) -> FeedOwner:
    with uow:
        programme = uow.programmes.for_feed_owner(owner_kind, owner_id)
        owner = programme.rotate_feed_token(owner_kind, owner_id, clock())
        uow.commit()
    return owner


def revoke_feed_token(
    owner_kind: str, owner_id: str, uow: SchedulingUnitOfWork, clock: Clock
) -> FeedOwner:
    with uow:
        programme = uow.programmes.for_feed_owner(owner_kind, owner_id)
        owner = programme.revoke_feed_token(owner_kind, owner_id, clock())
        uow.commit()
    return owner
