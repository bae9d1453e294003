"""Every contract: a realistic payload survives publish → receive, and the README lists it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared import contracts, messages
from shared.messages import Envelope, InvalidMessage

AT = datetime(2027, 4, 12, 7, 0, tzinfo=UTC)
VENUE = {
    "name": "Campus",
    "address": "Rue 1",
    "city": "Brussels",
    "country": "BE",
    "lat": 50.8,
    "lon": 4.3,
}
EVENT = {
    "event_id": "e1",
    "title": "Workshop",
    "kind": "joint_learning_workshop",
    "description": "",
    "venue": VENUE,
    "timezone": "Europe/Brussels",
    "start": AT,
    "end": AT,
    "status": "published",
    "sequence": 0,
    "updated_at": AT,
}
REGISTRATION = {
    "registration_id": "r1",
    "event": EVENT,
    "status": "confirmed",
    "waitlist_position": None,
    "participant": {"name": "Ana", "email": "ana@example.org", "language": "en"},
    "manage_url": "https://x/manage/t",
    "feed_token": "f",
    "feed_url": "https://x/f",
    "reason": None,
}
VISIT = {
    "visit_id": "v1",
    "event_id": "e1",
    "title": "Grid lab",
    "host_organisation": "Elia",
    "location": VENUE,
    "meeting_point": "Lobby",
    "timezone": "Europe/Brussels",
    "start": AT,
    "end": AT,
    "capacity": 10,
    "status": "scheduled",
    "sequence": 1,
    "updated_at": AT,
}
PARTY = {"organisation": "EnerLab", "cluster": "Energy Berlin", "country": "DE", "sector": "energy"}
EXCHANGE = {
    "exchange_id": "x1",
    "status": "agreed",
    "visitor": PARTY | {"country": "PT", "sme": True},
    "host": PARTY | {"sme": False},
    "goals": "Learn storage",
    "first_day": date(2027, 5, 3),
    "last_day": date(2027, 5, 7),
    "timezone": "Europe/Berlin",
    "working_days": 5,
    "attended_days": None,
    "sequence": 1,
    "updated_at": AT,
    "agenda": [
        {
            "item_id": "i1",
            "title": "Kick-off",
            "kind": "meeting",
            "place": "EnerLab",
            "notes": "",
            "start": AT,
            "end": AT,
            "first_day": None,
            "last_day": None,
            "sequence": 1,
            "status": "planned",
        }
    ],
}
CONTACTS = {
    "visitor": {
        "name": "Ana",
        "email": "ana@example.org",
        "page_url": "https://x.example/exchange/v",
        "language": "pt",
    },
    "host": {
        "name": "Jonas",
        "email": "jonas@example.org",
        "page_url": "http://127.0.0.1:8002/exchange/h",
        "language": "sr-Latn",
    },
}
SAMPLES = {
    "event.published": EVENT,
    "event.updated": EVENT | {"changes": ["start"]},
    "event.cancelled": EVENT | {"status": "cancelled", "reason": "flood"},
    **{
        f"registration.{k}": REGISTRATION
        for k in (
            "confirmed",
            "waitlisted",
            "pending",
            "promoted",
            "cancelled",
            "rejected",
            "offer_declined",
            "offer_expired",
        )
    },
    "registration.offered": REGISTRATION
    | {
        "status": "offered",
        "accept_url": "https://x/offers/t/accept",
        "decline_url": "https://x/offers/t/decline",
        "offer_expires_at": AT,
    },
    "registration.email_corrected": REGISTRATION
    | {"participant": {"name": "Ana", "email": "ana@example.org", "language": "pt"}}
    | {"resend_failed": True},
    "participant.erased": {"registration_id": "r1", "event_id": "e1", "erased_at": AT},
    "registration.verification_requested": {
        "registration_id": "r1",
        "event": EVENT,
        "participant": REGISTRATION["participant"],
        "verify_url": "https://x/verify/t",
        "expires_at": AT,
    },
    "registration.already_registered": {
        "registration_id": "r1",
        "event": EVENT,
        "participant": REGISTRATION["participant"],
        "manage_url": "https://x/manage/t",
    },
    "registration.expired": {"registration_id": "r1", "event_id": "e1", "expired_at": AT},
    "attendance.recorded": {
        "registration_id": "r1",
        "event_id": "e1",
        "day": date(2027, 5, 3),
        "at": AT,
    },
    "attendance.undone": {
        "registration_id": "r1",
        "event_id": "e1",
        "day": date(2027, 5, 3),
        "at": AT,
    },
    "attendance.certificate_issued": {
        "registration_id": "r1",
        "event": EVENT,
        "participant": REGISTRATION["participant"],
        "certificate_url": "https://x/manage/t/certificate.pdf",
        "days": [date(2027, 5, 3), date(2027, 5, 4)],
        "issued_at": AT,
    },
    "visit.scheduled": {"visit": VISIT},
    "visit.updated": {
        "visit": VISIT,
        "changes": [{"field": "start", "old": "a", "new": "b"}],
        "participants": ["r1"],
    },
    "visit.cancelled": {"visit": VISIT, "participants": ["r1"], "reason": None},
    "visit.participant_added": {"visit": VISIT, "registration_id": "r1"},
    "visit.participant_removed": {"visit": VISIT, "registration_id": "r1", "reason": "left"},
    "exchange.requested": {"exchange": EXCHANGE, "actor": "organiser", "contacts": CONTACTS},
    "exchange.accepted": {"exchange": EXCHANGE, "actor": "host", "contacts": CONTACTS},
    "exchange.rejected": {"exchange": EXCHANGE, "actor": "host", "reason": "full"},
    "exchange.agenda_proposed": {"exchange": EXCHANGE, "actor": "host", "contacts": CONTACTS},
    "exchange.agreed": {"exchange": EXCHANGE, "actor": "host", "contacts": CONTACTS},
    "exchange.itinerary_changed": {"exchange": EXCHANGE, "actor": "host", "contacts": CONTACTS},
    "exchange.cancelled": {
        "exchange": EXCHANGE,
        "actor": "visitor",
        "reason": None,
        "contacts": CONTACTS,
    },
    "exchange.completed": {"exchange": EXCHANGE | {"attended_days": 5}, "actor": "organiser"},
}
PRODUCTION = sorted(t for t, _v in contracts.catalogue() if not t.startswith(("test.", "bench.")))


def test_every_production_contract_has_a_sample():
    assert sorted(SAMPLES) == PRODUCTION


@pytest.mark.parametrize("message_type", PRODUCTION)
def test_a_contract_round_trips_through_json(message_type):
    envelope = Envelope(type=message_type, payload=SAMPLES[message_type], producer="test")
    wire = json.loads(json.dumps(messages.dump(envelope)))
    received = messages.load(wire)
    assert received.message_id == envelope.message_id
    assert received.payload == messages.load(wire).payload
    for key, value in SAMPLES[message_type].items():
        assert received.payload[key] == value


@pytest.mark.parametrize("message_type", PRODUCTION)
def test_the_readme_catalogue_documents_the_contract(message_type):
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    assert f"`{message_type}`" in readme


def test_a_payload_missing_a_required_field_is_refused_on_publish():
    payload = dict(SAMPLES["participant.erased"])
    del payload["event_id"]
    with pytest.raises(InvalidMessage, match="event_id"):
        messages.dump(Envelope(type="participant.erased", payload=payload, producer="t"))


def test_an_unknown_version_is_refused_on_receipt():
    envelope = Envelope(
        type="participant.erased", payload=SAMPLES["participant.erased"], producer="t"
    )
    wire = messages.dump(envelope) | {"version": 2}
    with pytest.raises(InvalidMessage, match="no contract for participant.erased v2"):
        messages.load(wire)


def test_a_naive_timestamp_in_the_envelope_is_refused():
    envelope = Envelope(
        type="participant.erased", payload=SAMPLES["participant.erased"], producer="t"
    )
    wire = messages.dump(envelope) | {"occurred_at": "2027-01-01T10:00:00"}
    with pytest.raises(InvalidMessage, match="bad envelope"):
        messages.load(wire)


def test_an_exchange_contact_from_before_languages_speaks_english():
    """Producers older than the parties' languages sent contacts without one."""
    contacts = {
        side: {k: v for k, v in c.items() if k != "language"} for side, c in CONTACTS.items()
    }
    payload = SAMPLES["exchange.agreed"] | {"contacts": contacts}
    envelope = Envelope(type="exchange.agreed", payload=payload, producer="old")

    received = messages.load(json.loads(json.dumps(messages.dump(envelope))))

    assert {c["language"] for c in received.payload["contacts"].values()} == {"en"}
