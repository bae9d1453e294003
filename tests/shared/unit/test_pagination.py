"""Cursors are opaque round trips of a sort key, and foreign text is refused."""

from datetime import UTC, datetime

import pytest

from shared.pagination import BadCursor, PageRequest, decode_cursor, encode_cursor, page_in_memory


def test_a_cursor_round_trips_times_numbers_and_text():
    key = (datetime(2027, 4, 12, 9, 30, tzinfo=UTC), 7, "a-b")

    assert decode_cursor(encode_cursor(key)) == key


@pytest.mark.parametrize(
    "text", ["", "not-a-cursor", "W10", "e30", encode_cursor((1,)) + "%%", "WyJ4Il0"]
)
def test_text_that_is_not_a_cursor_is_refused(text):
    with pytest.raises(BadCursor):
        decode_cursor(text)


def test_pages_in_memory_resume_strictly_after_the_cursor_and_end_with_no_cursor():
    items = [(n, str(n)) for n in range(5)]
    first = page_in_memory(items, lambda item: item, PageRequest(limit=2), str)
    second = page_in_memory(
        items, lambda item: item, PageRequest(2, decode_cursor(first.cursor)), str
    )
    last = page_in_memory(
        items, lambda item: item, PageRequest(2, decode_cursor(second.cursor)), str
    )

    assert [len(p.items) for p in (first, second, last)] == [2, 2, 1]
    assert last.cursor is None and first.count == 5
    assert first.items + second.items + last.items == [str(i) for i in items]
