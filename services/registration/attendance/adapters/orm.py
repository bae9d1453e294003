"""Tables of attendance, on the registration service's own metadata and database."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, PrimaryKeyConstraint, String, Table
from sqlalchemy.orm import registry

from services.registration.adapters.orm import metadata
from services.registration.attendance.domain.model import Attendance, Certificate
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


def start_attendance_mappers(mapper_registry: registry) -> None:
    """Map the attendance classes (called once, by the service's ``start_mappers``)."""
    mapper_registry.map_imperatively(Attendance, attendance)
    mapper_registry.map_imperatively(Certificate, certificates)
