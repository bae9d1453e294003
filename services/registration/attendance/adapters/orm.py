"""Tables of attendance, on the registration service's own metadata and database."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
)
from sqlalchemy.orm import registry

from services.registration.adapters.metadata import metadata
from services.registration.attendance.domain.model import Attendance, Certificate
from services.registration.attendance.domain.visits import Booking, Visit, VisitAttendance
from shared.database import UtcDateTime

ATTENDANCE_KEY = "pk_attendance"

attendance = Table(
    "attendance",
    metadata,
    Column("registration_id", String(36), ForeignKey("registrations.id"), nullable=False),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recorded_by", String(64), nullable=True),  # organiser credential id
    PrimaryKeyConstraint("registration_id", "day", name=ATTENDANCE_KEY),
    Index("ix_attendance_event_day", "event_id", "day"),
)

certificates = Table(
    "certificates",
    metadata,
    Column("registration_id", String(36), ForeignKey("registrations.id"), primary_key=True),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
)

# scheduling's study visits and their bookings, as its visit.* messages tell them
visits = Table(
    "visits",
    metadata,
    Column("visit_id", String(64), primary_key=True),
    Column("event_id", String(36), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("host_organisation", String(200), nullable=False),
    Column("location", String(500), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("start", UtcDateTime, nullable=False),
    Column("end", UtcDateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("capacity", Integer, nullable=True),
)
visit_bookings = Table(
    "visit_bookings",
    metadata,
    Column("visit_id", String(64), primary_key=True),
    Column("registration_id", String(36), primary_key=True),
)
VISIT_ATTENDANCE_KEY = "pk_visit_attendance"
visit_attendance = Table(
    "visit_attendance",
    metadata,
    Column("visit_id", String(64), nullable=False),
    Column("registration_id", String(36), ForeignKey("registrations.id"), nullable=False),
    Column("event_id", String(36), ForeignKey("events.id"), nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("recorded_by", String(64), nullable=True),
    PrimaryKeyConstraint("visit_id", "registration_id", name=VISIT_ATTENDANCE_KEY),
)


def start_attendance_mappers(mapper_registry: registry) -> None:
    """Map the attendance classes (called once, by the service's ``start_mappers``)."""
    mapper_registry.map_imperatively(Attendance, attendance)
    mapper_registry.map_imperatively(Certificate, certificates)
    mapper_registry.map_imperatively(Visit, visits)
    mapper_registry.map_imperatively(Booking, visit_bookings)
    mapper_registry.map_imperatively(VisitAttendance, visit_attendance)
