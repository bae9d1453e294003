"""What can go wrong in registration, in the participants' and organisers' words."""


class RegistrationError(Exception):
    """Base of every domain error here."""


class NotFound(RegistrationError):
    """No such event or registration (or not visible to the caller)."""


class InvalidEvent(RegistrationError):
    """The event's fields contradict each other (end before start, bad timezone …)."""


class EventNotOpen(RegistrationError):
    """The event is a draft, cancelled, or outside its registration window."""


class EventFull(RegistrationError):
    """No seat is left and the event keeps no waiting list."""


class AlreadyRegistered(RegistrationError):
    """This email already holds a registration for the event."""


class InvalidTransition(RegistrationError):
    """The action does not fit the current state (approve a confirmed one, publish twice …)."""


class LinkUsed(RegistrationError):
    """A single-use verification link was already used."""


class LinkExpired(RegistrationError):
    """A verification link outlived its hold; the registration was (or is being) released."""


class Erased(RegistrationError):
    """The registration's personal data was erased: there is nobody left to change."""


class InvalidCorrection(RegistrationError):
    """A correction that corrects nothing (the address the registration already has)."""
