"""Hostile text in every text property of a feed comes back from four parsers as it went in.

The same render also runs in a ``python -O`` subprocess: without asserts icalendar stops
refusing raw line breaks, so only typed, escaped properties keep a title from injecting lines.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import replace

import pytest

from services.scheduling.adapters.ical import render_feed
from tests.feed_parsers import MULTI_LINE, ONE_LINE, agreed, stored
from tests.scheduling.unit.test_ical_feed import META, REPO_ROOT, item, unfolded

HOSTILE_META = replace(META, name=MULTI_LINE, description=MULTI_LINE)
HOSTILE_ITEMS = (
    item("visit-one-line", summary=ONE_LINE, description=ONE_LINE, location=ONE_LINE),
    item(
        "visit-multi-line",
        summary=MULTI_LINE,
        description=MULTI_LINE,
        location=MULTI_LINE,
        categories=(ONE_LINE, "b,c;d"),
    ),
)
RENDER = (
    "import pickle, sys\n"
    "from services.scheduling.adapters.ical import render_feed\n"
    "sys.stdout.buffer.write(render_feed(*pickle.loads(sys.stdin.buffer.read())))\n"
)


def rendered(optimised: bool) -> bytes:
    """The hostile feed rendered by a fresh interpreter, with or without ``-O``."""
    flags = ["-O"] if optimised else []
    done = subprocess.run(
        [sys.executable, *flags, "-c", RENDER],
        cwd=REPO_ROOT,
        input=pickle.dumps((HOSTILE_META, HOSTILE_ITEMS)),
        capture_output=True,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize("optimised", [False, True], ids=["python", "python -O"])
def test_hostile_text_round_trips_through_every_parser(ical_js, optimised):
    feed = rendered(optimised)

    assert feed == render_feed(HOSTILE_META, HOSTILE_ITEMS)
    read = agreed(feed, ical_js)
    assert read["name"] == stored(MULTI_LINE)
    assert read["events"] == {
        "visit-one-line": dict.fromkeys(("summary", "description", "location"), ONE_LINE),
        "visit-multi-line": dict.fromkeys(
            ("summary", "description", "location"), stored(MULTI_LINE)
        ),
    }


@pytest.mark.parametrize("optimised", [False, True], ids=["python", "python -O"])
def test_a_title_with_line_breaks_injects_no_property_or_component(optimised):
    lines = unfolded(rendered(optimised))

    assert lines.count("BEGIN:VEVENT") == len(HOSTILE_ITEMS)
    assert not [line for line in lines if line.startswith(("ATTENDEE", "METHOD"))]
