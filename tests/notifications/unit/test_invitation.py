from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

BRUSSELS = ZoneInfo("Europe/Brussels")
LATER = datetime(2025, 4, 10, 12, 0, tzinfo=UTC)


def test_cancelling_keeps_the_uid_bumps_the_sequence_and_switches_to_cancel(invitation):
    cancelled = invitation.cancelled(at=LATER)

    assert (cancelled.uid, cancelled.sequence) == (invitation.uid, invitation.sequence + 1)
    assert (cancelled.method, cancelled.status) == ("CANCEL", "CANCELLED")
    assert cancelled.last_modified == LATER


def test_rescheduling_is_a_new_request_with_the_next_sequence(invitation):
    moved = invitation.rescheduled(
        start=invitation.start + timedelta(hours=1),
        end=invitation.end + timedelta(hours=1),
        location="Havenhuis, Antwerpen",
        at=LATER,
    )

    assert (moved.uid, moved.sequence, moved.method) == (invitation.uid, 1, "REQUEST")
    assert moved.location == "Havenhuis, Antwerpen"
    assert moved.start == invitation.start + timedelta(hours=1)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"method": "PUBLISH"}, id="unknown method"),
        pytest.param({"status": "TENTATIVE"}, id="unknown status"),
        pytest.param({"sequence": -1}, id="negative sequence"),
        pytest.param(
            {"start": datetime(2025, 5, 15, 13, 0, tzinfo=timezone(timedelta(hours=2)))},
            id="fixed offset instead of a zone",
        ),
        pytest.param({"start": datetime(2025, 5, 15, 13, 0)}, id="naive start"),
        pytest.param({"end": datetime(2025, 5, 15, 12, 0, tzinfo=BRUSSELS)}, id="end before start"),
        pytest.param({"last_modified": datetime(2025, 4, 1, 8, 30)}, id="naive last_modified"),
    ],
)
def test_an_invitation_refuses_inconsistent_fields(invitation, change):
    with pytest.raises(ValueError):
        replace(invitation, **change)
