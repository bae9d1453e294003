"""The visitor's and host's exchange feeds: all-day dates, SEQUENCE on change, validators."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import vobject

from tests.scheduling.api.test_feeds_api import vevents
from tests.scheduling.exchange_builders import act, all_day_body, as_, meeting_body

pytestmark = pytest.mark.integration
BASE = "https://calendar.example.eu/scheduling"


def feed_path(exchange: dict, party: str) -> str:
    return exchange[f"{party}_feed"]["https"].removeprefix(BASE)


def item_uid(client, exchange: dict, title: str) -> str:
    agenda = client.get(f"/api/v1/exchanges/{exchange['id']}", headers=as_("host", exchange))
    (item_id,) = [i["item_id"] for i in agenda.json["agenda"] if i["title"] == title]
    return f"exchange-item-{item_id}"


def test_the_exchange_is_an_all_day_entry_with_an_exclusive_end(exchange_client, exchange):
    body = exchange_client.get(feed_path(exchange, "visitor")).data
    span = vevents(body)[f"exchange-{exchange['id']}"]
    lines = body.replace(b"\r\n ", b"").decode().split("\r\n")
    assert "DTSTART;VALUE=DATE:20260504" in lines
    assert "DTEND;VALUE=DATE:20260509" in lines  # the day after Friday 8 May
    assert span["STATUS"] == "TENTATIVE" and span["SEQUENCE"] == "0"


def test_agenda_items_appear_in_both_feeds_and_all_day_items_use_dates(
    exchange_client, agreed_exchange
):
    client = exchange_client
    act(client, agreed_exchange, "agenda", "host", **all_day_body())
    for party in ("visitor", "host"):
        body = client.get(feed_path(agreed_exchange, party)).data
        items = vevents(body)
        meeting = items[item_uid(client, agreed_exchange, "Kick-off with the storage team")]
        assert meeting["STATUS"] == "CONFIRMED" and meeting["DTSTART"] == "20260505T100000"
        site = items[item_uid(client, agreed_exchange, "Battery park")]
        assert (site["DTSTART"], site["DTEND"]) == ("20260506", "20260508")


def test_vobject_reads_the_feed_with_dates_and_zoned_times(
    exchange_client, agreed_exchange, fresh_vobject_tzids
):
    act(exchange_client, agreed_exchange, "agenda", "host", **all_day_body())
    body = exchange_client.get(feed_path(agreed_exchange, "host")).data
    calendar = vobject.readOne(body.decode("utf-8"))
    calendar.validate()
    events = {event.summary.value: event for event in calendar.vevent_list}
    site = events["Site visit: Battery park"]
    assert (site.dtstart.value, site.dtend.value) == (date(2026, 5, 6), date(2026, 5, 8))
    meeting = events["Meeting: Kick-off with the storage team"]
    assert meeting.dtstart.value == datetime(2026, 5, 5, 8, tzinfo=UTC)
    assert meeting.location.value == "EnerLab, Torstraße 1, Berlin"


def test_a_changed_item_raises_its_sequence_and_changes_the_etag(exchange_client, agreed_exchange):
    client, path = exchange_client, feed_path(agreed_exchange, "visitor")
    first = client.get(path)
    uid = item_uid(client, agreed_exchange, "Kick-off with the storage team")
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    url = f"/api/v1/exchanges/{agreed_exchange['id']}/agenda/{uid.removeprefix('exchange-item-')}"
    moved = meeting_body(start="2026-05-05T14:00:00+02:00", end="2026-05-05T16:00:00+02:00")
    client.put(url, json=moved, headers=as_("host", agreed_exchange))
    second = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    before, after = vevents(first.data)[uid], vevents(second.data)[uid]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after["DTSTART"] == "20260505T140000"


def test_a_cancelled_exchange_shows_everything_cancelled_with_higher_sequences(
    exchange_client, agreed_exchange
):
    client, path = exchange_client, feed_path(agreed_exchange, "host")
    before = vevents(client.get(path).data)
    act(client, agreed_exchange, "cancel", "visitor")
    after = vevents(client.get(path).data)
    for uid, entry in after.items():
        assert entry["STATUS"] == "CANCELLED"
        assert int(entry["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1


def test_exchange_feeds_are_private_and_unknown_tokens_are_404(exchange_client, exchange):
    response = exchange_client.get(feed_path(exchange, "host"))
    assert response.headers["Cache-Control"] == "max-age=300, private"
    assert response.headers["Last-Modified"]
    missing = exchange_client.get("/feeds/exchanges/host/not-a-token.ics")
    assert missing.status_code == 404
    assert missing.content_type == "application/problem+json"
    wrong_side = exchange_client.get(f"/feeds/exchanges/host/{exchange['visitor_token']}.ics")
    assert wrong_side.status_code == 404
