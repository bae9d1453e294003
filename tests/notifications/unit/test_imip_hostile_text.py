"""Hostile text in an iMIP part comes back from four parsers as it went in, with or without -O.

The parts keep their METHOD (REQUEST or CANCEL), so libical's RFC 5546 restriction check must
find the ORGANIZER, ATTENDEE, SEQUENCE and DTSTAMP an iTIP message needs.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from icalendar import Calendar

from services.notifications.adapters.imip import build_invitation_ics
from tests.feed_parsers import MULTI_LINE, ONE_LINE, agreed, stored

REPO_ROOT = Path(__file__).resolve().parents[3]
RENDER = (
    "import pickle, sys\n"
    "from services.notifications.adapters.imip import build_invitation_ics\n"
    "sys.stdout.buffer.write(build_invitation_ics(pickle.loads(sys.stdin.buffer.read())))\n"
)


def hostile(invitation, method: str):
    text = replace(
        invitation,
        summary=MULTI_LINE,
        description=MULTI_LINE,
        location=MULTI_LINE,
        organizer_name=ONE_LINE,
        attendee_name=ONE_LINE,
    )
    return text.cancelled(at=text.last_modified) if method == "CANCEL" else text


def rendered(invitation, optimised: bool) -> bytes:
    flags = ["-O"] if optimised else []
    done = subprocess.run(
        [sys.executable, *flags, "-c", RENDER],
        cwd=REPO_ROOT,
        input=pickle.dumps(invitation),
        capture_output=True,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize("optimised", [False, True], ids=["python", "python -O"])
@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_hostile_text_round_trips_and_passes_the_itip_restrictions(
    invitation, ical_js, method, optimised
):
    sent = hostile(invitation, method)
    ics = rendered(sent, optimised)

    assert ics == build_invitation_ics(sent)
    read = agreed(ics, ical_js)  # no libical errors, restriction checks included
    assert read["events"] == {
        sent.uid: dict.fromkeys(("summary", "description", "location"), stored(MULTI_LINE))
    }
    event = Calendar.from_ical(ics).events[0]
    assert event["ORGANIZER"].params["CN"] == event["ATTENDEE"].params["CN"] == ONE_LINE
    lines = ics.replace(b"\r\n ", b"").split(b"\r\n")
    assert [line[:9] for line in lines if line.startswith((b"ATTENDEE", b"BEGIN:VEV"))] == [
        b"BEGIN:VEV",
        b"ATTENDEE;",
    ]
