"""Imperative mapping of the scheduling domain onto its own database."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.orm import composite, foreign, registry, relationship

from services.scheduling.domain.blocks import Block, Preference
from services.scheduling.domain.commands import Location, Venue
from services.scheduling.domain.model import Programme
from services.scheduling.domain.registrations import Registration
from services.scheduling.domain.visits import Booking, Host, Visit
from services.scheduling.exchanges.domain.agenda import AgendaItem
from services.scheduling.exchanges.domain.commands import Party
from services.scheduling.exchanges.domain.model import Exchange
from shared.database import UtcDateTime
from shared.idempotency import idempotency_table
from shared.persistence import inbox_table, outbox_table

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

events = Table(
    "events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("venue_name", String(200), nullable=False),
    Column("venue_address", String(300), nullable=False),
    Column("venue_city", String(100), nullable=True),
    Column("venue_country", String(2), nullable=True),
    Column("venue_lat", Float, nullable=True),
    Column("venue_lon", Float, nullable=True),
    Column("timezone", String(64), nullable=False),
    Column("start", UtcDateTime, nullable=False),
    Column("end", UtcDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
)

# No foreign key to events: an erasure can arrive before anything else about its event.
registrations = Table(
    "registrations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_id", String(36), nullable=False, index=True),
    Column("status", String(20), nullable=False),
    Column("feed_token", String(64), nullable=True, unique=True),
    Column("token_managed", Boolean, nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
)

hosts = Table(
    "hosts",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False, index=True),
    Column("organisation", String(200), nullable=False),
    Column("contact_name", String(200), nullable=False),
    Column("contact_email", String(320), nullable=False),
    Column("feed_token", String(64), nullable=True, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)

blocks = Table(
    "blocks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("seed", BigInteger, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime, nullable=True),
)

visits = Table(
    "visits",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False),
    Column("host_id", String(36), ForeignKey("hosts.id"), nullable=False, index=True),
    Column("block_id", String(36), ForeignKey("blocks.id"), nullable=True),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("location_name", String(200), nullable=False),
    Column("location_address", String(300), nullable=False),
    Column("location_lat", Float, nullable=True),
    Column("location_lon", Float, nullable=True),
    Column("meeting_point", String(300), nullable=True),
    Column("requirements", JSON, nullable=False),
    Column("start", UtcDateTime, nullable=False),
    Column("end", UtcDateTime, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("cancel_reason", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("roster_changed_at", UtcDateTime, nullable=False),
)
Index("ix_visits_event_status_updated", visits.c.event_id, visits.c.status, visits.c.updated_at)

bookings = Table(
    "bookings",
    metadata,
    Column("visit_id", String(36), ForeignKey("visits.id"), primary_key=True),
    Column("registration_id", String(36), primary_key=True, index=True),
    Column("booked_at", UtcDateTime, nullable=False),
)

preferences = Table(
    "preferences",
    metadata,
    Column("block_id", String(36), ForeignKey("blocks.id"), primary_key=True),
    Column("registration_id", String(36), primary_key=True),
    Column("ranking", JSON, nullable=False),
    Column("submitted_at", UtcDateTime, nullable=False),
    Column("allocated_visit_id", String(36), nullable=True),
)


def _party_columns(side: str) -> list[Column]:
    return [
        Column(f"{side}_name", String(200), nullable=False),
        Column(f"{side}_email", String(320), nullable=False),
        Column(f"{side}_organisation", String(200), nullable=False),
        Column(f"{side}_cluster", String(200), nullable=False),
        Column(f"{side}_country", String(2), nullable=False),
        Column(f"{side}_sector", String(100), nullable=False),
        Column(f"{side}_sme", Boolean, nullable=False),
        Column(f"{side}_language", String(8), nullable=False, server_default="en"),
    ]


# active_visitor is the visitor's key while the exchange is active, else NULL: the unique
# constraint makes "one active exchange per visitor" hold even under concurrent requests.
exchanges = Table(
    "exchanges",
    metadata,
    Column("id", String(36), primary_key=True),
    *_party_columns("visitor"),
    *_party_columns("host"),
    Column("goals", Text, nullable=False),
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("working_days", Integer, nullable=False),
    Column("visitor_token", String(64), nullable=False, unique=True),
    Column("host_token", String(64), nullable=False, unique=True),
    Column("certificate_token", String(64), nullable=True),
    Index("uq_exchanges_certificate_token", "certificate_token", unique=True),
    Column("status", String(20), nullable=False, index=True),
    Column("active_visitor", String(320), nullable=True, unique=True),
    Column("sequence", Integer, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("visitor_confirmed_at", UtcDateTime, nullable=True),
    Column("host_confirmed_at", UtcDateTime, nullable=True),
    Column("attended_days", Integer, nullable=True),
    Column("attendance_note", Text, nullable=True),
    Column("closed_reason", Text, nullable=True),
    Column("closed_by", String(20), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

exchange_items = Table(
    "exchange_items",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("exchange_id", String(36), ForeignKey("exchanges.id"), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("place", String(300), nullable=False),
    Column("notes", Text, nullable=False),
    Column("start", UtcDateTime, nullable=True),
    Column("end", UtcDateTime, nullable=True),
    Column("first_day", Date, nullable=True),
    Column("last_day", Date, nullable=True),
    Column("sequence", Integer, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# Public event feeds as the worker last rendered them (see service_layer/calendars.py): a GET
# whose version matches ``tag`` serves ``body`` and renders nothing.
feed_bodies = Table(
    "feed_bodies",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("tag", String(300), nullable=False),
    Column("last_modified", UtcDateTime, nullable=False),
    Column("body", LargeBinary, nullable=False),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency_keys = idempotency_table(metadata)

_mapped = False


def _children(cls, **options):
    return relationship(cls, cascade="all, delete-orphan", lazy="selectin", **options)


def start_mappers() -> None:
    """Map the domain classes once per process (idempotent)."""
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(Registration, registrations)
    mapper_registry.map_imperatively(Host, hosts)
    mapper_registry.map_imperatively(Booking, bookings)
    mapper_registry.map_imperatively(Preference, preferences)
    mapper_registry.map_imperatively(
        Block, blocks, properties={"preferences": _children(Preference)}
    )
    location = [visits.c[f"location_{part}"] for part in ("name", "address", "lat", "lon")]
    mapper_registry.map_imperatively(
        Visit,
        visits,
        properties={
            "location": composite(Location, *location),
            "host": relationship(Host, lazy="joined"),
            "bookings": _children(Booking),
        },
    )
    venue = [events.c[f"venue_{part}"] for part in Venue.__dataclass_fields__]
    mapper_registry.map_imperatively(
        Programme,
        events,
        properties={
            "venue": composite(Venue, *venue),
            "visits": _children(Visit, order_by=[visits.c.start, visits.c.id]),
            "hosts": _children(Host),
            "blocks": _children(Block, order_by=blocks.c.created_at),
            "registrations": relationship(
                Registration,
                primaryjoin=events.c.id == foreign(registrations.c.event_id),
                cascade="all",
                lazy="selectin",
            ),
        },
    )
    _map_exchanges()
    _mapped = True


def _map_exchanges() -> None:
    mapper_registry.map_imperatively(AgendaItem, exchange_items)
    sides = {
        side: composite(
            Party, *(exchanges.c[f"{side}_{part}"] for part in Party.__dataclass_fields__)
        )
        for side in ("visitor", "host")
    }
    mapper_registry.map_imperatively(
        Exchange,
        exchanges,
        properties={**sides, "items": _children(AgendaItem, order_by=exchange_items.c.created_at)},
    )


@event.listens_for(Programme, "load", propagate=True)
@event.listens_for(Exchange, "load", propagate=True)
def _init_events(target: Programme | Exchange, _context) -> None:
    target.events = []
