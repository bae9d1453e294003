"""Thin events and their signatures: what an endpoint receives and how it checks the sender.

A receiver recomputes ``HMAC-SHA256(secret, f"{t}.{body}")`` over the raw body and compares it
with ``v1`` of ``Webhook-Signature: t=<unix seconds>,v1=<hex>``; it should also refuse a ``t``
too far from its own clock (we suggest five minutes) so a captured request cannot be replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from datetime import datetime

SECRET_PREFIX = "whsec_"
SIGNATURE_HEADER = "Webhook-Signature"
ID_HEADER = "Webhook-Id"


def new_secret() -> str:
    """A signing secret of 256 random bits."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def thin_event(event_id: str, event_type: str, resource: str, occurred_at: datetime) -> bytes:
    """The JSON body sent: what happened and where to read it, never who it concerns."""
    event = {
        "id": event_id,
        "type": event_type,
        "resource": resource,
        "occurred_at": occurred_at.isoformat(),
    }
    return json.dumps(event, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Webhook-Signature`` header value for a body sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def signed_headers(secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header of a delivery."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "ClusterXchange-Webhooks/1",
        ID_HEADER: event_id,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(secret: str, header: str, body: bytes) -> bool:
    """Does a ``Webhook-Signature`` header match this body? (What a receiver does.)"""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not parts.get("t", "").isdigit() or "v1" not in parts:
        return False
    expected = signature(secret, int(parts["t"]), body)
    return hmac.compare_digest(expected, header)
