"""An organiser opens a study visit's participant list from the planner, then its printout for
the host, in a real browser: the needs scheduling never holds come from registration, hostile
text stays text, long needs wrap instead of widening the page, and axe-core finds nothing."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.e2e.pages import Browser
from tests.e2e.platform import STUDY_VISIT, WORKSHOP
from tests.waiting import wait_until

pytestmark = pytest.mark.integration
SCRIPT = "<script>document.title='owned'</script>"
UNBROKEN = "wheelchair" * 60  # 600 characters with nowhere to break a line
PEOPLE = [
    {"name": "Zofia Nowak", "dietary_needs": '=HYPERLINK("http://evil.test","x")'},
    {"name": "Ada Lovelace", "organisation": "<b>Bold</b> & Co", "accessibility_needs": SCRIPT},
    {"name": "Bo Nilsson", "accessibility_needs": UNBROKEN},
]


def call(method: str, url: str, credential: str, body: dict | None = None) -> tuple[int, dict]:
    """A JSON request as an organiser; (status, body), an error status included."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {credential}", "Content-Type": "application/json"}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, {}


def booked_visit(site) -> tuple[str, str]:
    """A workshop whose three participants are booked on a visit; (event id, visit id) once
    registration has heard of all three bookings."""
    api, key = f"{site.registration}/api/v1", site.credential
    event = call("POST", f"{api}/events", key, WORKSHOP | {"capacity": 5, "verify_email": False})
    event_id = event[1]["id"]
    call("POST", f"{api}/events/{event_id}/publish", key)
    ids = []
    for n, person in enumerate(PEOPLE):
        body = {
            "email": f"p{n}@example.eu",
            "organisation": "Cluster Nord",
            "organisation_type": "sme",
            "country": "DE",
            "role": "sme",
            "consent": True,
        } | person
        ids.append(call("POST", f"{api}/events/{event_id}/registrations", key, body)[1]["id"])
    visits = f"{site.scheduling}/api/v1/events/{event_id}/visits"
    wait_until(lambda: call("GET", visits, key)[0] == 200, timeout=30)
    visit_id = call("POST", visits, key, STUDY_VISIT)[1]["id"]
    joins = f"{site.scheduling}/api/v1/visits/{visit_id}/participants"
    for registration_id in ids:
        body = {"registration_id": registration_id}
        wait_until(lambda body=body: call("POST", joins, key, body)[0] == 201, timeout=30)
    listed = f"{api}/visits/{visit_id}/participants"
    wait_until(lambda: call("GET", listed, key)[1].get("counts", {}).get("participants") == 3, 30)
    return event_id, visit_id


def fits_the_window(web: Browser) -> bool:
    return web.driver.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_the_planner_leads_to_the_participant_list_and_its_printout_for_the_host(
    live_platform, browser, screenshot
):
    web, site = Browser(browser), live_platform
    event_id, visit_id = booked_visit(site)
    web.open(f"{site.registration}/organiser/")
    web.login(site.credential)

    web.open(f"{site.scheduling}/organiser/events/{event_id}/visits")
    web.follow(f"#visit-{visit_id} a.participants-link")
    names = [cell.text for cell in web.all("#participants tbody td:first-child")]
    assert names == ["Ada Lovelace", "Bo Nilsson", "Zofia Nowak"]
    table = web.text("#participants")
    assert SCRIPT in table and "<b>Bold</b> & Co" in table and '=HYPERLINK("' in table
    assert web.driver.title != "owned"
    assert "Booked: 3 · dietary needs: 1 · accessibility needs: 2" in web.text("#needs-count")
    assert web.text("#seats") == "3 / 5"
    screenshot("visit-participants")

    web.follow("#print-link")
    assert web.all("header, nav") == []
    assert web.text("h1") == STUDY_VISIT["title"]
    assert "BioPilot" in web.text("#visit-header") and "Notes" in web.text("#participants thead")
    assert UNBROKEN in web.text("#participants") and fits_the_window(web)
    screenshot("visit-participants-print")
