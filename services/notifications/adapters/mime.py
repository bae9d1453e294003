"""Assemble an OutgoingEmail into a MIME message, with an inline iMIP part for invitations."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from services.notifications.adapters.imip import build_invitation_ics
from services.notifications.domain.outgoing_mail import OutgoingEmail

# 7-bit bodies (ASCII, else quoted-printable or base64) survive relays without 8BITMIME.
# RFC 5322 allows 998-octet lines; the default 78 folds even short subjects awkwardly.
_POLICY = policy.default.clone(cte_type="7bit", max_line_length=998)


def build_message(email: OutgoingEmail, sender: str, sender_name: str, domain: str) -> EmailMessage:
    """Build multipart/alternative: text, HTML and, for invitations, text/calendar last."""
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = Address(display_name=sender_name, addr_spec=sender)
    msg["To"] = Address(display_name=email.to_name, addr_spec=email.to_address)
    msg["Subject"] = email.subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = message_id(email.message_id_key, domain)
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(email.text_body)
    msg.add_alternative(email.html_body, subtype="html")
    if email.invitation is not None:
        ics = build_invitation_ics(email.invitation).decode("utf-8")
        msg.add_alternative(ics, subtype="calendar", params={"method": email.invitation.method})
    return msg


def message_id(key: str, domain: str) -> str:
    """A Message-ID that depends only on key and domain, so a re-send keeps it."""
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}>"
