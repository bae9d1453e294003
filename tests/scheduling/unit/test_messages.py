"""The messages scheduling publishes: every domain event dumps to its contract and loads back."""

from datetime import timedelta

import pytest

from services.scheduling.domain.policy import Policy
from services.scheduling.service_layer.messages import to_message
from shared import messages
from shared.messages import Envelope
from tests.scheduling.builders import NOW, brussels, programme, schedule

POLICY = Policy()


def announced():
    """A programme whose visit went through every kind of change."""
    built = programme("r1")
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.join(visit.id, "r1", POLICY, NOW)
    built.edit_visit(visit.id, {"start": brussels(2026, 5, 12, 13)}, POLICY, NOW)
    built.leave(visit.id, "r1", "left", NOW)
    built.join(visit.id, "r1", POLICY, NOW)
    built.cancel_visit(visit.id, "storm", NOW + timedelta(1))
    return built


@pytest.mark.parametrize(
    "message_type",
    [
        "visit.scheduled",
        "visit.participant_added",
        "visit.updated",
        "visit.participant_removed",
        "visit.cancelled",
    ],
)
def test_each_visit_message_round_trips_through_its_contract(message_type):
    built = announced()
    sent = dict(to_message(event) for event in built.events)

    loaded = messages.load(
        messages.dump(Envelope(type=message_type, payload=sent[message_type], producer="sched"))
    )

    visit = loaded.payload["visit"]
    assert visit["host_organisation"] == "ReTex Lab"
    assert visit["timezone"] == "Europe/Brussels"
    assert visit["start"].utcoffset() == timedelta(hours=2)
    assert "contact_email" not in str(loaded.payload)


def test_visit_updated_says_what_changed_and_who_is_booked():
    built = announced()
    updated = next(to_message(e) for e in built.events if type(e).__name__ == "VisitUpdated")

    assert updated[1]["changes"] == [
        {"field": "start", "old": "2026-05-12T14:00:00+02:00", "new": "2026-05-12T13:00:00+02:00"}
    ]
    assert updated[1]["participants"] == ["r1"]


def test_visit_cancelled_lists_the_booked_participants_and_the_reason():
    built = announced()
    _type, payload = to_message(built.events[-1])

    assert (payload["participants"], payload["reason"]) == (["r1"], "storm")
    assert (payload["visit"]["status"], payload["visit"]["sequence"]) == ("cancelled", 2)
