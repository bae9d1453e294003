"""The event aggregate: capacity, quotas, waiting list and the life of each registration.

Every seat decision happens inside one ``Event`` while the service layer holds that event's
row lock, which is what keeps concurrent registrations from overbooking. The event keeps seat
counters (overall and per partner quota) so a decision never needs every registration in
memory; the registrations a decision touches, such as the waiting list in queue order when a
seat frees up, are handed in by the service layer.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.registration.attendance.domain.codes import checkin_code
from services.registration.domain import events as ev
from services.registration.domain.commands import CorrectEmail, Participant, Venue
from services.registration.domain.errors import (
    AlreadyRegistered,
    Erased,
    EventFull,
    EventNotOpen,
    InvalidCorrection,
    InvalidEvent,
    InvalidTransition,
    LinkExpired,
    LinkUsed,
    NotFound,
)
from services.registration.domain.history import EMAIL_CORRECTED, HistoryEntry
from services.registration.domain.offers import OfferState, OfferWindow
from services.registration.domain.seats import QuotaSeats, SeatLedger
from services.registration.domain.status import ACTIVE, SEATED, Status


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


# Changing these makes calendar copies stale: they bump the event's SEQUENCE.
SCHEDULE_FIELDS = {
    "start",
    "end",
    "timezone",
    "venue_name",
    "venue_address",
    "venue_city",
    "venue_country",
    "venue_lat",
    "venue_lon",
    "status",
}
ERASED = "[erased]"
MAX_OFFER_HOURS = 24 * 30
VENUE_KEYS = ("name", "address", "city", "country", "lat", "lon")
# EventDetails fields copied as they are
DETAIL_FIELDS = (
    "title",
    "kind",
    "description",
    "timezone",
    "start",
    "end",
    "sequence",
    "updated_at",
)


@dataclass(eq=False)
class PartnerQuota:
    """Seats held for one partner cluster until release_at; ``confirmed`` counts its seats."""

    partner: str
    seats: int
    release_at: datetime
    confirmed: int = 0
    code_hash: str | None = None  # sha256 of the claim code; the code itself is never kept


@dataclass(frozen=True)
class Hold:
    """An unverified registration keeps its place until ``until``, claimed by ``token``."""

    token: str
    until: datetime


@dataclass(eq=False)
class Registration:
    """One person's place (or wish for a place) at one event."""

    id: str
    event_id: str
    name: str
    email: str
    organisation: str
    organisation_type: str
    country: str
    role: str
    partner: str | None
    dietary_needs: str | None
    accessibility_needs: str | None
    language: str
    status: str
    queue_number: int
    manage_token: str
    feed_token: str
    consent_at: datetime
    created_at: datetime
    updated_at: datetime
    erased_at: datetime | None = None
    verified_at: datetime | None = None
    verify_token: str | None = None
    verify_expires_at: datetime | None = None
    offer_token: str | None = None
    offer_expires_at: datetime | None = None
    offer_state: str | None = None
    checkin_code: str | None = None  # derived from manage_token (attendance.domain.codes)

    @classmethod
    def from_participant(
        cls,
        registration_id: str,
        event_id: str,
        participant: Participant,
        tokens: tuple[str, str],
        now: datetime,
    ) -> Registration:
        """A new, still pending registration; consenting is what registering means."""
        return cls(
            id=registration_id,
            event_id=event_id,
            name=participant.name.strip(),
            email=participant.email.strip(),
            organisation=participant.organisation,
            organisation_type=participant.organisation_type,
            country=participant.country.upper(),
            role=participant.role,
            partner=participant.partner,
            dietary_needs=participant.dietary_needs,
            accessibility_needs=participant.accessibility_needs,
            language=participant.language,
            status=Status.PENDING,
            queue_number=0,
            manage_token=tokens[0],
            feed_token=tokens[1],
            consent_at=now,
            created_at=now,
            updated_at=now,
            checkin_code=checkin_code(tokens[0]),
        )

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def hold(self, hold: Hold | None, now: datetime) -> None:
        """Wait for the owner to verify the address, or take it as verified right away."""
        if hold is None:
            self.verified_at = now
        else:
            self.verify_token, self.verify_expires_at = hold.token, hold.until

    def hold_lapsed(self, now: datetime) -> bool:
        expires = self.verify_expires_at
        return not self.verified and expires is not None and now >= expires

    def offer_lapsed(self, now: datetime) -> bool:
        expires = self.offer_expires_at
        return self.status == Status.OFFERED and expires is not None and now >= expires

    def reached(
        self, kind: str, event: ev.EventDetails, reason: str | None, position: int | None
    ) -> ev.RegistrationChanged:
        """The event that this registration reached a status, with its values of now."""
        offer = self.offer_state == OfferState.OPEN
        return ev.RegistrationChanged(
            kind=kind,
            registration_id=self.id,
            event=event,
            status=str(self.status),
            name=self.name,
            email=self.email,
            language=self.language,
            manage_token=self.manage_token,
            feed_token=self.feed_token,
            reason=reason,
            position=position,
            offer_token=self.offer_token if offer else None,
            offer_expires_at=self.offer_expires_at if offer else None,
            checkin_code=self.checkin_code,
        )

    def set_needs(self, needs: dict[str, str | None], now: datetime) -> None:
        if self.erased_at:
            raise InvalidTransition("the registration was erased")
        for key in ("dietary_needs", "accessibility_needs"):
            if key in needs:
                setattr(self, key, needs[key])
        self.updated_at = now

    def anonymise(self, now: datetime) -> None:
        """Replace every piece of personal data; the row stays for the counts."""
        self.name = self.organisation = ERASED
        self.email = f"erased-{self.id}@invalid"
        self.dietary_needs = self.accessibility_needs = None
        self.partner = None
        self.erased_at = now


