"""Translate domain events into the published contracts (see shared/contracts/registration)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from services.registration.attendance.domain import events as attended
from services.registration.attendance.domain.codes import shown
from services.registration.domain import events as ev


@dataclass(frozen=True)
class PublicUrls:
    """Where people reach their manage page and their calendar feed."""

    registration: str
    scheduling: str

    def manage(self, token: str) -> str:
        return f"{self.registration}/manage/{token}"

    def feed(self, token: str) -> str:
        return f"{self.scheduling}/feeds/participants/{token}.ics"

    def verify(self, token: str) -> str:
        return f"{self.registration}/verify/{token}"

    def offer(self, token: str, choice: str) -> str:
        """The page that accepts or declines a waiting-list offer (a button, not the GET)."""
        return f"{self.registration}/offers/{token}/{choice}"

    def checkin_qr(self, token: str) -> str:
        return f"{self.registration}/manage/{token}/check-in.png"

    def certificate(self, token: str) -> str:
        return f"{self.registration}/manage/{token}/certificate.pdf"


def event_snapshot(event: ev.EventDetails) -> dict[str, Any]:
    """The event part of every message; a draft is never announced, so it reads published."""
    return {
        "event_id": event.event_id,
        "title": event.title,
        "kind": event.kind,
        "description": event.description,
        "venue": asdict(event.venue),
        "timezone": event.timezone,
        "start": event.start,
        "end": event.end,
        "status": "cancelled" if event.status == "cancelled" else "published",
        "sequence": event.sequence,
        "updated_at": event.updated_at,
    }


def _registration(changed: ev.RegistrationChanged, urls: PublicUrls) -> dict[str, Any]:
    offer = {}
    if changed.offer_token:
        offer = {
            "accept_url": urls.offer(changed.offer_token, "accept"),
            "decline_url": urls.offer(changed.offer_token, "decline"),
            "offer_expires_at": changed.offer_expires_at,
        }
    code = changed.checkin_code if changed.status == "confirmed" else None
    return offer | {
        "registration_id": changed.registration_id,
        "event": event_snapshot(changed.event),
        "status": changed.status,
        "waitlist_position": changed.position,
        "participant": {
            "name": changed.name,
            "email": changed.email,
            "language": changed.language,
        },
        "manage_url": urls.manage(changed.manage_token),
        "feed_token": changed.feed_token,
        "feed_url": urls.feed(changed.feed_token),
        "reason": changed.reason,
        "checkin_code": shown(code) if code else None,
        "checkin_qr_url": urls.checkin_qr(changed.manage_token) if code else None,
    }


def _person(name: str, email: str, language: str) -> dict[str, Any]:
    return {"name": name, "email": email, "language": language}


def _verification(asked: ev.VerificationRequested, urls: PublicUrls) -> dict[str, Any]:
    return {
        "registration_id": asked.registration_id,
        "event": event_snapshot(asked.event),
        "participant": _person(asked.name, asked.email, asked.language),
        "verify_url": urls.verify(asked.verify_token),
        "expires_at": asked.expires_at,
    }


def _reminder(again: ev.AlreadyRegistered, urls: PublicUrls) -> dict[str, Any]:
    return {
        "registration_id": again.registration_id,
        "event": event_snapshot(again.event),
        "participant": _person(again.name, again.email, again.language),
        "manage_url": urls.manage(again.manage_token),
    }


def _certificate(issued: attended.CertificateIssued, urls: PublicUrls) -> dict[str, Any]:
    return {
        "registration_id": issued.registration_id,
        "event": event_snapshot(issued.event),
        "participant": _person(issued.name, issued.email, issued.language),
        "certificate_url": urls.certificate(issued.manage_token),
        "days": list(issued.days),
        "issued_at": issued.issued_at,
    }


def _attendance(change: Any, at: Any) -> dict[str, Any]:
    return {
        "registration_id": change.registration_id,
        "event_id": change.event_id,
        "day": change.day,
        "visit_id": change.visit_id,
        "at": at,
    }


def to_message(domain_event: Any, urls: PublicUrls) -> tuple[str, dict[str, Any]]:
    """(message type, payload) for one domain event."""
    match domain_event:
        case ev.EventPublished(event=event):
            return "event.published", event_snapshot(event)
        case ev.EventUpdated(event=event, changes=changes):
            return "event.updated", event_snapshot(event) | {"changes": list(changes)}
        case ev.EventCancelled(event=event, reason=reason):
            return "event.cancelled", event_snapshot(event) | {"reason": reason}
        case ev.RegistrationChanged(kind=kind):
            return f"registration.{kind}", _registration(domain_event, urls)
        case ev.EmailCorrected(registration=changed, resend_failed=resend):
            payload = _registration(changed, urls) | {"resend_failed": resend}
            return "registration.email_corrected", payload
        case ev.VerificationRequested():
            return "registration.verification_requested", _verification(domain_event, urls)
        case ev.AlreadyRegistered():
            return "registration.already_registered", _reminder(domain_event, urls)
        case ev.RegistrationExpired(registration_id=rid, event_id=eid, expired_at=at):
            return "registration.expired", {
                "registration_id": rid,
                "event_id": eid,
                "expired_at": at,
            }
        case ev.ParticipantErased(registration_id=rid, event_id=eid, erased_at=at):
            return "participant.erased", {"registration_id": rid, "event_id": eid, "erased_at": at}
        case attended.AttendanceRecorded(recorded_at=at):
            return "attendance.recorded", _attendance(domain_event, at)
        case attended.AttendanceUndone(undone_at=at):
            return "attendance.undone", _attendance(domain_event, at)
        case attended.CertificateIssued():
            return "attendance.certificate_issued", _certificate(domain_event, urls)
    raise TypeError(f"no message for {domain_event!r}")
