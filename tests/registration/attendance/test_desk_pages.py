"""The check-in desk page (a form a barcode scanner can type into) and the manage page's code."""

from __future__ import annotations

import re

import pytest

from tests.registration.attendance.conftest import (
    DAY_ONE,
    DAY_TWO,
    HOSTILE_ORGANISATION,
    check_in,
)

pytestmark = pytest.mark.integration


def desk(client, event_id: str, day: str = DAY_ONE) -> str:
    return f"/organiser/events/{event_id}/check-in?day={day}"


def scan(client, event_id: str, code: str, token: str, day: str = DAY_ONE):
    data = {"code": code, "day": day, "csrf_token": token}
    return client.post(f"/organiser/events/{event_id}/check-in", data=data)


def outcome(response) -> str:
    return re.search(r'data-outcome="([a-z_]+)"', response.get_data(as_text=True)).group(1)


def test_the_desk_needs_a_logged_in_organiser(client, workshop):
    response = client.get(desk(client, workshop["event"]["id"]))
    assert response.status_code == 302 and "/organiser/login" in response.headers["Location"]


def test_the_desk_is_one_focused_field_without_scripts(client, logged_in, workshop):
    page = client.get(desk(client, workshop["event"]["id"])).get_data(as_text=True)

    assert re.search(r'<input id="f-code" name="code"[^>]*autofocus', page)
    assert "<script" not in page
    assert "0 of 2 checked in" in page
    assert f"day={DAY_TWO}" in page  # a two-day event links both days


def test_a_scanned_code_is_checked_in_and_named_at_once(client, logged_in, workshop):
    event_id = workshop["event"]["id"]
    response = scan(client, event_id, workshop["codes"][1], logged_in)

    assert response.status_code == 201
    assert outcome(response) == "checked_in"
    page = response.get_data(as_text=True)
    assert "Participant C" in page
    assert "&lt;font size=90&gt;Evil&lt;/font&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in page
    assert HOSTILE_ORGANISATION not in page
    assert "1 of 2 checked in" in page


def test_every_refusal_is_shown_with_its_own_words(client, logged_in, workshop, published_event):
    event_id, code = workshop["event"]["id"], workshop["codes"][0]
    scan(client, event_id, code, logged_in)
    other = published_event(title="Another workshop")["id"]
    cases = {
        "already_checked_in": (scan(client, event_id, code, logged_in), 409),
        "wrong_event": (scan(client, other, code, logged_in), 409),
        "unknown_code": (scan(client, event_id, "ABCDE-FGH23", logged_in), 404),
        "invalid_code": (scan(client, event_id, "?", logged_in), 422),
        "not_an_event_day": (scan(client, event_id, code, logged_in, "2027-05-01"), 422),
    }
    for expected, (response, status) in cases.items():
        assert (outcome(response), response.status_code) == (expected, status)
    assert "Already checked in for this day." in cases["already_checked_in"][0].get_data(True)


def test_the_desk_undoes_a_check_in(client, logged_in, workshop):
    event_id, person = workshop["event"]["id"], workshop["people"][0]
    scan(client, event_id, workshop["codes"][0], logged_in)
    data = {"registration_id": person["id"], "day": DAY_ONE, "csrf_token": logged_in}

    response = client.post(f"/organiser/events/{event_id}/check-in/undo", data=data)
    assert response.status_code == 303
    assert "0 of 2 checked in" in client.get(desk(client, event_id)).get_data(as_text=True)
    again = client.post(f"/organiser/events/{event_id}/check-in/undo", data=data)
    assert again.status_code == 404


def test_a_check_in_without_the_csrf_token_is_refused(client, logged_in, workshop):
    event_id = workshop["event"]["id"]
    response = client.post(
        f"/organiser/events/{event_id}/check-in", data={"code": workshop["codes"][0]}
    )
    assert response.status_code in (400, 403)


def test_the_desk_downloads_the_days_sheet(client, logged_in, workshop):
    event_id = workshop["event"]["id"]
    page = client.get(desk(client, event_id, DAY_TWO)).get_data(as_text=True)
    for fmt, mimetype in (("pdf", "application/pdf"), ("csv", "text/csv")):
        path = f"/organiser/events/{event_id}/attendance-{DAY_TWO}.{fmt}"
        assert path in page
        assert client.get(path).mimetype == mimetype
    assert client.get(f"/organiser/events/{event_id}/attendance-{DAY_TWO}.exe").status_code == 404
    assert client.get(f"/organiser/events/{event_id}/attendance-nope.pdf").status_code == 422


def test_an_unknown_day_in_the_desk_address_is_a_422_page(client, logged_in, workshop):
    response = client.get(desk(client, workshop["event"]["id"], "2027-02-30"))
    assert response.status_code == 422
    assert response.mimetype == "text/html"


def test_the_manage_page_shows_the_code_its_qr_and_later_the_certificate(
    client, organiser, workshop
):
    person, code = workshop["people"][0], workshop["codes"][0]
    token = person["manage_url"].rsplit("/", 1)[1]
    page = client.get(f"/manage/{token}").get_data(as_text=True)
    assert code in page
    assert f'src="/manage/{token}/check-in.svg"' in page
    assert "certificate.pdf" not in page

    check_in(client, organiser, workshop["event"]["id"], code)
    page = client.get(f"/manage/{token}").get_data(as_text=True)
    assert f'href="/manage/{token}/certificate.pdf"' in page


def test_the_manage_page_of_a_waitlisted_person_shows_no_code(client, workshop):
    token = workshop["people"][2]["manage_url"].rsplit("/", 1)[1]
    page = client.get(f"/manage/{token}").get_data(as_text=True)
    assert "checkin-code" not in page and "check-in.svg" not in page


def test_the_confirmation_page_shows_the_check_in_code(client, workshop):
    token = workshop["people"][0]["manage_url"].rsplit("/", 1)[1]
    page = client.get(f"/manage/{token}/confirmation").get_data(as_text=True)
    assert workshop["codes"][0] in page
