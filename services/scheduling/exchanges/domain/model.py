"""ClusterXchange exchanges: one person visits a host organisation abroad for days to a month.

Lifecycle: requested → accepted_by_host → agreed (both sides confirmed the agenda) → completed
(attendance recorded); cancelled or rejected at any step before that. Each transition is made
by its party — ``organiser``, ``visitor`` or ``host`` — and raises one ``ExchangeChanged``.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.scheduling.domain.errors import Forbidden, InvalidTransition, InvalidVisit, NotFound
from services.scheduling.exchanges.domain.agenda import ITEM_KINDS, AgendaItem, ItemDetails
from services.scheduling.exchanges.domain.commands import Party, RequestExchange
from services.scheduling.exchanges.domain.events import ExchangeChanged, ExchangeFacts, ItemFacts
from services.scheduling.exchanges.domain.rules import ExchangeRules

REQUESTED, ACCEPTED, AGREED = "requested", "accepted_by_host", "agreed"
COMPLETED, CANCELLED, REJECTED = "completed", "cancelled", "rejected"
ACTIVE = (REQUESTED, ACCEPTED, AGREED)
STATUSES = (REQUESTED, ACCEPTED, AGREED, COMPLETED, CANCELLED, REJECTED)
ORGANISER, VISITOR, HOST = "organiser", "visitor", "host"


@dataclass(frozen=True)
class Credential:
    """What a request proves: an organiser's credential, or the token it sent (maybe none)."""

    organiser: bool
    token: str | None = None


# A party already known (organiser, visitor or host), or a request's credential to check.
Caller: TypeAlias = "str | Credential"


