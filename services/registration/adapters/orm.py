"""Imperative mapping of the registration domain onto its own database."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
    func,
)
from sqlalchemy.orm import relationship

from services.registration.adapters.metadata import mapper_registry, metadata
from services.registration.attendance.adapters.orm import start_attendance_mappers
from services.registration.domain.history import HistoryEntry
from services.registration.domain.model import Event, PartnerQuota, Registration
from shared.database import UtcDateTime
from shared.idempotency import idempotency_table
from shared.persistence import inbox_table, outbox_table

events = Table(
    "events",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("title", String(200), nullable=False),
    Column("kind", String(50), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("venue_name", String(200), nullable=False),
    Column("venue_address", String(300), nullable=False),
    Column("venue_city", String(100), nullable=False),
    Column("venue_country", String(2), nullable=False),
    Column("venue_lat", Float, nullable=True),
    Column("venue_lon", Float, nullable=True),
    Column("timezone", String(64), nullable=False),
    Column("start", UtcDateTime, nullable=False),
    Column("end", UtcDateTime, nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("registration_opens", UtcDateTime, nullable=True),
    Column("registration_closes", UtcDateTime, nullable=True),
    Column("waitlist_enabled", Boolean, nullable=False),
    Column("approval_required", Boolean, nullable=False),
    Column("verify_email", Boolean, nullable=False, default=True),
    Column("waitlist_offer_hours", Integer, nullable=False, default=0),
    Column("offered_count", Integer, nullable=False, default=0),
    Column("retention_until", UtcDateTime, nullable=True),
    Column("purged_at", UtcDateTime, nullable=True),
    Column("status", String(20), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("next_number", Integer, nullable=False),
    Column("confirmed_count", Integer, nullable=False),
    Column("waitlisted_count", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

quotas = Table(
    "partner_quotas",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
    Column("partner", String(200), nullable=False),
    Column("seats", Integer, nullable=False),
    Column("release_at", UtcDateTime, nullable=False),
    Column("confirmed", Integer, nullable=False),
    Column("code_hash", String(64), nullable=True),
    Index("uq_partner_quotas_code_hash", "code_hash", unique=True),
)

registrations = Table(
    "registrations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("organisation", String(200), nullable=False),
    Column("organisation_type", String(50), nullable=False),
    Column("country", String(2), nullable=False),
    Column("role", String(50), nullable=False),
    Column("partner", String(200), nullable=True),
    Column("dietary_needs", Text, nullable=True),
    Column("accessibility_needs", Text, nullable=True),
    Column("language", String(8), nullable=False),
    Column("status", String(20), nullable=False),
    Column("queue_number", Integer, nullable=False),
    Column("manage_token", String(64), nullable=False, unique=True),
    Column("feed_token", String(64), nullable=False, unique=True),
    Column("consent_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("erased_at", UtcDateTime, nullable=True),
    Column("verified_at", UtcDateTime, nullable=True),
    Column("verify_token", String(64), nullable=True),
    Column("verify_expires_at", UtcDateTime, nullable=True),
    Column("offer_token", String(64), nullable=True),
    Column("offer_expires_at", UtcDateTime, nullable=True),
    Column("offer_state", String(10), nullable=True),
    Column("checkin_code", String(16), nullable=True),
)
Index("uq_registrations_offer_token", registrations.c.offer_token, unique=True)
# The offer expiry pass looks for offers by expiry time.
Index("ix_registrations_offer", registrations.c.status, registrations.c.offer_expires_at)
Index("uq_registrations_verify_token", registrations.c.verify_token, unique=True)
Index("uq_registrations_checkin_code", registrations.c.checkin_code, unique=True)
# The expiry pass looks for lapsed holds: unverified registrations by expiry time.
Index("ix_registrations_hold", registrations.c.verified_at, registrations.c.verify_expires_at)

# One row per email sent (or withheld) about an event to an address (a hash, not the address).
notices = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False),
    Column("address_key", String(64), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
    Index("ix_notices_address", "event_id", "address_key", "kind", "sent_at"),
)
Index(
    "ix_registrations_event_status_queue",
    registrations.c.event_id,
    registrations.c.status,
    registrations.c.queue_number,
)
ACTIVE_EMAIL_INDEX = "uq_registrations_active_email"
_active = registrations.c.status.in_(["confirmed", "waitlisted", "offered", "pending"])
# One active registration per email and event, enforced by the database as well.
Index(
    ACTIVE_EMAIL_INDEX,
    registrations.c.event_id,
    func.lower(registrations.c.email),
    unique=True,
    postgresql_where=_active,
    sqlite_where=_active,
)

# What organisers changed about a registration (its audit trail); erasure keeps the rows
# and empties old_value, new_value and reason.
history = Table(
    "registration_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("registration_id", String(36), ForeignKey("registrations.id"), nullable=False),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False),
    Column("action", String(30), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("by_id", String(64), nullable=True),  # organiser credential id
    Column("by_name", String(200), nullable=True),
    Column("old_value", Text, nullable=True),
    Column("new_value", Text, nullable=True),
    Column("reason", Text, nullable=True),
    Index("ix_registration_history_registration", "registration_id", "at"),
)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
idempotency_keys = idempotency_table(metadata)

_mapped = False


def start_mappers() -> None:
    """Map the domain classes once per process (idempotent)."""
    global _mapped
    if _mapped:
        return
    start_attendance_mappers(mapper_registry)
    mapper_registry.map_imperatively(PartnerQuota, quotas)
    mapper_registry.map_imperatively(HistoryEntry, history)
    mapper_registry.map_imperatively(Registration, registrations)
    mapper_registry.map_imperatively(
        Event,
        events,
        properties={
            "quotas": relationship(PartnerQuota, cascade="all, delete-orphan", lazy="selectin"),
        },
    )
    _mapped = True


@event.listens_for(Event, "load", propagate=True)
def _init_events(target: Event, _context) -> None:
    target.events = []
