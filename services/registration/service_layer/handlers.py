"""Use cases: each loads one event aggregate, calls one method, commits."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.registration.domain.commands import CreateEvent, Quota, Register
from services.registration.domain.errors import InvalidEvent, RegistrationError
from services.registration.domain.model import Event, PartnerQuota, Registration
from services.registration.service_layer.unit_of_work import AbstractRegistrationUnitOfWork
from shared.erasure import ERASED, Traces

Clock = Callable[[], datetime]
# what of a person a registration holds; erasure scrubs it from the kept messages too
PERSONAL = ("name", "email", "organisation", "partner", "dietary_needs", "accessibility_needs")


def new_token() -> str:
    """An unguessable link token: 256 bits from the OS's CSPRNG."""
    return secrets.token_urlsafe(32)


def create_event(cmd: CreateEvent, uow: AbstractRegistrationUnitOfWork, clock: Clock) -> Event:
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
    event_id: str, changes: dict[str, Any], uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> Event:
    with uow:
        event = uow.events.get(event_id)
        quotas = changes.pop("quotas", None)
        if "venue" in changes:
            venue = changes.pop("venue")
            changes |= {f"venue_{key}": value for key, value in vars(venue).items()}
            changes["venue_country"] = changes["venue_country"].upper()
        waitlist = uow.events.waitlist(event_id)
        event.update(changes, clock(), waitlist)
        if quotas is not None:
            event.replace_quotas(
                [_quota(q) for q in quotas],
                uow.events.confirmed_by_partner(event_id),
                clock(),
                waitlist,
            )
        uow.commit()
    return event


def publish_event(event_id: str, uow: AbstractRegistrationUnitOfWork, clock: Clock) -> Event:
    with uow:
        event = uow.events.get(event_id)
        event.publish(clock())
        uow.commit()
    return event


def cancel_event(
    event_id: str, reason: str | None, uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> Event:
    with uow:
        event = uow.events.get(event_id)
        event.cancel(clock(), uow.events.active(event_id), reason)
        uow.commit()
    return event


Registered = tuple[Event, Registration, int | None]


def register(cmd: Register, uow: AbstractRegistrationUnitOfWork, clock: Clock) -> Registered:
    """Register someone; returns the event, the registration and its waiting-list position."""
    outcome = register_batch(cmd.event_id, [cmd], uow, clock)[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def register_batch(
    event_id: str, commands: list[Register], uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> list[Registered | RegistrationError]:
    """Register several people for one event in one transaction, in order.

    Each command gets its own outcome: a registration or the domain error that refused it (a
    refusal changes nothing, so the others go ahead). Emails are checked before the event row
    is locked; a race with another transaction is caught by the unique index on active emails.
    """
    with uow:
        taken = uow.events.active_emails(event_id, [c.participant.email for c in commands])
        event = uow.events.get(event_id)
        outcomes: list[Registered | RegistrationError] = []
        for cmd in commands:
            email = cmd.participant.email.strip().lower()
            try:
                if not cmd.consent:
                    raise InvalidEvent("consent to the privacy notice is required to register")
                registration = event.register(
                    str(uuid.uuid4()),
                    cmd.participant,
                    (new_token(), new_token()),
                    clock(),
                    email in taken,
                )
            except RegistrationError as exc:
                outcomes.append(exc)
                continue
            taken.add(email)
            uow.events.add_registration(registration)
            waiting = registration.status == "waitlisted"
            outcomes.append((event, registration, event.waitlisted_count if waiting else None))
        uow.commit()
    return outcomes


def _locked(uow: AbstractRegistrationUnitOfWork, registration: Registration) -> Event:
    """The registration's event, locked; then the registration re-read under that lock."""
    event = uow.events.get(registration.event_id)
    uow.events.refresh(registration)
    return event


def _apply(
    uow: AbstractRegistrationUnitOfWork,
    find: Callable[[], Registration],
    action: Callable[[Event, Registration, list[Registration]], Any],
) -> Registration:
    with uow:
        registration = find()
        event = _locked(uow, registration)
        action(event, registration, uow.events.waitlist(event.id))
        uow.commit()
    return registration


def cancel_by_token(token: str, uow: AbstractRegistrationUnitOfWork, clock: Clock) -> Registration:
    return _apply(
        uow,
        lambda: uow.events.by_manage_token(token),
        lambda event, r, waitlist: event.cancel_registration(r, clock(), waitlist),
    )


def update_needs_by_token(
    token: str, needs: dict[str, str | None], uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> Registration:
    return _apply(
        uow,
        lambda: uow.events.by_manage_token(token),
        lambda event, r, _waitlist: event.update_needs(r, needs, clock()),
    )


def erase_by_token(token: str, uow: AbstractRegistrationUnitOfWork, clock: Clock) -> Registration:
    return _apply(uow, lambda: uow.events.by_manage_token(token), _erasing(uow, clock))


def _erasing(
    uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> Callable[[Event, Registration, list[Registration]], None]:
    """Erase the person, then scrub them from every message the outbox keeps (same commit)."""

    def erase(event: Event, registration: Registration, waitlist: list[Registration]) -> None:
        before = {key: getattr(registration, key) for key in PERSONAL}
        tokens = (registration.manage_token, registration.feed_token)
        event.erase(registration, clock(), waitlist, (new_token(), new_token()))
        values = {before[k]: getattr(registration, k) or ERASED for k in PERSONAL if before[k]}
        uow.forget(Traces(registration.id, values, tokens))

    return erase


def _by_id(uow: AbstractRegistrationUnitOfWork, registration_id: str) -> Callable[[], Registration]:
    return lambda: uow.events.registration(registration_id)


def approve(
    registration_id: str, uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> Registration:
    return _apply(uow, _by_id(uow, registration_id), lambda event, r, _w: event.approve(r, clock()))


def reject(
    registration_id: str, reason: str | None, uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> Registration:
    return _apply(
        uow, _by_id(uow, registration_id), lambda event, r, _w: event.reject(r, clock(), reason)
    )


def promote(
    registration_id: str, uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> Registration:
    return _apply(uow, _by_id(uow, registration_id), lambda event, r, _w: event.promote(r, clock()))


def cancel_registration(
    registration_id: str, uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> Registration:
    return _apply(
        uow,
        _by_id(uow, registration_id),
        lambda event, r, waitlist: event.cancel_registration(r, clock(), waitlist),
    )


def erase(registration_id: str, uow: AbstractRegistrationUnitOfWork, clock: Clock) -> Registration:
    return _apply(uow, _by_id(uow, registration_id), _erasing(uow, clock))


def release_quotas(uow: AbstractRegistrationUnitOfWork, clock: Clock) -> int:
    """Give seats of released partner quotas to the waiting lists; count promotions."""
    now = clock()
    promoted = 0
    with uow:
        for event in uow.events.with_released_quotas(now):
            promoted += len(event.fill_free_seats(now, uow.events.waitlist(event.id)))
        uow.commit()
    return promoted
