"""The consumer's envelope check gives the verdicts of the documented EnvelopeSchema."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from marshmallow import ValidationError

from shared import messages
from shared.messages import Envelope, EnvelopeSchema, InvalidMessage
from tests.shared.toy import PingSchema  # noqa: F401 - registers test.ping

VALID = messages.dump(Envelope(type="test.ping", payload={"value": 1}, producer="testsvc"))
CHANGES = [
    {},
    {"message_id": str(uuid.uuid4()).upper()},
    {"message_id": uuid.uuid4().hex},
    {"message_id": "not-a-uuid"},
    {"message_id": 12},
    {"message_id": None},
    {"type": ""},
    {"type": "t" * 101},
    {"type": 5},
    {"version": 0},
    {"version": True},
    {"version": 1.0},
    {"version": "1"},
    {"occurred_at": "2027-01-01T10:00:00"},
    {"occurred_at": "2027-01-01T10:00:00Z"},
    {"occurred_at": "2027-01-01 10:00:00+02:00"},
    {"occurred_at": "yesterday"},
    {"occurred_at": ""},
    {"occurred_at": 1700000000},
    {"correlation_id": "c" * 101},
    {"correlation_id": ""},
    {"producer": "p" * 51},
    {"producer": ["p"]},
    {"payload": []},
    {"payload": None},
    {"unexpected": "ignored"},
]


def _without(key: str) -> dict:
    return {k: v for k, v in VALID.items() if k != key}


@pytest.mark.parametrize(
    "body", [VALID | change for change in CHANGES] + [_without(key) for key in VALID]
)
def test_the_envelope_check_agrees_with_the_schema(body):
    try:
        expected = EnvelopeSchema().load(body)
    except ValidationError as exc:
        with pytest.raises(InvalidMessage, match="bad envelope") as refused:
            messages.load(body)
        assert all(f"'{field}'" in str(refused.value) for field in exc.messages)
        return
    received = messages.load(body)
    assert received.message_id == str(expected["message_id"])
    assert received.occurred_at == expected["occurred_at"]
    assert (received.type, received.version, received.producer, received.correlation_id) == (
        expected["type"],
        expected["version"],
        expected["producer"],
        expected["correlation_id"],
    )


def test_a_loaded_envelope_keeps_its_aware_timestamp():
    received = messages.load(VALID)
    assert received.occurred_at.tzinfo is not None
    assert received.occurred_at <= datetime.now(UTC)
