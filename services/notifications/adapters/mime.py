"""Assemble an OutgoingEmail into the bytes of a MIME message, with an inline iMIP part.

The message is written directly, not through ``email.message.EmailMessage``: building and
flattening one with the modern email API cost most of the CPU of every delivery. What it
writes is plain RFC 5322 / MIME that any parser reads back (the tests parse it with
``email.policy.default``): CRLF lines, 7-bit only (ASCII parts as they are, others
quoted-printable), names and subjects as RFC 2047 encoded-words when they are not plain
ASCII. Control characters in names and subjects (CR, LF, tabs …) become spaces, so no text
from a participant can start a header of its own.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from email.utils import formatdate

from services.notifications.adapters.imip import build_invitation_ics
from services.notifications.domain.outgoing_mail import OutgoingEmail, WireEmail

# RFC 5322 allows 998-octet lines; longer ASCII headers or names go out as encoded-words.
_MAX_PLAIN = 900
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_ATOMS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*")
_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+")
_WORD_BYTES = 45  # 60 base64 characters: an encoded-word stays within 75 (RFC 2047)


def build_message(email: OutgoingEmail, sender: str, sender_name: str, domain: str) -> WireEmail:
    """multipart/alternative: text, HTML and, for invitations, text/calendar last."""
    parts = [
        _part("text/plain", email.text_body.encode()),
        _part("text/html", email.html_body.encode()),
    ]
    if email.invitation is not None:
        ics = build_invitation_ics(email.invitation)
        parts.append(
            _part(f'text/calendar; charset="utf-8"; method="{email.invitation.method}"', ics)
        )
    sender, recipient = wire_address(sender), wire_address(email.to_address)
    msg_id = message_id(email.message_id_key, domain)
    headers = {
        "From": mailbox(sender_name, sender),
        "To": mailbox(email.to_name, recipient),
        "Subject": unstructured(email.subject),
        "Date": formatdate(usegmt=True),
        "Message-ID": msg_id,
        "Auto-Submitted": "auto-generated",
    }
    data = _multipart(headers, parts)
    return WireEmail(sender=sender, recipient=recipient, message_id=msg_id, data=data)


def _multipart(headers: dict[str, str], parts: list[bytes]) -> bytes:
    """The message: its headers, then the parts between boundary delimiters."""
    boundary = _boundary(parts)
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head += f'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="{boundary}"\r\n'
    # the CRLF before each delimiter belongs to the delimiter, not to the part (RFC 2046)
    body = f"\r\n--{boundary}\r\n".encode("ascii").join(parts)
    first, last = f"\r\n--{boundary}\r\n", f"\r\n--{boundary}--\r\n"
    return (head + first).encode("ascii") + body + last.encode("ascii")


def message_id(key: str, domain: str) -> str:
    """A Message-ID that depends only on key and domain, so a re-send keeps it."""
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}>"


def wire_address(address: str) -> str:
    """The address as the relay takes it (an international domain in IDNA), or ValueError."""
    local, at, domain = address.rpartition("@")
    if not domain.isascii():
        address = f"{local}{at}{domain.encode('idna').decode('ascii')}"
    if not _ADDRESS.fullmatch(address):
        raise ValueError(f"not an address this relay can be given: {address!r}")
    return address


def mailbox(name: str, address: str) -> str:
    """``Name <address>`` for From or To, the name quoted or encoded as it needs."""
    name = _one_line(name)
    if not name:
        return address
    if name.isascii() and len(name) <= _MAX_PLAIN and "=?" not in name:
        if _ATOMS.fullmatch(name):
            return f"{name} <{address}>"
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{quoted}" <{address}>'
    # One encoded-word where it fits: Python's parser reads a space into a display name
    # between adjacent encoded-words (RFC 2047 says to drop it); names are at most 100 chars.
    whole = f"=?utf-8?b?{base64.b64encode(name.encode()).decode('ascii')}?="
    return f"{whole if len(whole) <= _MAX_PLAIN else _encoded_words(name)} <{address}>"


def unstructured(text: str) -> str:
    """A Subject value: the text itself when plain ASCII, else encoded-words."""
    text = _one_line(text)
    if text.isascii() and len(text) <= _MAX_PLAIN and "=?" not in text:
        return text
    return _encoded_words(text)


def _one_line(text: str) -> str:
    """Control characters and line breaks become single spaces."""
    return _CONTROL.sub(" ", text).strip()


def _encoded_words(text: str) -> str:
    """RFC 2047 base64 encoded-words of whole characters, one per folded line."""
    words: list[str] = []
    chunk: list[str] = []
    size = 0
    for char in text:
        width = len(char.encode())
        if size + width > _WORD_BYTES:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += width
    words.append("".join(chunk))
    encoded = (base64.b64encode(word.encode()).decode("ascii") for word in words)
    return "\r\n ".join(f"=?utf-8?b?{word}?=" for word in encoded)


def _part(content_type: str, data: bytes) -> bytes:
    """One body part: ASCII text as it is, anything else quoted-printable; CRLF lines."""
    if ";" not in content_type:
        content_type += '; charset="utf-8"'
    lines = data.splitlines()
    body = b"\r\n".join(lines) + b"\r\n"
    if body.isascii() and max(map(len, lines), default=0) <= 998:
        encoding = "7bit"
    else:
        encoding, body = "quoted-printable", binascii.b2a_qp(body, istext=True)
    head = f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n"
    return head.encode("ascii") + body


def _boundary(parts: list[bytes]) -> str:
    """A random boundary that occurs in none of the parts."""
    while True:
        boundary = f"=_{secrets.token_hex(16)}"
        if not any(boundary.encode("ascii") in part for part in parts):
            return boundary
