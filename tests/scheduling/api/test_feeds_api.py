"""The iCalendar feeds over HTTP: format, validators, privacy, and what other parsers read."""

from datetime import UTC, datetime

import pytest
import vobject
from flask.sessions import SecureCookieSessionInterface
from icalendar import Calendar

from tests.scheduling.builders import EVENT_ID, registration_payload, token_of, visit_body

EVENT_FEED = f"/feeds/events/{EVENT_ID}.ics"
PERSONAL_FEED = f"/feeds/participants/{registration_payload('r1')['feed_token']}.ics"


def unfolded(body: bytes) -> list[str]:
    return body.replace(b"\r\n ", b"").decode().split("\r\n")


def vevents(body: bytes) -> dict[str, dict[str, str]]:
    """Each VEVENT's properties (name without parameters → value), by UID."""
    found, current = {}, None
    for line in unfolded(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found[current["UID"]] = current
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name.split(";")[0]] = value
    return found


def host_feed_url(client, organiser) -> str:
    (host,) = client.get(f"/api/v1/events/{EVENT_ID}/hosts", headers=organiser).json["items"]
    return host["feed"]["https"].removeprefix("https://calendar.example.eu/scheduling")


def join(client, visit_id, registration_id="r1"):
    response = client.post(
        f"/api/v1/visits/{visit_id}/participants", json={}, headers=token_of(registration_id)
    )
    assert response.status_code == 201


def test_a_feed_is_text_calendar_inline_and_needs_no_accept_header(client, visit_id):
    response = client.get(EVENT_FEED)

    assert "Accept" not in response.request.headers
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Content-Disposition" not in response.headers
    assert response.headers["Cache-Control"] == "max-age=300, public"
    body = response.data
    assert body.count(b"\n") == body.count(b"\r\n") and body.endswith(b"END:VCALENDAR\r\n")


def test_the_calendar_names_itself_and_says_where_and_how_often_to_refresh(client, visit_id):
    lines = unfolded(client.get(EVENT_FEED).data)

    for expected in (
        "VERSION:2.0",
        "PRODID:-//ClusterXchange//Logistics Platform//EN",
        "NAME:Joint learning workshop on circular textiles",
        "X-WR-CALNAME:Joint learning workshop on circular textiles",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        f"SOURCE;VALUE=URI:https://calendar.example.eu/scheduling/feeds/events/{EVENT_ID}.ics",
    ):
        assert expected in lines


def test_long_lines_are_folded_at_75_octets_without_breaking_characters(
    client, organiser, published_event
):
    title = "Visite d'étude – Zürich – Ålesund – 東京 – " * 4
    client.post(
        f"/api/v1/events/{EVENT_ID}/visits", json=visit_body(title=title), headers=organiser
    )

    body = client.get(EVENT_FEED).data

    physical = body.split(b"\r\n")
    assert max(len(line) for line in physical) <= 75
    assert any(line.startswith(b" ") for line in physical)
    for line in physical:
        line.decode("utf-8")
    assert f"SUMMARY:Study visit: {title}" in unfolded(body)


def test_every_event_has_an_opaque_uid_and_a_dtstamp_of_its_own_last_change(
    client, clock, visit_id
):
    first = client.get(EVENT_FEED).data
    clock.advance(hours=3)

    assert client.get(EVENT_FEED).data == first
    events = vevents(first)
    assert set(events) == {f"event-{EVENT_ID}", f"visit-{visit_id}"}
    visit = events[f"visit-{visit_id}"]
    assert visit["DTSTAMP"] == visit["LAST-MODIFIED"] == "20260301T120000Z"
    assert events[f"event-{EVENT_ID}"]["DTSTAMP"] == "20260201T090000Z"
    assert "@" not in first.decode() and b"ATTENDEE" not in first


def test_every_tzid_in_a_feed_has_its_vtimezone(client, visit_id):
    calendar = Calendar.from_ical(client.get(EVENT_FEED).data)

    assert calendar.get_missing_tzids() == set()
    assert [tz["TZID"] for tz in calendar.timezones] == ["Europe/Brussels"]


