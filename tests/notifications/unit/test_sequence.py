"""SEQUENCE per address and UID only ever rises, because we are the ORGANIZER."""

from services.notifications.domain.readmodel import CalendarEntry, next_sequence


def entry(sequence: int, method: str = "REQUEST") -> CalendarEntry:
    return CalendarEntry(email="anna@example.eu", uid="visit-1", sequence=sequence, method=method)


def test_the_first_message_uses_the_sequence_of_the_source():
    assert next_sequence(None, 3) == 3


def test_a_later_message_goes_above_the_last_one_sent_even_if_the_source_did_not_move():
    assert next_sequence(entry(3), 3) == 4


def test_a_source_that_moved_further_wins():
    assert next_sequence(entry(1, "CANCEL"), 5) == 5