@dataclass(eq=False)
class Exchange:
    """One exchange and its agreement: agenda, both sides' confirmations, attendance."""

    id: str
    visitor: Party
    host: Party
    goals: str
    first_day: date
    last_day: date
    timezone: str
    working_days: int
    visitor_token: str
    host_token: str
    created_at: datetime
    updated_at: datetime
    status: str = REQUESTED
    active_visitor: str | None = None
    sequence: int = 0
    revision: int = 0
    visitor_confirmed_at: datetime | None = None
    host_confirmed_at: datetime | None = None
    attended_days: int | None = None
    attendance_note: str | None = None
    closed_reason: str | None = None
    closed_by: str | None = None
    certificate_token: str | None = None  # downloads the certificate only, minted at completion
    items: list[AgendaItem] = field(default_factory=list)
    events: list[ExchangeChanged] = field(default_factory=list)

    @classmethod
    def request(
        cls, cmd: RequestExchange, rules: ExchangeRules, active_exchanges: int, now: datetime
    ) -> Exchange:
        """A new request, if eligible; the two party tokens are minted here."""
        _check_zone(cmd.timezone)
        days = rules.check(
            cmd.first_day,
            cmd.last_day,
            cmd.visitor.country,
            cmd.host.country,
            active_exchanges,
        )
        exchange = cls(
            id=str(uuid.uuid4()),
            visitor=cmd.visitor,
            host=cmd.host,
            goals=cmd.goals,
            first_day=cmd.first_day,
            last_day=cmd.last_day,
            timezone=cmd.timezone,
            working_days=days,
            visitor_token=secrets.token_urlsafe(32),
            host_token=secrets.token_urlsafe(32),
            created_at=now,
            updated_at=now,
            active_visitor=visitor_key(cmd.visitor.email),
        )
        exchange._record("requested", ORGANISER, now)
        return exchange

    def accept(self, actor: str, now: datetime) -> None:
        self._allow(actor, HOST)
        self._require(REQUESTED)
        self.status = ACCEPTED
        self._record("accepted", actor, now)

    def reject(self, actor: str, reason: str | None, now: datetime) -> None:
        self._allow(actor, HOST)
        self._require(REQUESTED, ACCEPTED)
        self._close(REJECTED, actor, reason, now)
        self._record("rejected", actor, now, reason)

    def cancel(self, actor: str, reason: str | None, now: datetime) -> None:
        self._allow(actor, ORGANISER, VISITOR, HOST)
        self._require(*ACTIVE)
        self._close(CANCELLED, actor, reason, now)
        self._record("cancelled", actor, now, reason)

    def confirm(self, actor: str, now: datetime) -> None:
        """Record one side's agreement to the agenda; the second confirmation makes it agreed."""
        self._allow(actor, VISITOR, HOST)
        self._require(ACCEPTED)
        if not self.agenda:
            raise InvalidTransition("the agenda is empty: add items before confirming")
        if actor == VISITOR:
            self.visitor_confirmed_at = now
        else:
            self.host_confirmed_at = now
        self._changed(now)
        if self.visitor_confirmed_at and self.host_confirmed_at:
            self.status = AGREED
            self._bump(now)
            self._record("agreed", actor, now)

    def complete(self, actor: str, attended_days: int, note: str | None, now: datetime) -> None:
        """Record attendance (working days present) and close the exchange."""
        self._allow(actor, ORGANISER)
        self._require(AGREED)
        if not 0 <= attended_days <= self.working_days:
            raise InvalidVisit(f"attended days must lie between 0 and {self.working_days}")
        self.status, self.attended_days, self.attendance_note = COMPLETED, attended_days, note
        self.active_visitor = None
        if attended_days:
            self.certificate_token = secrets.token_urlsafe(32)
        self._record("completed", actor, now)

    def attendance(self, days: Collection[date]) -> int:
        """How many days of attendance these dates make; each lies within the exchange."""
        for day in days:
            if day < self.first_day:
                raise InvalidVisit(
                    f"an attendance date ({day}) cannot be before the start date ({self.first_day})"
                )
            if day > self.last_day:
                raise InvalidVisit(
                    f"an attendance date ({day}) cannot be after the last day ({self.last_day})"
                )
        return len(set(days))

    def party(self, caller: Caller) -> str:
        """Who acts: organiser, visitor or host; another exchange's token is refused."""
        if isinstance(caller, str):
            return caller
        if caller.organiser:
            return ORGANISER
        token = (caller.token or "").encode()
        for party, mine in ((VISITOR, self.visitor_token), (HOST, self.host_token)):
            if secrets.compare_digest(token, mine.encode()):
                return party
        raise Forbidden("this token does not belong to a party of this exchange")

    # --- the itinerary -----------------------------------------------------------------

    @property
    def agenda(self) -> list[AgendaItem]:
        """The items still planned, in time order."""
        return sorted((i for i in self.items if not i.cancelled), key=self._item_start)

    def add_item(self, actor: str, details: ItemDetails, now: datetime) -> AgendaItem:
        self._allow_itinerary(actor)
        self._check_item(details)
        item = AgendaItem(
            id=str(uuid.uuid4()),
            exchange_id=self.id,
            title=details.title,
            kind=details.kind,
            place=details.place,
            notes=details.notes,
            start=details.start,
            end=details.end,
            first_day=details.first_day,
            last_day=details.last_day,
            created_at=now,
            updated_at=now,
        )
        self.items.append(item)
        self._itinerary_changed(actor, now)
        return item

    def edit_item(self, actor: str, item_id: str, details: ItemDetails, now: datetime) -> None:
        self._allow_itinerary(actor)
        self._check_item(details)
        if self.item(item_id).edit(details, now):
            self._itinerary_changed(actor, now)

    def remove_item(self, actor: str, item_id: str, now: datetime) -> None:
        """Take an item off the agenda; it stays in feeds as cancelled so calendars drop it."""
        self._allow_itinerary(actor)
        item = self.item(item_id)
        item.cancelled, item.sequence, item.updated_at = True, item.sequence + 1, now
        self._itinerary_changed(actor, now)

    def item(self, item_id: str) -> AgendaItem:
        for item in self.items:
            if item.id == item_id and not item.cancelled:
                return item
        raise NotFound(f"no agenda item {item_id}")

    # --- rules -------------------------------------------------------------------------

    def _allow_itinerary(self, actor: str) -> None:
        self._allow(actor, ORGANISER, HOST)
        self._require(ACCEPTED, AGREED)

    def _itinerary_changed(self, actor: str, now: datetime) -> None:
        """A change before the agreement voids the confirmations given and asks both sides to
        look again; after it, it is news for their calendars."""
        if self.status == ACCEPTED:
            self.visitor_confirmed_at = self.host_confirmed_at = None
            self._record("agenda_proposed", actor, now)
        else:
            self._record("itinerary_changed", actor, now)

    def _check_item(self, details: ItemDetails) -> None:
        if details.kind not in ITEM_KINDS:
            raise InvalidVisit(f"an agenda item is one of {', '.join(ITEM_KINDS)}")
        first, last = self._item_days(details)
        if first < self.first_day or last > self.last_day:
            raise InvalidVisit(
                f"agenda items lie within the exchange, {self.first_day} to {self.last_day}"
            )

    def _item_days(self, details: ItemDetails) -> tuple[date, date]:
        """The local days an item covers; it is either timed or all-day, never half of each."""
        start, end, first, last = details.start, details.end, details.first_day, details.last_day
        if start and end and first is None and last is None:
            zone = ZoneInfo(self.timezone)
            if end <= start:
                raise InvalidVisit("an agenda item must end after it starts")
            return start.astimezone(zone).date(), end.astimezone(zone).date()
        if first and last and start is None and end is None:
            if last < first:
                raise InvalidVisit("an all-day item cannot end before it starts")
            return first, last
        raise InvalidVisit("an agenda item has either start and end or first and last day")

    def _allow(self, actor: str, *parties: str) -> None:
        if actor not in parties:
            raise Forbidden(f"only the {' or the '.join(parties)} may do this")

    def _require(self, *statuses: str) -> None:
        if self.status not in statuses:
            raise InvalidTransition(
                f"the exchange is {self.status}; this needs it to be {' or '.join(statuses)}"
            )

    def _close(self, status: str, actor: str, reason: str | None, now: datetime) -> None:
        self.status, self.closed_by, self.closed_reason = status, actor, reason
        self.active_visitor = None
        self._bump(now)

    def _bump(self, now: datetime) -> None:
        """A status change shown in calendars: every item's SEQUENCE rises."""
        self.sequence += 1
        for item in self.items:
            item.sequence, item.updated_at = item.sequence + 1, now

    def _record(self, what: str, actor: str, now: datetime, reason: str | None = None) -> None:
        """Announce the change with the exchange's facts as they stand once it is made."""
        self._changed(now)
        self.events.append(ExchangeChanged(what, actor, self.facts(), reason))

    def facts(self) -> ExchangeFacts:
        """The exchange as values, for events and for what its parties are shown."""
        return ExchangeFacts(
            exchange_id=self.id,
            status=self.status,
            visitor=self.visitor,
            host=self.host,
            goals=self.goals,
            first_day=self.first_day,
            last_day=self.last_day,
            timezone=self.timezone,
            working_days=self.working_days,
            attended_days=self.attended_days,
            sequence=self.sequence,
            updated_at=self.updated_at,
            agenda=tuple(ItemFacts.of(item) for item in self.items),
            certificate_token=self.certificate_token,
        )

    def _changed(self, now: datetime) -> None:
        """Every change bumps the revision: feeds derive their validators from it."""
        self.revision += 1
        self.updated_at = now

    def _item_start(self, item: AgendaItem) -> datetime:
        zone = ZoneInfo(self.timezone)
        start = item.span(zone)[0]
        return start if isinstance(start, datetime) else datetime.combine(start, time(), zone)


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise InvalidVisit(f"unknown time zone {name!r}") from None


def visitor_key(email: str) -> str:
    """How one visitor is recognised across exchanges: the email, without case or spaces."""
    return email.strip().casefold()
