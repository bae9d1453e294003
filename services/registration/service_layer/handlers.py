"""Use cases: each loads one event aggregate, calls one method, commits."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from services.registration.attendance.domain.codes import shown
from services.registration.domain import notices
from services.registration.domain.commands import (
    CorrectEmail,
    CreateEvent,
    Participant,
    Quota,
    Register,
)
from services.registration.domain.errors import InvalidEvent, RegistrationError
from services.registration.domain.model import Event, Hold, PartnerQuota, Registration
from services.registration.service_layer.unit_of_work import AbstractRegistrationUnitOfWork
from shared.erasure import ERASED, Traces

Clock = Callable[[], datetime]
DEFAULT_HOLD = timedelta(minutes=30)
DEFAULT_RETENTION = timedelta(days=365)  # RETENTION_DAYS
log = logging.getLogger(__name__)
# what of a person a registration holds; erasure scrubs it from the kept messages too
PERSONAL = ("name", "email", "organisation", "partner", "dietary_needs", "accessibility_needs")


def new_token() -> str:
    """An unguessable link token: 256 bits from the OS's CSPRNG."""
    return secrets.token_urlsafe(32)


def code_hash(code: str) -> str:
    """What is stored of a partner claim code: its SHA-256, so a database leak claims nothing."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def _new_codes(quotas: list[PartnerQuota]) -> dict[str, str]:
    """Give every quota without one a fresh claim code (256 bits); the codes, to show once."""
    codes = {}
    for quota in quotas:
        if quota.code_hash is None:
            codes[quota.partner] = new_token()
            quota.code_hash = code_hash(codes[quota.partner])
    return codes


def create_event(
    cmd: CreateEvent,
    uow: AbstractRegistrationUnitOfWork,
    clock: Clock,
    retention: timedelta = DEFAULT_RETENTION,
) -> tuple[Event, dict[str, str]]:
    """Create a draft; returns it with the partner claim codes, which are never shown again."""
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
        verify_email=cmd.verify_email,
        waitlist_offer_hours=cmd.waitlist_offer_hours,
        retention_until=cmd.retention_until or cmd.end + retention,
        created_at=now,
        updated_at=now,
        quotas=[_quota(q) for q in cmd.quotas],
    )
    event.validate()
    codes = _new_codes(event.quotas)
    with uow:
        uow.events.add(event)
        uow.commit()
    return event, codes


def _retention(event: Event, changes: dict[str, Any], default: timedelta) -> None:
    """A retention date set to null goes back to the default; moving the end moves it along."""
    end = changes.get("end", event.end)
    if "retention_until" in changes:
        changes["retention_until"] = changes["retention_until"] or end + default
    elif event.retention_until is not None and end != event.end:
        changes["retention_until"] = event.retention_until + (end - event.end)


def _quota(quota: Quota) -> PartnerQuota:
    return PartnerQuota(partner=quota.partner, seats=quota.seats, release_at=quota.release_at)


def update_event(
    event_id: str,
    changes: dict[str, Any],
    uow: AbstractRegistrationUnitOfWork,
    clock: Clock,
    retention: timedelta = DEFAULT_RETENTION,
) -> tuple[Event, dict[str, str]]:
    """Edit an event; returns it with the claim codes of partners that are new to it."""
    codes: dict[str, str] = {}
    with uow:
        event = uow.events.get(event_id)
        _retention(event, changes, retention)
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
            codes = _new_codes(event.quotas)
        uow.commit()
    return event, codes


def rotate_partner_code(
    event_id: str, partner: str, uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> str:
    """A new claim code for a partner's quota; the old code stops working at once."""
    code = new_token()
    with uow:
        uow.events.get(event_id).set_partner_code(partner, code_hash(code), clock())
        uow.commit()
    return code


def publish_event(event_id: str, uow: AbstractRegistrationUnitOfWork, clock: Clock) -> Event:
    with uow:
        event = uow.events.get(event_id)
        event.publish(clock())
        uow.commit()
    return event


def delete_draft(event_id: str, uow: AbstractRegistrationUnitOfWork) -> None:
    """Delete an event that was never published; a published one is cancelled instead."""
    with uow:
        event = uow.events.get(event_id)
        event.check_deletable()
        uow.events.delete(event)
        uow.commit()


