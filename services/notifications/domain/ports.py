"""Ports the notifications service needs from the outside world."""

import abc

from services.notifications.domain.outgoing_mail import WireEmail


class Mailer(abc.ABC):
    """Hands a finished message to a mail transport."""

    @abc.abstractmethod
    def send(self, email: WireEmail) -> None:
        """Deliver email or raise a DeliveryError subclass saying whether to retry."""

    def close(self) -> None:  # noqa: B027 - optional hook, most mailers hold nothing open
        """Let go of any connection kept between messages (an idle sender calls this)."""
