"""Check-ins and certificates in the registration database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.registration.adapters.orm import events, registrations
from services.registration.attendance.adapters.orm import attendance, certificates
from services.registration.attendance.domain.model import Attendance, Certificate
from services.registration.domain.model import Registration


class AttendanceRepository:
    """Who was checked in when, looked up by code, registration and day."""

    def __init__(self, session: Session):
        self.session = session

    def by_code(self, code: str) -> Registration | None:
        query = select(Registration).where(registrations.c.checkin_code == code)
        return self.session.scalars(query).first()

    def get(self, registration_id: str, day: date) -> Attendance | None:
        return self.session.get(Attendance, (registration_id, day))

    def add(self, record: Attendance) -> None:
        self.session.add(record)

    def remove(self, record: Attendance) -> None:
        self.session.execute(
            delete(attendance).where(
                attendance.c.registration_id == record.registration_id,
                attendance.c.day == record.day,
            )
        )

    def days_of(self, registration_id: str) -> list[date]:
        query = select(attendance.c.day).where(attendance.c.registration_id == registration_id)
        return sorted(self.session.scalars(query))

    def events_to_certify(self, now: datetime) -> list[str]:
        """Ids of ended events with an attendee who has no certificate yet."""
        query = (
            select(attendance.c.event_id)
            .join(events, events.c.id == attendance.c.event_id)
            .join(registrations, registrations.c.id == attendance.c.registration_id)
            .outerjoin(certificates, certificates.c.registration_id == attendance.c.registration_id)
            .where(
                events.c.end <= now,
                certificates.c.registration_id.is_(None),
                registrations.c.erased_at.is_(None),
            )
            .distinct()
        )
        return list(self.session.scalars(query))

    def uncertified(self, event_id: str) -> list[Registration]:
        """The event's attendees without a certificate, erased people left out."""
        attended = select(attendance.c.registration_id).where(attendance.c.event_id == event_id)
        done = select(certificates.c.registration_id).where(certificates.c.event_id == event_id)
        query = select(Registration).where(
            registrations.c.id.in_(attended),
            registrations.c.id.not_in(done),
            registrations.c.erased_at.is_(None),
        )
        return list(self.session.scalars(query.order_by(registrations.c.queue_number)))

    def add_certificate(self, certificate: Certificate) -> None:
        self.session.add(certificate)
