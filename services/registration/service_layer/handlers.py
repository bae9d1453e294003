"""Use cases: each loads one event aggregate, calls one method, commits."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.registration.domain.commands import CreateEvent, Quota, Register
from services.registration.domain.errors import InvalidEvent
from services.registration.domain.model import Event, PartnerQuota, Registration
from services.registration.service_layer.unit_of_work import RegistrationUnitOfWork

Clock = Callable[[], datetime]


def new_token() -> str:
    """An unguessable link token: 256 bits from the OS's CSPRNG."""
    return secrets.token_urlsafe(32)


def create_event(cmd: CreateEvent, uow: RegistrationUnitOfWork, clock: Clock) -> Event:
    now = clock()
    venue = cmd.venue
    event = Event(
        id=str(uuid.uuid4()),
        title=cmd.title,
        kind=cmd.kind,
        description=cmd.description,
        venue_name=venue.name,
        venue_address=venue.address,
        venue_city=venue.city,
        venue_country=venue.country.upper(),
        venue_lat=venue.lat,
        venue_lon=venue.lon,
        timezone=cmd.timezone,
        start=cmd.start,
        end=cmd.end,
        capacity=cmd.capacity,
        registration_opens=cmd.registration_opens,
        registration_closes=cmd.registration_closes,
        waitlist_enabled=cmd.waitlist_enabled,
        approval_required=cmd.approval_required,
        created_at=now,
        updated_at=now,
        quotas=[_quota(q) for q in cmd.quotas],
    )
    event.validate()
    with uow:
        uow.events.add(event)
        uow.commit()
    return event


def _quota(quota: Quota) -> PartnerQuota:
    return PartnerQuota(partner=quota.partner, seats=quota.seats, release_at=quota.release_at)


def update_event(
    event_id: str, changes: dict[str, Any], uow: RegistrationUnitOfWork, clock: Clock
) -> Event:
    with uow:
        event = uow.events.get(event_id)
        quotas = changes.pop("quotas", None)
        if "venue" in changes:
            venue = changes.pop("venue")
            changes |= {f"venue_{key}": value for key, value in vars(venue).items()}
            changes["venue_country"] = changes["venue_country"].upper()
        event.update(changes, clock())
        if quotas is not None:
            event.replace_quotas([_quota(q) for q in quotas], clock())
        uow.commit()
    return event


def publish_event(event_id: str, uow: RegistrationUnitOfWork, clock: Clock) -> Event:
    with uow:
        event = uow.events.get(event_id)
        event.publish(clock())
        uow.commit()
    return event


def cancel_event(
    event_id: str, reason: str | None, uow: RegistrationUnitOfWork, clock: Clock
) -> Event:
    with uow:
        event = uow.events.get(event_id)
        event.cancel(clock(), reason)
        uow.commit()
    return event


def register(
    cmd: Register, uow: RegistrationUnitOfWork, clock: Clock
) -> tuple[Event, Registration]:
    if not cmd.consent:
        raise InvalidEvent("consent to the privacy notice is required to register")
    with uow:
        event = uow.events.get(cmd.event_id)
        registration = event.register(
            str(uuid.uuid4()), cmd.participant, (new_token(), new_token()), clock()
        )
        uow.commit()
    return event, registration


def _by_token(uow: RegistrationUnitOfWork, token: str) -> tuple[Event, str]:
    event_id, registration_id = uow.events.event_id_for_token(token)
    return uow.events.get(event_id), registration_id


def cancel_by_token(token: str, uow: RegistrationUnitOfWork, clock: Clock) -> Registration:
    with uow:
        event, registration_id = _by_token(uow, token)
        registration = event.cancel_registration(registration_id, clock())
        uow.commit()
    return registration


def update_needs_by_token(
    token: str, needs: dict[str, str | None], uow: RegistrationUnitOfWork, clock: Clock
) -> Registration:
    with uow:
        event, registration_id = _by_token(uow, token)
        registration = event.update_needs(registration_id, needs, clock())
        uow.commit()
    return registration


def erase_by_token(token: str, uow: RegistrationUnitOfWork, clock: Clock) -> None:
    with uow:
        event, registration_id = _by_token(uow, token)
        event.erase(registration_id, clock())
        uow.commit()


def _organiser_action(
    action: str, registration_id: str, uow: RegistrationUnitOfWork, clock: Clock, *args
) -> Registration:
    with uow:
        event = uow.events.get(uow.events.event_id_for_registration(registration_id))
        result = getattr(event, action)(registration_id, clock(), *args)
        uow.commit()
    return result


def approve(registration_id: str, uow: RegistrationUnitOfWork, clock: Clock) -> Registration:
    return _organiser_action("approve", registration_id, uow, clock)


def reject(
    registration_id: str, reason: str | None, uow: RegistrationUnitOfWork, clock: Clock
) -> Registration:
    return _organiser_action("reject", registration_id, uow, clock, reason)


def promote(registration_id: str, uow: RegistrationUnitOfWork, clock: Clock) -> Registration:
    return _organiser_action("promote", registration_id, uow, clock)


def cancel_registration(
    registration_id: str, uow: RegistrationUnitOfWork, clock: Clock
) -> Registration:
    return _organiser_action("cancel_registration", registration_id, uow, clock)


def erase(registration_id: str, uow: RegistrationUnitOfWork, clock: Clock) -> Registration:
    return _organiser_action("erase", registration_id, uow, clock)


def release_quotas(uow: RegistrationUnitOfWork, clock: Clock) -> int:
    """Give seats of released partner quotas to the waiting lists; count promotions."""
    now = clock()
    promoted = 0
    with uow:
        for event in uow.events.with_released_quotas(now):
            promoted += len(event.fill_free_seats(now))
        uow.commit()
    return promoted
