"""Why an email could not be delivered, split by whether retrying can help."""


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