def test_a_change_of_time_or_place_raises_the_sequence_but_a_new_title_does_not(
    client, clock, organiser, visit_id
):
    patch = f"/api/v1/visits/{visit_id}"
    client.patch(patch, json={"title": "Sorting line"}, headers=organiser)
    assert vevents(client.get(EVENT_FEED).data)[f"visit-{visit_id}"]["SEQUENCE"] == "0"
    clock.advance(hours=1)

    client.patch(patch, json={"start": "2026-05-12T13:00:00+02:00"}, headers=organiser)

    visit = vevents(client.get(EVENT_FEED).data)[f"visit-{visit_id}"]
    assert (visit["SEQUENCE"], visit["DTSTART"]) == ("1", "20260512T130000")
    assert visit["LAST-MODIFIED"] == "20260301T130000Z"


def test_a_cancelled_visit_stays_cancelled_with_a_higher_sequence_for_the_retention_window(
    client, clock, organiser, visit_id
):
    client.post(f"/api/v1/visits/{visit_id}/cancel", headers=organiser)
    before = client.get(EVENT_FEED)

    visit = vevents(before.data)[f"visit-{visit_id}"]
    assert (visit["STATUS"], visit["SEQUENCE"]) == ("CANCELLED", "1")
    clock.advance(days=31)
    after = client.get(EVENT_FEED, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert f"visit-{visit_id}" not in vevents(after.data)
    assert after.last_modified == datetime(2026, 3, 31, 12, tzinfo=UTC)


def test_if_none_match_gets_a_304_with_both_validators_and_no_body(client, visit_id):
    first = client.get(EVENT_FEED)
    etag = first.headers["ETag"]

    again = client.get(EVENT_FEED, headers={"If-None-Match": etag})

    assert etag.startswith('"') and not etag.startswith("W/")
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]


def test_a_304_carries_the_headers_of_every_response_and_none_of_a_body(client, visit_id):
    etag = client.get(EVENT_FEED).headers["ETag"]

    first, second = (client.get(EVENT_FEED, headers={"If-None-Match": etag}) for _ in "12")

    assert first.status_code == second.status_code == 304
    assert first.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in first.headers["Content-Security-Policy"]
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert first.headers["X-Correlation-ID"] != second.headers["X-Correlation-ID"]
    assert "Content-Type" not in first.headers and "Content-Length" not in first.headers


def test_a_feed_request_never_opens_the_visitors_session(app, client, visit_id, monkeypatch):
    def opened(*args):
        raise AssertionError("the session was opened")

    client.set_cookie(app.config["SESSION_COOKIE_NAME"], "a-session-cookie")
    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", opened)

    response = client.get(EVENT_FEED)

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers and "Cookie" not in response.vary


