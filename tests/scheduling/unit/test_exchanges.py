"""The exchange lifecycle: each transition, by the right party, in the right state."""

from __future__ import annotations

from datetime import date

import pytest

from services.scheduling.domain.errors import (
    Forbidden,
    Ineligible,
    InvalidTransition,
    InvalidVisit,
    NotFound,
)
from services.scheduling.exchanges.domain.model import Exchange
from tests.scheduling.builders import NOW
from tests.scheduling.exchange_builders import (
    RULES,
    accepted,
    agreed,
    meeting,
    request,
    requested,
    site_days,
)


def messages(exchange: Exchange) -> list[str]:
    return [event.what for event in exchange.events]


def test_a_request_counts_working_days_and_mints_two_different_tokens():
    exchange = requested()
    assert (exchange.status, exchange.working_days) == ("requested", 5)
    assert len(exchange.visitor_token) >= 43 and exchange.visitor_token != exchange.host_token
    assert exchange.active_visitor == "ana@bioeco.example"
    assert messages(exchange) == ["requested"]


def test_an_ineligible_request_creates_nothing():
    with pytest.raises(Ineligible):
        Exchange.request(request(last_day=date(2026, 5, 5)), RULES, 0, NOW)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(InvalidVisit, match="time zone"):
        requested(timezone="Mars/Olympus")


def test_the_host_accepts_a_request():
    exchange = requested()
    exchange.accept("host", NOW)
    assert exchange.status == "accepted_by_host"
    assert messages(exchange)[-1] == "accepted"


@pytest.mark.parametrize("party", ["visitor", "organiser"])
def test_only_the_host_accepts(party):
    with pytest.raises(Forbidden, match="only the host"):
        requested().accept(party, NOW)


def test_accepting_twice_is_a_wrong_state():
    with pytest.raises(InvalidTransition, match="is accepted_by_host"):
        accepted().accept("host", NOW)


def test_the_host_rejects_with_a_reason_and_the_visitor_may_request_again():
    exchange = requested()
    exchange.reject("host", "no capacity in May", NOW)
    assert (exchange.status, exchange.closed_reason) == ("rejected", "no capacity in May")
    assert exchange.active_visitor is None
    assert exchange.events[-1].reason == "no capacity in May"


def test_the_visitor_cannot_reject():
    with pytest.raises(Forbidden):
        requested().reject("visitor", None, NOW)


def test_an_agreed_exchange_can_no_longer_be_rejected():
    with pytest.raises(InvalidTransition):
        agreed().reject("host", None, NOW)


@pytest.mark.parametrize("party", ["organiser", "visitor", "host"])
def test_any_party_cancels_an_active_exchange(party):
    exchange = agreed()
    exchange.cancel(party, "illness", NOW)
    assert (exchange.status, exchange.closed_by) == ("cancelled", party)
    assert messages(exchange)[-1] == "cancelled"


def test_a_cancelled_exchange_cannot_be_cancelled_again():
    exchange = requested()
    exchange.cancel("visitor", None, NOW)
    with pytest.raises(InvalidTransition):
        exchange.cancel("host", None, NOW)


def test_both_confirmations_make_the_agreement():
    exchange = accepted()
    exchange.add_item("host", meeting(), NOW)
    exchange.confirm("visitor", NOW)
    assert exchange.status == "accepted_by_host" and exchange.visitor_confirmed_at == NOW
    exchange.confirm("host", NOW)
    assert exchange.status == "agreed" and exchange.host_confirmed_at == NOW
    assert messages(exchange)[-1] == "agreed"


def test_an_empty_agenda_cannot_be_confirmed():
    with pytest.raises(InvalidTransition, match="agenda is empty"):
        accepted().confirm("visitor", NOW)


def test_an_organiser_cannot_confirm_for_a_party():
    exchange = accepted()
    exchange.add_item("host", meeting(), NOW)
    with pytest.raises(Forbidden):
        exchange.confirm("organiser", NOW)


def test_changing_the_agenda_before_the_agreement_voids_the_confirmations():
    exchange = accepted()
    exchange.add_item("host", meeting(), NOW)
    exchange.confirm("visitor", NOW)
    exchange.add_item("organiser", site_days(), NOW)
    assert exchange.visitor_confirmed_at is None
    assert "itinerary_changed" not in messages(exchange)


def test_each_change_of_the_proposed_agenda_asks_both_sides_to_look_again():
    exchange = accepted()
    exchange.add_item("host", meeting(), NOW)
    exchange.edit_item("host", exchange.agenda[0].id, meeting(hour=14), NOW)
    assert messages(exchange)[-2:] == ["agenda_proposed", "agenda_proposed"]


def test_the_organiser_completes_with_attendance():
    exchange = agreed()
    exchange.complete("organiser", 4, "missed Friday", NOW)
    assert (exchange.status, exchange.attended_days) == ("completed", 4)
    assert exchange.active_visitor is None
    assert messages(exchange)[-1] == "completed"


def test_attendance_cannot_exceed_the_working_days():
    with pytest.raises(InvalidVisit, match="between 0 and 5"):
        agreed().complete("organiser", 6, None, NOW)


def test_the_host_cannot_complete():
    with pytest.raises(Forbidden):
        agreed().complete("host", 5, None, NOW)


def test_a_requested_exchange_cannot_be_completed():
    with pytest.raises(InvalidTransition):
        requested().complete("organiser", 5, None, NOW)


def test_agenda_items_need_an_accepted_exchange_and_the_host_or_an_organiser():
    with pytest.raises(InvalidTransition):
        requested().add_item("host", meeting(), NOW)
    with pytest.raises(Forbidden):
        accepted().add_item("visitor", meeting(), NOW)


def test_agenda_items_lie_within_the_exchange():
    with pytest.raises(InvalidVisit, match="2026-05-04 to 2026-05-08"):
        accepted().add_item("host", meeting(day=11), NOW)


def test_an_item_is_either_timed_or_all_day():
    with pytest.raises(InvalidVisit, match="either"):
        accepted().add_item("host", meeting(first_day=date(2026, 5, 5)), NOW)


def test_editing_an_agreed_item_raises_its_sequence_and_announces_the_change():
    exchange = agreed()
    item = exchange.agenda[0]
    before = item.sequence
    exchange.edit_item("host", item.id, meeting(hour=14), NOW)
    assert item.sequence == before + 1 and item.start.hour == 14
    assert messages(exchange)[-1] == "itinerary_changed"


def test_an_edit_that_changes_nothing_announces_nothing():
    exchange = agreed()
    exchange.edit_item("host", exchange.agenda[0].id, meeting(), NOW)
    assert messages(exchange)[-1] == "agreed"


def test_a_removed_item_stays_cancelled_with_a_higher_sequence():
    exchange = agreed()
    item = exchange.agenda[0]
    exchange.remove_item("organiser", item.id, NOW)
    assert item.cancelled and exchange.agenda == []
    assert messages(exchange)[-1] == "itinerary_changed"
    with pytest.raises(NotFound):
        exchange.item(item.id)


def test_agreeing_and_cancelling_raise_every_item_sequence():
    exchange = agreed()
    assert exchange.agenda[0].sequence == 1
    exchange.cancel("visitor", None, NOW)
    assert exchange.agenda == [] or exchange.items[0].sequence == 2
    assert exchange.items[0].sequence == 2 and exchange.sequence == 2
