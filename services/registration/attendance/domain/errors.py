"""What can go wrong at the check-in desk; each says its ``outcome`` for the desk to show."""

from services.registration.domain.errors import NotFound, RegistrationError


class AttendanceError(RegistrationError):
    """Base of the check-in desk's refusals."""

    outcome = "refused"


class InvalidCode(AttendanceError):
    """What was typed cannot be a check-in code at all (422)."""

    outcome = "invalid_code"


class UnknownCode(AttendanceError, NotFound):
    """No registration has this check-in code (404)."""

    outcome = "unknown_code"


class WrongEvent(AttendanceError):
    """The code belongs to a registration for another event (409)."""

    outcome = "wrong_event"


class NotConfirmed(AttendanceError):
    """The registration is cancelled, waitlisted, pending or rejected: no seat (409)."""

    outcome = "not_confirmed"


class AlreadyCheckedIn(AttendanceError):
    """The participant was already checked in for this day (409)."""

    outcome = "already_checked_in"


class NotOnVisit(AttendanceError):
    """The participant is not booked on this study visit (409)."""

    outcome = "not_on_visit"


class VisitCancelled(AttendanceError):
    """The study visit was cancelled (409)."""

    outcome = "visit_cancelled"


class NotAnEventDay(AttendanceError):
    """The day asked for is not one of the event's days (422)."""

    outcome = "not_an_event_day"


class NotCheckedIn(AttendanceError, NotFound):
    """There is no check-in to undo, no attendance to certify, or no code to show (404)."""

    outcome = "not_checked_in"