def cancel_event(
    event_id: str, reason: str | None, uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> Event:
    with uow:
        event = uow.events.get(event_id)
        event.cancel(clock(), uow.events.active(event_id), reason)
        uow.commit()
    return event


# (event, registration, waiting-list position); no registration when it awaits verification,
# which is also the answer to a duplicate: the caller cannot tell the two apart.
Registered = tuple[Event, Registration | None, int | None]


def register(
    cmd: Register, uow: AbstractRegistrationUnitOfWork, clock: Clock, hold: timedelta = DEFAULT_HOLD
) -> Registered:
    """Register someone; returns the event, the registration and its waiting-list position."""
    outcome = register_batch(cmd.event_id, [cmd], uow, clock, hold)[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def register_batch(
    event_id: str,
    commands: list[Register],
    uow: AbstractRegistrationUnitOfWork,
    clock: Clock,
    hold: timedelta = DEFAULT_HOLD,
) -> list[Registered | RegistrationError]:
    """Register several people for one event in one transaction, in order.

    Each command gets its own outcome: a registration or the domain error that refused it (a
    refusal changes nothing, so the others go ahead). Emails are checked before the event row
    is locked; a race with another transaction is caught by the unique index on active emails.
    A public registration of an event that verifies emails holds its place until verified.
    """
    with uow:
        taken = uow.events.active_emails(event_id, [c.participant.email for c in commands])
        event = uow.events.get(event_id)
        outcomes: list[Registered | RegistrationError] = []
        unverified: list[Registration] = []  # asked to verify together, after the loop
        for cmd in commands:
            email = cmd.participant.email.strip().lower()
            held = event.verify_email and not cmd.by_organiser
            try:
                if not cmd.consent:
                    raise InvalidEvent("consent to the privacy notice is required to register")
                if held and email in taken:
                    _registered_again(uow, event, email, clock())
                    outcomes.append((event, None, None))
                    continue
                registration = event.register(
                    str(uuid.uuid4()),
                    _claimed(event, cmd),
                    (new_token(), new_token()),
                    clock(),
                    email in taken,
                    Hold(new_token(), clock() + hold) if held else None,
                )
            except RegistrationError as exc:
                outcomes.append(exc)
                continue
            taken.add(email)
            uow.events.add_registration(registration)
            if held:
                unverified.append(registration)
                outcomes.append((event, None, None))
                continue
            waiting = registration.status == "waitlisted"
            outcomes.append((event, registration, event.waitlisted_count if waiting else None))
        _ask_to_verify(uow, event, unverified, clock())
        uow.commit()
    return outcomes


def _claimed(event: Event, cmd: Register) -> Participant:
    """The participant with the partner their claim code names; a typed partner name counts
    only when an organiser registers."""
    partner = cmd.participant.partner if cmd.by_organiser else None
    if cmd.partner_code:
        partner = event.partner_of_code(code_hash(cmd.partner_code))
    return replace(cmd.participant, partner=partner)


def _within(
    uow: AbstractRegistrationUnitOfWork,
    limit: notices.NoticeLimit,
    event_id: str,
    email: str,
    now: datetime,
) -> bool:
    """Whether one more email of this kind keeps within its limit; if so it is recorded."""
    key = notices.address_key(email)
    return key in uow.events.notices_within(event_id, [key], limit, now)


def _ask_to_verify(
    uow: AbstractRegistrationUnitOfWork,
    event: Event,
    unverified: list[Registration],
    now: datetime,
) -> None:
    """Send each their verification link, unless their address had its share of them today
    (one statement for them all)."""
    if not unverified:
        return
    keys = [notices.address_key(registration.email) for registration in unverified]
    within = uow.events.notices_within(event.id, keys, notices.VERIFICATION, now)
    for registration, key in zip(unverified, keys, strict=True):
        if key in within:
            event.request_verification(registration)
            continue
        uow.events.record_notice(event.id, key, notices.SUPPRESSED, now)
        log.warning("verification email withheld: limit reached", extra={"event_id": event.id})


def _registered_again(
    uow: AbstractRegistrationUnitOfWork, event: Event, email: str, now: datetime
) -> None:
    """A known address registered again: a reminder of its manage link (or its verification
    link, while unverified), within the limits; the caller hears the same as anyone."""
    existing = uow.events.active_by_email(event.id, email)
    if not existing.verified:
        _ask_to_verify(uow, event, [existing], now)
    elif _within(uow, notices.ALREADY_REGISTERED, event.id, email, now):
        event.remind_registered(existing)


def verify(
    token: str, uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> tuple[Registration, int | None]:
    """Follow a verification link: the registration takes its real state, announced once;
    returns it with its waiting-list position. The event is locked first (found by the
    link), so the registration is read once, under the lock."""
    with uow:
        event = uow.events.event_of_verify_token(token)
        registration = uow.events.by_verify_token(token)
        position = uow.events.waitlist_position(registration)
        event.verify(registration, clock(), position)
        uow.commit()
    return registration, position


def expire_holds(uow: AbstractRegistrationUnitOfWork, clock: Clock) -> int:
    """Release lapsed holds event by event (under its lock), promote the waiting lists, purge
    the unverified people and forget old email notices; count the expired registrations."""
    now, expired = clock(), 0
    with uow:
        for event_id in uow.events.with_lapsed_holds(now):
            event = uow.events.get(event_id)
            due = uow.events.lapsed_holds(event_id, now)  # read again under the lock
            expired += len(event.expire_holds(due, now, uow.events.waitlist(event_id)))
        uow.events.forget_notices(now - notices.KEPT_FOR)
        uow.commit()
    return expired


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
        tokens = _tokens(registration)
        event.erase(registration, clock(), waitlist, (new_token(), new_token()))
        _forget(uow, registration, before, tokens)

    return erase


def _forget(
    uow: AbstractRegistrationUnitOfWork,
    registration: Registration,
    before: dict[str, Any],
    tokens: tuple[str, ...],
) -> None:
    """Scrub an anonymised person from every kept message and from their registration's
    history: the addresses it held before a correction are theirs as much as the last one."""
    values = {before[k]: getattr(registration, k) or ERASED for k in PERSONAL if before[k]}
    for entry in uow.events.history(registration.id):
        values |= {address: registration.email for address in entry.addresses()}
        entry.erase()
    uow.forget(Traces(registration.id, values, tokens))


def _tokens(registration: Registration) -> tuple[str, ...]:
    """The links and codes of a person that kept messages may hold: manage, feed, offer and
    the check-in code as it is shown."""
    code = shown(registration.checkin_code) if registration.checkin_code else None
    found = (registration.manage_token, registration.feed_token, registration.offer_token, code)
    return tuple(token for token in found if token)


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


def correct_email(
    registration_id: str,
    correction: CorrectEmail,
    uow: AbstractRegistrationUnitOfWork,
    clock: Clock,
) -> Registration:
    """An organiser's correction of a participant's address, recorded in its history."""

    def correct(event: Event, registration: Registration, _waitlist: list[Registration]) -> None:
        taken = uow.events.active_emails(event.id, [correction.email])
        position = uow.events.waitlist_position(registration)
        entry = event.correct_email(registration, correction, clock(), taken, position)
        uow.events.add_history(entry)

    return _apply(uow, _by_id(uow, registration_id), correct)


def release_quotas(uow: AbstractRegistrationUnitOfWork, clock: Clock) -> int:
    """Give seats of released partner quotas to the waiting lists; count promotions."""
    now = clock()
    promoted = 0
    with uow:
        for event in uow.events.with_released_quotas(now):
            promoted += len(event.fill_free_seats(now, uow.events.waitlist(event.id)))
        uow.commit()
    return promoted


def accept_offer(token: str, uow: AbstractRegistrationUnitOfWork, clock: Clock) -> Registration:
    """Take the seat a waiting-list offer holds; the offer link works once."""
    return _apply(
        uow,
        lambda: uow.events.by_offer_token(token),
        lambda event, r, _waitlist: event.accept_offer(r, clock()),
    )


def decline_offer(
    token: str, stay: bool, uow: AbstractRegistrationUnitOfWork, clock: Clock
) -> Registration:
    """Give the offered seat up (staying at the end of the list if ``stay``); it moves on."""
    return _apply(
        uow,
        lambda: uow.events.by_offer_token(token),
        lambda event, r, waitlist: event.decline_offer(r, clock(), stay, waitlist),
    )


def expire_offers(uow: AbstractRegistrationUnitOfWork, clock: Clock) -> int:
    """Pass on the seats of offers nobody answered in time, event by event under its lock;
    count the lapsed offers."""
    now, expired = clock(), 0
    with uow:
        for event_id in uow.events.with_lapsed_offers(now):
            event = uow.events.get(event_id)
            due = uow.events.lapsed_offers(event_id, now)  # read again under the lock
            expired += len(event.expire_offers(due, now, uow.events.waitlist(event_id)))
        uow.commit()
    return expired


def purge_past_events(uow: AbstractRegistrationUnitOfWork, clock: Clock) -> int:
    """Retention: erase everyone of each event whose retention date has passed, one event
    per transaction, as erasure does (messages scrubbed, participant.erased published) but
    with every status kept for the EU report; count the events purged."""
    purged = 0
    with uow:
        due = uow.events.due_for_purge(clock())
    for event_id in due:
        with uow:
            event = uow.events.get(event_id)
            for registration in uow.events.unerased(event_id):
                _purge(uow, event, registration, clock())
            event.purged(clock())
            uow.commit()
        purged += 1
    return purged


def _purge(
    uow: AbstractRegistrationUnitOfWork, event: Event, registration: Registration, now: datetime
) -> None:
    before = {key: getattr(registration, key) for key in PERSONAL}
    tokens = _tokens(registration)
    event.purge(registration, now, (new_token(), new_token()))
    _forget(uow, registration, before, tokens)
