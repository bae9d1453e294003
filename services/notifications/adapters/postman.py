"""Turn a queued notification into a MIME email (templates, iMIP part) and hand it to a mailer."""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import cast

from services.notifications.adapters.mime import build_message
from services.notifications.adapters.rendering import render_email
from services.notifications.domain.notification import Notification
from services.notifications.domain.outgoing_mail import OutgoingEmail, WireEmail
from services.notifications.domain.ports import Mailer


@dataclass(frozen=True)
class Sender:
    """Who the emails come from; also the ORGANIZER of every invitation."""

    address: str
    name: str

    @property
    def domain(self) -> str:
        """The right-hand side of Message-IDs."""
        return self.address.rpartition("@")[2]


@dataclass(frozen=True)
class Postman:
    """Renders a notification in its recipient's language and sends it."""

    mailer: Mailer
    sender: Sender

    def __call__(self, notification: Notification) -> None:
        """Send one notification; raises a DeliveryError when the relay does not accept it."""
        self.mailer.send(self.wire(notification))

    def message(self, notification: Notification) -> EmailMessage:
        """The email as a mail program reads it: its bytes parsed back, with newline line ends."""
        data = self.wire(notification).data.replace(b"\r\n", b"\n")
        return cast(EmailMessage, message_from_bytes(data, policy=policy.default))

    def wire(self, notification: Notification) -> WireEmail:
        """The email as it goes out; its Message-ID depends only on the notification id."""
        recipient = (notification.recipient_email, notification.recipient_name)
        context = {**notification.context, "recipient_name": notification.recipient_name}
        subject, text, html = render_email(notification.kind, notification.language, context)
        calendar = notification.calendar
        email = OutgoingEmail(
            to_address=notification.recipient_email,
            to_name=notification.recipient_name,
            subject=subject,
            text_body=text,
            html_body=html,
            message_id_key=notification.id,
            invitation=calendar.invitation((self.sender.address, self.sender.name), recipient)
            if calendar
            else None,
        )
        return build_message(email, self.sender.address, self.sender.name, self.sender.domain)
