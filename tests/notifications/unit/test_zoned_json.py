"""Stored contexts and calendar parts come back in their own time zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from services.notifications.adapters.zoned_json import decode, encode


def test_zoned_datetimes_survive_a_json_round_trip_with_their_zone():
    moment = datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=ZoneInfo("Europe/Brussels"))
    value = {"start": moment, "items": [moment], "title": "Matchmaking", "position": 3}

    back = decode(encode(value))

    assert back["start"] == moment and back["start"].tzinfo.key == "Europe/Brussels"
    assert back["start"].utcoffset() == moment.utcoffset()
    assert back["items"] == [moment] and back["title"] == "Matchmaking"


def test_a_datetime_without_a_named_zone_keeps_its_offset():
    moment = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)

    assert decode(encode(moment)) == moment
