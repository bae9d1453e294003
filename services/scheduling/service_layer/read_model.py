"""Keep scheduling's copy of events and registrations from registration's messages.

Messages may arrive out of order: every registration message carries the full event snapshot,
so an unknown event is created from it, and older snapshots or announcements are ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from services.scheduling.domain.commands import EventSnapshot, RegistrationSnapshot, Venue
from services.scheduling.domain.model import Programme
from services.scheduling.domain.registrations import Registration
from services.scheduling.service_layer.unit_of_work import SchedulingUnitOfWork
from shared.messages import Envelope

Clock = Callable[[], datetime]
EVENT_MESSAGES = ("event.published", "event.updated", "event.cancelled")
REGISTRATION_MESSAGES = tuple(
    f"registration.{kind}"
    for kind in (
        "confirmed",
        "waitlisted",
        "pending",
        "promoted",
        "cancelled",
        "rejected",
        "offered",
        "offer_declined",
        "offer_expired",
    )
)


def handlers(clock: Clock) -> dict[str, Callable[[Envelope, Any], None]]:
    """The handlers of the ``registrations`` group, by message type."""
    table: dict[str, Callable[[Envelope, Any], None]] = {
        kind: partial(on_event_changed, clock=clock) for kind in EVENT_MESSAGES
    }
    table |= {kind: partial(on_registration_changed, clock=clock) for kind in REGISTRATION_MESSAGES}
    table["participant.erased"] = partial(on_participant_erased, clock=clock)
    return table


def prepare(envelopes: list[Envelope], uow: SchedulingUnitOfWork) -> None:
    """Before a batch's handlers run: its registrations, read in one query instead of one
    per message (the Worker's ``prepare``)."""
    uow.programmes.preload_registrations(
        {
            e.payload["registration_id"]
            for e in envelopes
            if e.type in REGISTRATION_MESSAGES or e.type == "participant.erased"
        }
    )


def on_event_changed(envelope: Envelope, uow: SchedulingUnitOfWork, clock: Clock) -> None:
    _programme(uow, event_snapshot(envelope.payload), clock())


def on_registration_changed(envelope: Envelope, uow: SchedulingUnitOfWork, clock: Clock) -> None:
    payload, now = envelope.payload, clock()
    programme = _programme(uow, event_snapshot(payload["event"]), now, payload["registration_id"])
    registration = RegistrationSnapshot(
        registration_id=payload["registration_id"],
        event_id=programme.id,
        status=payload["status"],
        feed_token=payload["feed_token"],
        sent_at=envelope.occurred_at,
    )
    programme.record_registration(registration, now)


def on_participant_erased(envelope: Envelope, uow: SchedulingUnitOfWork, clock: Clock) -> None:
    payload = envelope.payload
    programme = uow.programmes.for_registration(payload["event_id"], payload["registration_id"])
    if programme is None:
        uow.programmes.add_tombstone(
            Registration.tombstone(
                payload["registration_id"], payload["event_id"], payload["erased_at"]
            )
        )
        return
    programme.erase_registration(payload["registration_id"], payload["erased_at"], clock())


def event_snapshot(data: dict[str, Any]) -> EventSnapshot:
    """The event part of a registration message, as the domain reads it."""
    venue = data["venue"]
    return EventSnapshot(
        event_id=data["event_id"],
        title=data["title"],
        description=data.get("description") or "",
        venue=Venue(**{name: venue.get(name) for name in Venue.__dataclass_fields__}),
        timezone=data["timezone"],
        start=data["start"],
        end=data["end"],
        status=data["status"],
        sequence=data["sequence"],
        updated_at=data["updated_at"],
    )


def _programme(
    uow: SchedulingUnitOfWork, snapshot: EventSnapshot, now: datetime, registration_id: str = ""
) -> Programme:
    """The event's programme, created from the snapshot or brought up to date with it.

    For a registration's message, only that registration of the programme is loaded.
    """
    if registration_id:
        programme = uow.programmes.for_registration(snapshot.event_id, registration_id)
    else:
        programme = uow.programmes.find(snapshot.event_id)
    if programme is None:
        programme = Programme.from_snapshot(snapshot, now)
        uow.programmes.add(programme)
    else:
        programme.apply_snapshot(snapshot, now)
    return programme
