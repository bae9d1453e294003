"""Unit fixtures shared with the scheduling tests: Mozilla ical.js as a calendar parser."""

from tests.scheduling.conftest import ical_js  # noqa: F401 - fixture
