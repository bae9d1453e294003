"""The study-visit programme of one event: the aggregate behind every scheduling decision.

A ``Programme`` holds the event as registration last described it, scheduling's copy of the
event's registrations, and the visits, hosts and ranked-choice blocks organisers add. Every seat,
overlap and host decision happens inside one programme while the service layer holds its row
lock, so concurrent requests cannot overbook a visit or double-book a person or a host.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.scheduling.domain import events as ev
from services.scheduling.domain.block_closing import BlockClosing
from services.scheduling.domain.blocks import Block, Preference
from services.scheduling.domain.commands import (
    EventSnapshot,
    HostDetails,
    RegistrationSnapshot,
    ScheduleVisit,
    Venue,
)
from services.scheduling.domain.errors import (
    Conflict,
    HostConflict,
    InvalidTransition,
    InvalidVisit,
    NotConfirmed,
    NotFound,
    OutsideEvent,
    ParticipantOverlap,
)
from services.scheduling.domain.feed_tokens import FeedTokens
from services.scheduling.domain.policy import Policy
from services.scheduling.domain.registrations import Registration
from services.scheduling.domain.visits import Host, Slot, Visit, new_token, same_name

CANCELLED = "cancelled"
SNAPSHOT_FIELDS = ("title", "description", "venue", "timezone", "start", "end", "status")


def _find(items: list[Any], item_id: str, what: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    raise NotFound(f"no {what} {item_id}")


@dataclass(eq=False)
class Programme(BlockClosing, FeedTokens):
    """One event's visits, hosts, blocks and confirmed participants.

    Closing a block and the feed tokens live in their own modules (``block_closing``,
    ``feed_tokens``) as mixins; every rule they rely on stays here.
    """

    id: str
    title: str
    description: str
    venue: Venue
    timezone: str
    start: datetime
    end: datetime
    status: str
    sequence: int
    updated_at: datetime
    created_at: datetime
    changed_at: datetime
    revision: int = 0
    visits: list[Visit] = field(default_factory=list)
    hosts: list[Host] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    events: list[ev.VisitEvent] = field(default_factory=list)

    # --- the event, from registration's messages ---------------------------------------

    @classmethod
    def from_snapshot(cls, snapshot: EventSnapshot, now: datetime) -> Programme:
        values = {name: getattr(snapshot, name) for name in SNAPSHOT_FIELDS}
        return cls(
            id=snapshot.event_id,
            sequence=snapshot.sequence,
            updated_at=snapshot.updated_at,
            created_at=snapshot.updated_at,
            changed_at=now,
            **values,
        )

    @property
    def cancelled(self) -> bool:
        return self.status == CANCELLED

    def apply_snapshot(self, snapshot: EventSnapshot, now: datetime) -> None:
        """Take a newer description of the event; a cancelled event cancels its visits."""
        if snapshot.version <= (self.sequence, self.updated_at):
            return
        was_cancelled = self.cancelled
        for name in SNAPSHOT_FIELDS:
            setattr(self, name, getattr(snapshot, name))
        self.sequence, self.updated_at = snapshot.sequence, snapshot.updated_at
        self._changed(now)
        if self.cancelled and not was_cancelled:
            for visit in self.visits:
                if visit.scheduled:
                    self._cancel(visit, "the event was cancelled", now)

    def record_registration(self, snapshot: RegistrationSnapshot, now: datetime) -> None:
        """Track a registration's status; one no longer confirmed leaves all its visits."""
        registration = self._registration_or_none(snapshot.registration_id)
        if registration is None:
            registration = Registration.from_snapshot(snapshot)
            self.registrations.append(registration)
        elif not registration.update(snapshot):
            return
        self._changed(now)
        if not registration.confirmed:
            self._release(registration.id, f"registration_{registration.status}", now)

    def erase_registration(self, registration_id: str, erased_at: datetime, now: datetime) -> None:
        """Forget a participant: off every visit and block, feed token gone, a tombstone kept."""
        registration = self._registration_or_none(registration_id)
        if registration is None:
            self.registrations.append(Registration.tombstone(registration_id, self.id, erased_at))
        else:
            registration.erase(erased_at)
        self._release(registration_id, "erased", now)
        self._changed(now)

    # --- visits ------------------------------------------------------------------------

    def schedule_visit(self, cmd: ScheduleVisit, policy: Policy, now: datetime) -> Visit:
        self._require_active()
        host = self._host_for(cmd.host, now)
        self._check_slot(Slot(cmd.start, cmd.end, cmd.location), host, policy)
        visit = Visit(
            id=str(uuid.uuid4()),
            event_id=self.id,
            title=cmd.title,
            description=cmd.description,
            host=host,
            location=cmd.location,
            meeting_point=cmd.meeting_point,
            requirements=list(cmd.requirements),
            start=cmd.start,
            end=cmd.end,
            capacity=cmd.capacity,
            created_at=now,
            updated_at=now,
            roster_changed_at=now,
        )
        self.visits.append(visit)
        self._announce(ev.VisitScheduled, visit, now)
        return visit

    def edit_visit(
        self, visit_id: str, values: dict[str, Any], policy: Policy, now: datetime
    ) -> Visit:
        """Reschedule or edit; the booked participants must still fit and the host be free."""
        visit = self._open_visit(visit_id)
        if "host" in values:
            values["host"] = self._host_for(values["host"], now)
        slot = Slot(
            values.get("start", visit.start),
            values.get("end", visit.end),
            values.get("location", visit.location),
        )
        host = values.get("host", visit.host)
        if slot != visit.slot or host is not visit.host:
            self._check_slot(slot, host, policy, visit)
        if values.get("capacity", visit.capacity) < len(visit.bookings):
            raise Conflict(
                f"{len(visit.bookings)} participants are booked; remove some before lowering "
                f"the capacity to {values['capacity']}"
            )
        changes = visit.edit(values, self.timezone, now)
        if changes:
            self._announce(ev.VisitUpdated, visit, now, changes, visit.participants)
        return visit

    def cancel_visit(self, visit_id: str, reason: str | None, now: datetime) -> Visit:
        visit = self.visit(visit_id)
        self._cancel(visit, reason, now)
        return visit

    def visit(self, visit_id: str) -> Visit:
        return _find(self.visits, visit_id, "visit")

    def host(self, host_id: str) -> Host:
        return _find(self.hosts, host_id, "host")

    # --- participants ------------------------------------------------------------------

    def join(
        self,
        visit_id: str,
        registration_id: str,
        policy: Policy,
        now: datetime,
        self_service: bool = False,
    ) -> Visit:
        """Book a confirmed participant on a visit with a free seat that fits their day."""
        visit = self._open_visit(visit_id)
        if self_service and visit.block_id and self.block(visit.block_id).open:
            raise InvalidTransition(
                "seats on this visit are allocated from ranked preferences: rank it instead"
            )
        self._require_confirmed(registration_id)
        clash = self._clash(registration_id, visit.slot, policy, visit)
        if clash is not None:
            raise ParticipantOverlap(
                f"the visit overlaps {clash.title!r} ({self._span(clash)}) of this participant, "
                f"counting a travel buffer of {policy.travel_buffer} between sites"
            )
        visit.add(registration_id, now)
        self._announce(ev.ParticipantAdded, visit, now, registration_id)
        return visit

    def leave(self, visit_id: str, registration_id: str, reason: str, now: datetime) -> Visit:
        visit = self._open_visit(visit_id)
        visit.remove(registration_id, now)
        self._announce(ev.ParticipantRemoved, visit, now, registration_id, reason)
        return visit

    def registration(self, registration_id: str) -> Registration:
        return _find(self.registrations, registration_id, "registration")

    # --- ranked preferences ------------------------------------------------------------

    def create_block(self, title: str, visit_ids: list[str], now: datetime) -> Block:
        """Group parallel visits so participants rank them and seats are allocated fairly."""
        self._require_active()
        unknown = [v for v in visit_ids if v not in {x.id for x in self.visits if x.scheduled}]
        if unknown or len(set(visit_ids)) != len(visit_ids):
            raise InvalidVisit(f"a block needs distinct scheduled visits of this event: {unknown}")
        visits = [self.visit(visit_id) for visit_id in visit_ids]
        if taken := [v.title for v in visits if v.block_id]:
            raise InvalidTransition(f"already in another block: {', '.join(taken)}")
        block = Block(str(uuid.uuid4()), self.id, title, now)
        self.blocks.append(block)
        for visit in visits:
            visit.block_id = block.id
        self._changed(now)
        return block

    def block(self, block_id: str) -> Block:
        return _find(self.blocks, block_id, "block")

    def block_visits(self, block: Block) -> list[Visit]:
        return [visit for visit in self.visits if visit.block_id == block.id]

    def rank(
        self, block_id: str, registration_id: str, ranking: list[str], now: datetime
    ) -> Preference:
        block = self.block(block_id)
        self._require_confirmed(registration_id)
        open_visits = {visit.id for visit in self.block_visits(block) if visit.scheduled}
        preference = block.rank(registration_id, ranking, open_visits, now)
        self._changed(now)
        return preference

    # --- rules -------------------------------------------------------------------------

    def _check_slot(
        self, slot: Slot, host: Host, policy: Policy, visit: Visit | None = None
    ) -> None:
        if slot.end <= slot.start:
            raise InvalidVisit("end must be after start")
        first, last = policy.window(self.start, self.end, self.timezone)
        if slot.start < first or slot.end > last:
            raise OutsideEvent(
                f"a visit must lie within the event's days plus a margin of "
                f"{policy.event_margin}: between {self._local(first)} and {self._local(last)}"
            )
        for other in self.visits:
            busy = other is not visit and other.scheduled and other.host is host
            if busy and other.slot.overlaps(slot):
                raise HostConflict(
                    f"{host.organisation} already receives {other.title!r} ({self._span(other)})"
                )
        for registration_id in visit.participants if visit else ():
            if self._clash(registration_id, slot, policy, visit) is not None:
                raise ParticipantOverlap(
                    f"the new time would overlap another visit of participant {registration_id}"
                )

    def _clash(
        self, registration_id: str, slot: Slot, policy: Policy, visit: Visit | None = None
    ) -> Visit | None:
        """Another scheduled visit of this participant too close to the slot, if any."""
        for other in self.visits:
            mine = other is not visit and other.scheduled and other.booked(registration_id)
            if mine and other.slot.too_close(slot, policy.travel_buffer):
                return other
        return None

    def _host_for(self, details: HostDetails, now: datetime) -> Host:
        """The event's host of that organisation (contact details refreshed), or a new one."""
        for host in self.hosts:
            if same_name(host.organisation, details.organisation):
                host.contact_name, host.contact_email = details.contact_name, details.contact_email
                return host
        host = Host(
            str(uuid.uuid4()),
            self.id,
            details.organisation.strip(),
            details.contact_name,
            details.contact_email,
            new_token(),
            now,
        )
        self.hosts.append(host)
        return host

    def _open_visit(self, visit_id: str) -> Visit:
        visit = self.visit(visit_id)
        if not visit.scheduled:
            raise InvalidTransition(f"the visit {visit.title!r} is cancelled")
        return visit

    def _require_active(self) -> None:
        if self.cancelled:
            raise InvalidTransition("the event is cancelled")

    def _registration_or_none(self, registration_id: str) -> Registration | None:
        return next((r for r in self.registrations if r.id == registration_id), None)

    def _is_confirmed(self, registration_id: str) -> bool:
        registration = self._registration_or_none(registration_id)
        return registration is not None and registration.confirmed

    def _require_confirmed(self, registration_id: str) -> None:
        if not self._is_confirmed(registration_id):
            raise NotConfirmed(
                f"registration {registration_id} is not a confirmed registration of this event"
            )

    def _release(self, registration_id: str, reason: str, now: datetime) -> None:
        """Take a registration off every visit (announcing it for scheduled ones) and block."""
        for visit in self.visits:
            if visit.booked(registration_id):
                visit.remove(registration_id, now)
                if visit.scheduled:
                    self._announce(ev.ParticipantRemoved, visit, now, registration_id, reason)
        for block in self.blocks:
            block.withdraw(registration_id)

    def _cancel(self, visit: Visit, reason: str | None, now: datetime) -> None:
        visit.cancel(reason, now)
        self._announce(ev.VisitCancelled, visit, now, visit.participants, reason)

    def _announce(
        self, event: Callable[..., ev.VisitEvent], visit: Visit, now: datetime, *values: Any
    ) -> None:
        """Record what happened to the visit, with the visit's facts as they stand now."""
        self.events.append(event(ev.VisitFacts.of(visit), *values, timezone=self.timezone))
        self._changed(now)

    def _changed(self, now: datetime) -> None:
        """Every change bumps the revision: feeds derive their validators from it."""
        self.revision += 1
        self.changed_at = now

    def _local(self, moment: datetime) -> str:
        return moment.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M")

    def _span(self, visit: Visit) -> str:
        return f"{self._local(visit.start)} to {self._local(visit.end)}"