@dataclass(eq=False)
class Event:
    """A workshop (or other event) people register for."""

    id: str
    title: str
    kind: str
    description: str
    venue_name: str
    venue_address: str
    venue_city: str
    venue_country: str
    venue_lat: float | None
    venue_lon: float | None
    timezone: str
    start: datetime
    end: datetime
    capacity: int
    registration_opens: datetime | None
    registration_closes: datetime | None
    waitlist_enabled: bool
    approval_required: bool
    created_at: datetime
    updated_at: datetime
    status: str = EventStatus.DRAFT
    verify_email: bool = True
    waitlist_offer_hours: int = 0
    retention_until: datetime | None = None  # set when created: the end plus RETENTION_DAYS
    purged_at: datetime | None = None
    sequence: int = 0
    next_number: int = 1
    confirmed_count: int = 0
    waitlisted_count: int = 0
    offered_count: int = 0
    quotas: list[PartnerQuota] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)

    # --- organiser actions -------------------------------------------------------------

    def validate(self) -> None:
        """Refuse contradictory fields with a message an organiser can act on."""
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidEvent(f"unknown timezone {self.timezone!r}") from exc
        if self.end <= self.start:
            raise InvalidEvent("end must be after start")
        if self.capacity < 1:
            raise InvalidEvent("capacity must be at least 1")
        opens, closes = self.registration_opens, self.registration_closes
        if opens and closes and closes <= opens:
            raise InvalidEvent("registration must close after it opens")
        if closes and closes > self.end:
            raise InvalidEvent("registration must close before the event ends")
        if not 0 <= self.waitlist_offer_hours <= MAX_OFFER_HOURS:
            raise InvalidEvent(f"waitlist_offer_hours must lie between 0 and {MAX_OFFER_HOURS}")
        if self.retention_until is not None and self.retention_until < self.end:
            raise InvalidEvent("personal data must be kept at least until the event ends")
        self.seats.check()

    def publish(self, now: datetime) -> None:
        if self.status != EventStatus.DRAFT:
            raise InvalidTransition(f"only a draft can be published (event is {self.status})")
        self.status = EventStatus.PUBLISHED
        self._touched(now, bump=False)
        self.events.append(ev.EventPublished(self.details()))

    def check_deletable(self) -> None:
        """Only a draft may be deleted: nobody has seen it, so nobody can have registered."""
        if self.status != EventStatus.DRAFT:
            raise InvalidTransition(
                f"only a draft can be deleted (event is {self.status}); cancel it instead"
            )

    def update(
        self, changes: dict[str, Any], now: datetime, waitlist: Iterable[Registration] = ()
    ) -> None:
        """Apply an organiser's edit; seats freed by a larger capacity go to the waiting list."""
        if self.status == EventStatus.CANCELLED:
            raise InvalidTransition("a cancelled event cannot be edited")
        changed = tuple(k for k, v in changes.items() if getattr(self, k) != v)
        for key in changed:
            setattr(self, key, changes[key])
        self.validate()
        if not changed:
            return
        self._touched(now, bump=bool(SCHEDULE_FIELDS & set(changed)))
        if self.status == EventStatus.PUBLISHED:
            self.events.append(ev.EventUpdated(self.details(), changed))
            self.fill_free_seats(now, waitlist)

    def replace_quotas(
        self,
        quotas: list[PartnerQuota],
        confirmed_by_partner: dict[str, int],
        now: datetime,
        waitlist: Iterable[Registration] = (),
    ) -> None:
        """Swap the partner quotas; their counters start from the partners' current seats.

        A partner that stays keeps its quota row, changed in place, and so its claim code: a
        new row carrying the old code would collide with the old one until it is deleted.
        """
        partners = [quota.partner for quota in quotas]
        if len(set(partners)) != len(partners):
            raise InvalidEvent("each partner may have one quota only")
        current = {q.partner: q for q in self.quotas}
        kept = []
        for quota in quotas:
            row = current.get(quota.partner, quota)
            row.seats, row.release_at = quota.seats, quota.release_at
            row.confirmed = confirmed_by_partner.get(quota.partner, 0)
            kept.append(row)
        self.quotas[:] = kept
        self.validate()
        self._touched(now, bump=False)
        if self.status == EventStatus.PUBLISHED:
            self.events.append(ev.EventUpdated(self.details(), ("quotas",)))
            self.fill_free_seats(now, waitlist)

    def cancel(
        self, now: datetime, active: Iterable[Registration], reason: str | None = None
    ) -> None:
        """Cancel the event and every active registration, one message per person."""
        if self.status == EventStatus.CANCELLED:
            raise InvalidTransition("the event is already cancelled")
        was_published = self.status == EventStatus.PUBLISHED
        self.status = EventStatus.CANCELLED
        self._touched(now, bump=True)
        if was_published:
            self.events.append(ev.EventCancelled(self.details(), reason))
        for registration in active:
            if registration.active:
                self._set(registration, Status.CANCELLED, now)
                self._changed("cancelled", registration, "event")

    def _touched(self, now: datetime, bump: bool) -> None:
        self.updated_at = now
        if bump:
            self.sequence += 1

    def details(self) -> ev.EventDetails:
        """The event as the other services know it, right now."""
        venue = Venue(*(getattr(self, f"venue_{key}") for key in VENUE_KEYS))
        same = {key: getattr(self, key) for key in DETAIL_FIELDS}
        return ev.EventDetails(event_id=self.id, venue=venue, status=str(self.status), **same)

    # --- participants ------------------------------------------------------------------

    def register(
        self,
        registration_id: str,
        participant: Participant,
        tokens: tuple[str, str],
        now: datetime,
        already_registered: bool,
        hold: Hold | None = None,
    ) -> Registration:
        """Take a seat, a place on the waiting list, or a place in the approval queue.

        With a ``hold`` the place is kept for an unverified address: nobody downstream hears
        of the registration until it is verified (see ``verify``).
        """
        self._require_open(now)
        if already_registered:
            raise AlreadyRegistered("this email is already registered for the event")
        if self.approval_required:
            status = Status.PENDING
        elif self.seats.has_seat_for(participant.partner, now):
            status = Status.CONFIRMED
        elif self.waitlist_enabled:
            status = Status.WAITLISTED
        else:
            raise EventFull("the event is full and keeps no waiting list")
        registration = Registration.from_participant(
            registration_id, self.id, participant, tokens, now
        )
        registration.hold(hold, now)
        self._set(registration, status, now)  # joining the waiting list numbers it
        registration.queue_number = registration.queue_number or self._take_number()
        self._changed(str(status), registration)
        return registration

    def _require_open(self, now: datetime) -> None:
        if self.status != EventStatus.PUBLISHED:
            raise EventNotOpen(f"the event is {self.status}, not open for registration")
        if self.registration_opens and now < self.registration_opens:
            raise EventNotOpen("registration has not opened yet")
        closes = self.registration_closes or self.start
        if now >= closes:
            raise EventNotOpen("registration has closed")

    def _own(self, registration: Registration) -> Registration:
        if registration.event_id != self.id:
            raise NotFound("no such registration for this event")
        return registration

    def _set(self, registration: Registration, status: Status, now: datetime) -> None:
        """Change a registration's status and keep the seat ledger true.

        Joining the waiting list takes a fresh queue number, so the list is ordered by the
        time people joined it and a newcomer's position is the list's length.
        """
        self._keep(self.seats.moved(registration.status, status, registration.partner))
        if registration.offer_state == OfferState.OPEN and status != Status.OFFERED:
            registration.offer_state = OfferState.WITHDRAWN
        if status == Status.WAITLISTED:
            registration.queue_number = self._take_number()
        registration.status = status
        registration.updated_at = now

    def _take_number(self) -> int:
        self.next_number += 1
        return self.next_number - 1

    def _changed(
        self,
        kind: str,
        registration: Registration,
        reason: str | None = None,
        position: int | None = None,
    ):
        """Record that ``registration`` reached a status, as it stands now.

        An unverified registration changes silently: the other services only ever hear of
        verified people.
        """
        if not registration.verified:
            return
        if kind == Status.WAITLISTED and position is None:
            position = self.waitlisted_count
        self.events.append(registration.reached(kind, self.details(), reason, position))

    # --- verification --------------------------------------------------------------------

    def request_verification(self, registration: Registration) -> None:
        """Ask the owner of an unverified registration to follow its verification link."""
        self._own(registration)
        if registration.verified or registration.verify_token is None:
            raise InvalidTransition("the registration needs no verification")
        self.events.append(
            ev.VerificationRequested(
                registration_id=registration.id,
                event=self.details(),
                name=registration.name,
                email=registration.email,
                language=registration.language,
                verify_token=registration.verify_token,
                expires_at=registration.verify_expires_at or registration.created_at,
            )
        )

    def remind_registered(self, registration: Registration) -> None:
        """Tell the owner of a verified registration that someone registered them again."""
        self._own(registration)
        self.events.append(
            ev.AlreadyRegistered(
                registration_id=registration.id,
                event=self.details(),
                name=registration.name,
                email=registration.email,
                language=registration.language,
                manage_token=registration.manage_token,
            )
        )

    def verify(self, registration: Registration, now: datetime, position: int | None) -> None:
        """The owner followed the link: the registration takes its real state, announced."""
        self._own(registration)
        if registration.verified:
            raise LinkUsed("this verification link was already used")
        if registration.status == Status.EXPIRED or registration.hold_lapsed(now):
            raise LinkExpired("this verification link has expired; please register again")
        registration.verified_at = registration.updated_at = now
        self._changed(str(registration.status), registration, position=position)

    def expire_holds(
        self, due: Iterable[Registration], now: datetime, waitlist: Iterable[Registration] = ()
    ) -> list[Registration]:
        """Release the places of unverified registrations whose hold lapsed, as a cancellation
        would, and purge their personal data; the waiting list moves up in the same step."""
        expired = [self._own(r) for r in due if r.active and r.hold_lapsed(now)]
        for registration in expired:
            self._set(registration, Status.EXPIRED, now)
            registration.anonymise(now)
            self.events.append(ev.RegistrationExpired(registration.id, self.id, now))
        if expired:
            self.fill_free_seats(now, waitlist)
        return expired

    # --- partner quotas ------------------------------------------------------------------

    def partner_of_code(self, code_hash: str) -> str:
        """The partner whose quota this claim code opens."""
        for quota in self.quotas:
            if quota.code_hash is not None and quota.code_hash == code_hash:
                return quota.partner
        raise InvalidEvent("unknown or replaced partner code")

    def set_partner_code(self, partner: str, code_hash: str, now: datetime) -> None:
        """Give a partner's quota a new claim code; the old one stops working."""
        quota = next((q for q in self.quotas if q.partner == partner), None)
        if quota is None:
            raise NotFound(f"no quota for partner {partner!r}")
        quota.code_hash = code_hash
        self._touched(now, bump=False)

    def cancel_registration(
        self, registration: Registration, now: datetime, waitlist: Iterable[Registration] = ()
    ) -> Registration:
        """Withdraw a registration; a freed seat goes to the waiting list at once."""
        self._own(registration)
        if not registration.active:
            raise InvalidTransition(f"the registration is already {registration.status}")
        was_seated = registration.status in SEATED
        self._set(registration, Status.CANCELLED, now)
        self._changed("cancelled", registration, "participant")
        if was_seated:
            self.fill_free_seats(now, waitlist)
        return registration

    def update_needs(
        self, registration: Registration, needs: dict[str, str | None], now: datetime
    ) -> Registration:
        self._own(registration).set_needs(needs, now)
        return registration

    def correct_email(
        self,
        registration: Registration,
        correction: CorrectEmail,
        now: datetime,
        taken: set[str],
        position: int | None,
    ) -> HistoryEntry:
        """Replace a participant's address (a typo an email bounced on) and announce it, so
        emails go to the new one; returns the entry of the registration's history.

        ``taken`` holds the addresses (lower case) of the event's active registrations: an
        active registration may not take another's. An unverified one is not corrected: its
        hold lapses and the person registers again with the right address.
        """
        self._own(registration)
        if registration.erased_at:
            raise Erased("the registration's personal data was erased")
        if not registration.verified:
            raise InvalidTransition("the address was never verified: let the person register again")
        email, old = correction.email.strip(), registration.email
        if email == old:
            raise InvalidCorrection("this is already the registration's address")
        if registration.active and email.lower() in taken - {old.lower()}:
            raise AlreadyRegistered("another registration of this event has this address")
        registration.email, registration.updated_at = email, now
        changed = registration.reached(EMAIL_CORRECTED, self.details(), None, position)
        self.events.append(ev.EmailCorrected(changed, correction.resend_failed))
        return HistoryEntry(
            registration_id=registration.id,
            event_id=self.id,
            action=EMAIL_CORRECTED,
            at=now,
            by_id=correction.by_id,
            by_name=correction.by_name,
            old_value=old,
            new_value=email,
            reason=correction.reason,
        )

    def approve(self, registration: Registration, now: datetime) -> Registration:
        """Approve a pending registration: a seat if one is free, else the waiting list."""
        self._pending(registration)
        if self.seats.has_seat_for(registration.partner, now):
            self._set(registration, Status.CONFIRMED, now)
        elif self.waitlist_enabled:
            self._set(registration, Status.WAITLISTED, now)
        else:
            raise EventFull("no seat is free and the event keeps no waiting list")
        self._changed(str(registration.status), registration)
        return registration

    def reject(self, registration: Registration, now: datetime, reason: str | None):
        self._pending(registration)
        self._set(registration, Status.REJECTED, now)
        self._changed("rejected", registration, reason)
        return registration

    def _pending(self, registration: Registration) -> None:
        self._own(registration)
        if registration.status != Status.PENDING:
            raise InvalidTransition(f"the registration is {registration.status}, not pending")

    def promote(self, registration: Registration, now: datetime) -> Registration:
        """Move one waitlisted person to a free seat by hand, ahead of the queue."""
        self._own(registration)
        if registration.status != Status.WAITLISTED:
            raise InvalidTransition(f"the registration is {registration.status}, not waitlisted")
        if self.seats.full:
            raise EventFull("no seat is free; raise the capacity first")
        self._confirm_from_waitlist(registration, now)
        return registration

    def fill_free_seats(self, now: datetime, waitlist: Iterable[Registration]) -> list:
        """Give free seats to waitlisted people in queue order while seats (or their quota)
        allow: at once, or as offers when the event makes offers (never after the cut-off)."""
        offers = self.waitlist_offer_hours > 0
        if offers and not self.offer_window.open_at(now):
            return []  # the seat simply stays free
        waiting = [
            r for r in waitlist if r.status == Status.WAITLISTED and (r.verified or not offers)
        ]
        chosen = self.seats.promotable(waiting, now)
        for registration in chosen:
            if offers:
                self._offer(self._own(registration), now)
            else:
                self._confirm_from_waitlist(self._own(registration), now)
        return chosen

    # --- waiting-list offers -------------------------------------------------------------

    @property
    def offer_window(self) -> OfferWindow:
        cut_off = min(self.registration_closes or self.start, self.start)
        return OfferWindow(self.waitlist_offer_hours, cut_off)

    def _offer(self, registration: Registration, now: datetime) -> None:
        """Hold the seat for the person: a fresh single-use token (256 bits) answers it."""
        self._set(registration, Status.OFFERED, now)
        registration.offer_token = secrets.token_urlsafe(32)
        registration.offer_expires_at = self.offer_window.expiry(now)
        registration.offer_state = OfferState.OPEN
        self._changed("offered", registration)

    def _open_offer(self, registration: Registration, now: datetime) -> None:
        """Refuse an offer link that was used, declined, withdrawn or has lapsed."""
        self._own(registration)
        state = registration.offer_state
        if state in (OfferState.ACCEPTED, OfferState.DECLINED):
            raise LinkUsed(f"this offer was already {state}")
        if state == OfferState.WITHDRAWN:
            raise InvalidTransition("the registration was cancelled; the offer is void")
        if state == OfferState.EXPIRED or registration.offer_lapsed(now):
            raise LinkExpired("this offer has expired and the seat was passed on")

    def accept_offer(self, registration: Registration, now: datetime) -> None:
        """The person takes the seat held for them."""
        self._open_offer(registration, now)
        registration.offer_state = OfferState.ACCEPTED
        self._confirm_from_waitlist(registration, now)

    def decline_offer(
        self,
        registration: Registration,
        now: datetime,
        stay: bool,
        waitlist: Iterable[Registration],
    ) -> None:
        """The person gives the seat up (staying at the end of the list if they wish); the
        next person waiting gets the offer."""
        self._open_offer(registration, now)
        registration.offer_state = OfferState.DECLINED
        self._set(registration, Status.WAITLISTED if stay else Status.CANCELLED, now)
        self.fill_free_seats(now, [r for r in waitlist if r is not registration])
        # announced after the seat moved on, so a staying person's position is already true
        position = self.waitlisted_count if stay else None
        self._changed("offer_declined", registration, position=position)

    def expire_offers(
        self, due: Iterable[Registration], now: datetime, waitlist: Iterable[Registration]
    ) -> list[Registration]:
        """Offers nobody answered in time: the person leaves the list, the seat moves on."""
        lapsed = [self._own(r) for r in due if r.offer_lapsed(now)]
        for registration in lapsed:
            registration.offer_state = OfferState.EXPIRED
            self._set(registration, Status.CANCELLED, now)
            self._changed("offer_expired", registration)
        if lapsed:
            self.fill_free_seats(now, waitlist)
        return lapsed

    def _confirm_from_waitlist(self, registration: Registration, now: datetime) -> None:
        self._set(registration, Status.CONFIRMED, now)
        self._changed("promoted", registration)

    def erase(
        self,
        registration: Registration,
        now: datetime,
        waitlist: Iterable[Registration] = (),
        fresh_tokens: tuple[str, str] | None = None,
    ) -> Registration:
        """Forget the person: anonymise the row, free the seat, tell the other services.

        The private links die with the data: ``fresh_tokens`` replace the manage and feed
        tokens, and nobody is ever told the new ones.
        """
        self._own(registration)
        if registration.erased_at:
            return registration
        if fresh_tokens:
            registration.manage_token, registration.feed_token = fresh_tokens
            registration.checkin_code = checkin_code(fresh_tokens[0])
        was_seated = registration.status in SEATED
        if registration.active:
            self._set(registration, Status.CANCELLED, now)
        registration.anonymise(now)
        self.events.append(ev.ParticipantErased(registration.id, self.id, now))
        if was_seated:
            self.fill_free_seats(now, waitlist)
        return registration

    def purge(self, registration: Registration, now: datetime, fresh_tokens: tuple[str, str]):
        """Retention: forget the person as erasure does, but keep the status, so the EU
        report's counts of a past event stay as they were."""
        self._own(registration)
        if registration.erased_at:
            return
        registration.manage_token, registration.feed_token = fresh_tokens
        registration.checkin_code = checkin_code(fresh_tokens[0])
        registration.verify_token = registration.offer_token = None
        registration.anonymise(now)
        self.events.append(ev.ParticipantErased(registration.id, self.id, now))

    def purged(self, now: datetime) -> None:
        """Every registration of the event was purged: the retention pass is done with it."""
        self.purged_at = now
        self._touched(now, bump=False)

    # --- seat accounting ---------------------------------------------------------------

    @property
    def seats(self) -> SeatLedger:
        """The seat ledger as the counters stand."""
        quotas = tuple(
            QuotaSeats(q.partner, q.seats, q.release_at, q.confirmed) for q in self.quotas
        )
        return SeatLedger(
            self.capacity, self.confirmed_count, self.waitlisted_count, quotas, self.offered_count
        )

    def _keep(self, seats: SeatLedger) -> None:
        """Store a ledger a seat move returned back into the counters."""
        self.confirmed_count, self.waitlisted_count = seats.confirmed, seats.waitlisted
        self.offered_count = seats.offered
        for quota, held in zip(self.quotas, seats.quotas, strict=True):
            if quota.confirmed != held.confirmed:
                quota.confirmed = held.confirmed