def test_if_modified_since_gets_a_304_until_the_feed_changes(client, clock, organiser, visit_id):
    first = client.get(EVENT_FEED)
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get(EVENT_FEED, headers=since).status_code == 304
    clock.advance(minutes=5)

    client.patch(f"/api/v1/visits/{visit_id}", json={"capacity": 20}, headers=organiser)

    changed = client.get(EVENT_FEED, headers=since)
    assert changed.status_code == 200
    assert changed.last_modified > first.last_modified
    stale = client.get(EVENT_FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert stale.status_code == 200 and stale.headers["ETag"] != first.headers["ETag"]


def test_an_unchanged_feed_keeps_its_etag_across_unrelated_changes(client, organiser, visit_id):
    first = client.get(EVENT_FEED)

    join(client, visit_id)

    again = client.get(EVENT_FEED, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_if_none_match_wins_over_if_modified_since(client, visit_id):
    first = client.get(EVENT_FEED)

    response = client.get(
        EVENT_FEED,
        headers={"If-None-Match": '"other"', "If-Modified-Since": first.headers["Last-Modified"]},
    )

    assert response.status_code == 200


def test_a_head_request_gets_the_headers_without_the_calendar(client, visit_id):
    response = client.head(EVENT_FEED)

    assert response.status_code == 200 and response.data == b""
    assert response.headers["ETag"] == client.get(EVENT_FEED).headers["ETag"]


def test_a_participants_feed_is_private_and_holds_their_workshop_and_visits(client, visit_id):
    join(client, visit_id)

    response = client.get(PERSONAL_FEED)

    assert response.headers["Cache-Control"] == "max-age=300, private"
    assert set(vevents(response.data)) == {f"event-{EVENT_ID}", f"visit-{visit_id}"}
    client.delete(f"/api/v1/visits/{visit_id}/participants/r1", headers=token_of("r1"))
    assert set(vevents(client.get(PERSONAL_FEED).data)) == {f"event-{EVENT_ID}"}


def test_a_hosts_feed_is_private_with_group_sizes_and_no_participant_details(
    client, organiser, visit_id
):
    join(client, visit_id)

    response = client.get(host_feed_url(client, organiser))

    assert response.headers["Cache-Control"] == "max-age=300, private"
    (visit,) = vevents(response.data).values()
    assert visit["DESCRIPTION"].startswith("Group size: 1 of 12 seats")
    for private in (b"r1", b"@", b"ATTENDEE", b"Bo Peeters"):
        assert private not in response.data


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/events/5f0c2a6e-3f1b-4c49-9a51-6d1f3c9b7eff.ics",
        "/feeds/events/not-a-uuid.ics",
        "/feeds/participants/guessed-token.ics",
        "/feeds/hosts/guessed-token.ics",
        "/feeds/hosts/%00.ics",
    ],
)
def test_an_unknown_feed_is_a_404_problem_without_a_calendar(client, published_event, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert b"VCALENDAR" not in response.data


def test_a_cached_feed_answers_conditional_gets_without_asking_the_database(
    make_app, published_event, monkeypatch
):
    client = make_app(FEED_CACHE_SECONDS="60").test_client()
    etag = client.get(EVENT_FEED).headers["ETag"]

    def unreachable(*args, **kwargs):
        raise AssertionError("the database was asked")

    monkeypatch.setattr("services.scheduling.service_layer.feeds.feed_version", unreachable)
    assert client.get(EVENT_FEED, headers={"If-None-Match": etag}).status_code == 304


def test_vobject_reads_the_served_feed_like_we_wrote_it(client, visit_id, fresh_vobject_tzids):
    body = client.get(EVENT_FEED).data

    calendar = vobject.readOne(body.decode("utf-8"))
    calendar.validate()

    events = {event.uid.value: event for event in calendar.vevent_list}
    visit = events[f"visit-{visit_id}"]
    assert visit.dtstart.value == datetime(2026, 5, 12, 12, tzinfo=UTC)
    assert visit.summary.value == "Study visit: Textile recycling lab"
    assert visit.location.value == "ReTex Lab, Havenlaan 86, Brussels"
    assert events[f"event-{EVENT_ID}"].dtend.value == datetime(2026, 5, 13, 15, tzinfo=UTC)


def test_ical_js_reads_the_served_feed_like_we_wrote_it(client, organiser, visit_id, ical_js):
    client.post(f"/api/v1/visits/{visit_id}/cancel", headers=organiser)

    parsed = ical_js(client.get(PERSONAL_FEED.replace("r1", "r2")).data)
    public = ical_js(client.get(EVENT_FEED).data)

    assert parsed["name"] == "Joint learning workshop on circular textiles: my programme"
    assert [event["uid"] for event in parsed["events"]] == [f"event-{EVENT_ID}"]
    assert public["refreshInterval"] == "PT1H"
    visit = {event["uid"]: event for event in public["events"]}[f"visit-{visit_id}"]
    assert visit["start"] == {"utc": "2026-05-12T12:00:00Z", "zone": "Europe/Brussels"}
    assert (visit["status"], visit["sequence"]) == ("CANCELLED", 1)
