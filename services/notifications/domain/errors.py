"""Why an email could not be delivered, split by whether retrying can help; and use-case errors."""


class DeliveryError(Exception):
    """The relay did not accept a message; reply is the server's code and text."""

    def __init__(self, reply: str, code: int | None = None) -> None:
        super().__init__(reply)
        self.reply = reply
        self.code = code


class TemporaryDeliveryError(DeliveryError):
    """Delivery failed for now (4xx, refused connection, timeout); retry later."""


class PermanentDeliveryError(DeliveryError):
    """The relay rejected the message for good (5xx); retrying will not help."""


class NotFound(Exception):
    """No such notification."""


class NotResendable(Exception):
    """The notification cannot be sent again (its recipient was erased)."""


class NotYetKnown(Exception):
    """A message refers to a registration or event not seen yet; retrying later will find it."""
