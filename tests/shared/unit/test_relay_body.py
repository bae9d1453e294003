"""The relay reads the correlation id out of a stored body without decoding all of it."""

from __future__ import annotations

import json

import pytest

from shared.outbox import _correlation_id


@pytest.mark.parametrize("correlation_id", ["req-1", 'with "quotes" \\ and \\u', "é→✓"])
def test_the_correlation_id_of_a_sorted_body_is_read_exactly(correlation_id):
    body = {"correlation_id": correlation_id, "payload": {"correlation_id": "not this"}}
    stored = json.dumps(body, separators=(",", ":"), sort_keys=True)
    assert _correlation_id(stored) == correlation_id


def test_a_body_written_another_way_is_decoded_in_full():
    assert _correlation_id('{"payload": {}, "correlation_id": "late"}') == "late"
    assert _correlation_id('{"payload": {}}') is None
