"""What can go wrong in scheduling, in the organisers' and participants' words."""


class SchedulingError(Exception):
    """Base of every domain error here."""


class NotFound(SchedulingError):
    """No such event, visit, block, host or registration (or an unknown or revoked token)."""


class InvalidVisit(SchedulingError):
    """The request contradicts itself (end before start, a ranking of visits not in the block …)."""


class Forbidden(SchedulingError):
    """A participant acted for someone else's registration."""


class Conflict(SchedulingError):
    """The request is valid but clashes with the current state of the programme."""


class NotConfirmed(Conflict):
    """Only confirmed registrations of the visit's event may join or rank visits."""


class VisitFull(Conflict):
    """No seat is left on the visit."""


class ParticipantOverlap(Conflict):
    """The participant is booked on a visit too close in time (travel buffer included)."""


class HostConflict(Conflict):
    """The host already receives another visit at that time."""


class OutsideEvent(Conflict):
    """The visit does not lie within the event's days (plus the configured margin)."""


class InvalidTransition(Conflict):
    """The action does not fit the current state (edit a cancelled visit, close a block twice …)."""


class Ineligible(SchedulingError):
    """An exchange breaks an eligibility rule (length, countries, programme period)."""


class ActiveExchangeExists(Conflict):
    """The visitor already has an exchange that is neither finished nor called off."""
