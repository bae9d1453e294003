"""Check-ins and certificates in the registration database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.registration.adapters.orm import events, registrations
from services.registration.attendance.adapters.orm import (
    attendance,
    certificates,
    visit_attendance,
    visit_bookings,
    visits,
)
from services.registration.attendance.domain.model import Attendance, Certificate
from services.registration.attendance.domain.visits import Booking, Visit, VisitAttendance
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


class VisitRepository:
    """Study visits, their bookings and who was checked in on them."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, visit_id: str) -> Visit | None:
        return self.session.get(Visit, visit_id)

    def save(self, snapshot: Visit) -> None:
        """Store a visit snapshot, or apply it to the one we know."""
        known = self.get(snapshot.visit_id)
        if known is None:
            self.session.add(snapshot)
        else:
            known.apply(snapshot)

    def of_event(self, event_id: str) -> list[Visit]:
        query = select(Visit).where(visits.c.event_id == event_id).order_by(visits.c.start)
        return list(self.session.scalars(query))

    def booked(self, visit_id: str, registration_id: str) -> bool:
        return self.session.get(Booking, (visit_id, registration_id)) is not None

    def book(self, visit_id: str, registration_id: str) -> None:
        if not self.booked(visit_id, registration_id):
            self.session.add(Booking(visit_id, registration_id))

    def unbook(self, visit_id: str, registration_id: str) -> None:
        self.session.execute(
            delete(visit_bookings).where(
                visit_bookings.c.visit_id == visit_id,
                visit_bookings.c.registration_id == registration_id,
            )
        )

    def attendance(self, visit_id: str, registration_id: str) -> VisitAttendance | None:
        return self.session.get(VisitAttendance, (visit_id, registration_id))

    def add_attendance(self, record: VisitAttendance) -> None:
        self.session.add(record)

    def remove_attendance(self, record: VisitAttendance) -> None:
        self.session.execute(
            delete(visit_attendance).where(
                visit_attendance.c.visit_id == record.visit_id,
                visit_attendance.c.registration_id == record.registration_id,
            )
        )
