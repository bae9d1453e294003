"""The exchange workspace through the Flask test client: the organiser's pages and the parties'
pages reached from their emails' links (token guard, lifecycle, agenda, attendance, KPIs)."""

from __future__ import annotations

import re

import pytest

from shared.credentials import CredentialStore
from tests.scheduling.exchange_builders import EXCHANGE_ENV, HOST, VISITOR

pytestmark = pytest.mark.integration
HOSTILE = '<script>alert("x")</script>'


@pytest.fixture
def app(make_app):
    return make_app(**EXCHANGE_ENV)


def csrf(client) -> str:
    page = client.get("/organiser/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


@pytest.fixture
def organiser_page(client, env) -> str:
    """The client logged in as an organiser; returns its CSRF token."""
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client)
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    return token


def request_form(token: str, **overrides: str) -> dict[str, str]:
    form = {"csrf_token": token, "goals": "Learn grid-scale storage"}
    form |= {"first_day": "2026-05-04", "last_day": "2026-05-08", "timezone": "Europe/Berlin"}
    for side, party in (("visitor", VISITOR), ("host", HOST)):
        for key in ("name", "email", "organisation", "cluster", "country", "sector"):
            form[f"{side}.{key}"] = getattr(party, key)
        if party.sme:
            form[f"{side}.sme"] = "true"
    return form | overrides


def links(outbox_messages, kind: str) -> dict[str, str]:
    """The page link each party's email carries, from the latest message of this kind."""
    payload = [p for k, p in outbox_messages() if k == kind][-1]
    return {side: contact["page_url"] for side, contact in payload["contacts"].items()}


def path(url: str) -> str:
    """The page's path on this app (the public URL may put the service under a prefix)."""
    return "/exchange/" + url.split("/exchange/", 1)[1]


@pytest.fixture
def requested(client, organiser_page, outbox_messages) -> dict[str, str]:
    """An exchange requested on the organiser's page: its detail path and both parties' pages."""
    response = client.post("/organiser/exchanges", data=request_form(organiser_page))
    assert response.status_code == 303, response.get_data(as_text=True)
    pages = {side: path(url) for side, url in links(outbox_messages, "exchange.requested").items()}
    return pages | {"detail": response.headers["Location"]}


@pytest.fixture
def party(app):
    """Another browser: the visitor or host following their email's link."""
    browser = app.test_client()
    browser.csrf = csrf(browser)
    return browser


def post(client, url: str, **form: str):
    return client.post(url, data={"csrf_token": client.csrf} | form)


def item_form(**overrides: str) -> dict[str, str]:
    form = {"title": "Kick-off", "kind": "meeting", "place": "EnerLab, Berlin"}
    return form | {"day": "2026-05-05", "start_time": "10:00", "end_time": "12:00"} | overrides


def agree(party, pages) -> None:
    assert post(party, f"{pages['host']}/accept").status_code == 303
    assert post(party, f"{pages['host']}/agenda", **item_form()).status_code == 303
    assert post(party, f"{pages['visitor']}/confirm").status_code == 303
    assert post(party, f"{pages['host']}/confirm").status_code == 303


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_exchange_pages_need_an_organiser_login(client):
    for url in ("/organiser/exchanges", "/organiser/exchanges/new", "/organiser/exchanges/kpis"):
        assert client.get(url).headers["Location"].startswith("/organiser/login")


def test_an_organiser_requests_an_exchange_and_the_host_is_sent_a_link_to_its_page(
    client, requested, outbox_messages
):
    page = text(client.get(requested["detail"]))
    assert "EnerLab GmbH" in page and "requested" in page and "5 working days" in page
    kind, payload = outbox_messages()[-1]
    assert kind == "exchange.requested"
    assert requested["host"].startswith("/exchange/") and requested["host"] != requested["visitor"]
    assert requested["host"] not in page and requested["visitor"] not in page


def test_an_invalid_request_form_shows_each_fields_error(client, organiser_page):
    form = request_form(organiser_page, **{"visitor.email": "nope", "host.country": "Germany"})
    response = client.post("/organiser/exchanges", data=form)
    assert response.status_code == 422
    assert 'aria-invalid="true" aria-describedby="f-visitor-email-error"' in text(response)
    assert "ISO 3166" in text(response)


def test_an_ineligible_request_is_refused_with_the_rule_it_breaks(client, organiser_page):
    form = request_form(organiser_page, first_day="2026-05-13", last_day="2026-05-15")
    response = client.post("/organiser/exchanges", data=form)
    assert response.status_code == 422 and "at least 3 working days" in text(response)


def test_the_list_filters_by_status_country_and_dates(client, requested):
    def listed(**query: str) -> bool:
        return "Ana Silva" in text(client.get("/organiser/exchanges", query_string=query))

    assert listed() and listed(status="requested") and not listed(status="agreed")
    assert listed(country="DE") and listed(country="PT") and not listed(country="FR")
    assert listed(start="2026-05-08") and not listed(start="2026-05-09")
    assert listed(end="2026-05-04") and not listed(end="2026-05-03")


def test_a_bad_filter_is_a_422_naming_the_filter(client, organiser_page):
    response = client.get("/organiser/exchanges", query_string={"status": "lost", "start": "x"})
    assert response.status_code == 422
    assert 'id="f-status-error"' in text(response) and 'id="f-start-error"' in text(response)


def test_the_host_accepts_from_its_page_and_the_visitor_gets_its_own_link(
    party, requested, outbox_messages
):
    page = text(party.get(requested["host"]))
    assert "Will you host this exchange?" in page and "You are the host contact" in page
    assert post(party, f"{requested['host']}/accept").status_code == 303
    told = links(outbox_messages, "exchange.accepted")
    assert path(told["visitor"]) == requested["visitor"]
    visitor_page = text(party.get(requested["visitor"]))
    assert "You are the visitor" in visitor_page and "accepted by the host" in visitor_page
    assert "Will you host" not in visitor_page


def test_the_host_declines_with_a_reason_the_organiser_sees(client, party, requested):
    post(party, f"{requested['host']}/reject", reason="No staff in May", confirmed="yes")
    page = text(client.get(requested["detail"]))
    assert "rejected" in page and "No staff in May" in page


def test_both_parties_confirm_the_agenda_and_subscribe_to_their_own_feed(
    party, requested, outbox_messages
):
    agree(party, requested)
    page = text(party.get(requested["visitor"]))
    assert "agreed" in page and "Kick-off" in page
    visitor_token = requested["visitor"].removeprefix("/exchange/")
    host_token = requested["host"].removeprefix("/exchange/")
    assert f"/scheduling/feeds/exchanges/visitor/{visitor_token}.ics" in page
    assert 'href="webcal://calendar.example.eu/scheduling/feeds/exchanges/visitor/' in page
    assert "outlook.live.com" in page and "calendar.google.com" in page
    assert host_token not in page
    assert outbox_messages()[-1][0] == "exchange.agreed"


def test_a_proposed_item_is_news_for_both_parties(party, requested, outbox_messages):
    post(party, f"{requested['host']}/accept")
    post(party, f"{requested['host']}/agenda", **item_form())
    assert set(links(outbox_messages, "exchange.agenda_proposed")) == {"visitor", "host"}


def test_the_host_edits_an_agreed_item_and_both_are_told(party, requested, outbox_messages):
    agree(party, requested)
    page = text(party.get(requested["host"]))
    edit = re.search(r'href="(/exchange/[^"]+/agenda/[^"]+)"', page).group(1)
    assert "Kick-off" in text(party.get(edit))
    response = post(
        party, edit, **item_form(title="Storage lab tour", start_time="14:00", end_time="15:00")
    )
    assert response.status_code == 303
    assert "Storage lab tour" in text(party.get(requested["visitor"]))
    assert set(links(outbox_messages, "exchange.itinerary_changed")) == {"visitor", "host"}


def test_an_agenda_item_on_a_weekend_gets_a_warning(client, organiser_page, party, outbox_messages):
    form = request_form(organiser_page, first_day="2026-06-01", last_day="2026-06-12")
    detail = client.post("/organiser/exchanges", data=form).headers["Location"]
    host = path(links(outbox_messages, "exchange.requested")["host"])
    post(party, f"{host}/accept")
    post(party, f"{host}/agenda", **item_form(day="2026-06-03", title="Wednesday"))
    assert "non-working day" not in text(party.get(host))
    post(party, f"{host}/agenda", **item_form(day="2026-06-06", title="Saturday"))
    for page in (text(party.get(host)), text(client.get(detail))):
        assert page.count("non-working day") == 1
        assert "On a non-working day (weekend or public holiday): 2026-06-06" in page


def test_an_agenda_item_outside_the_exchange_is_refused_on_the_page(party, requested):
    post(party, f"{requested['host']}/accept")
    refused = post(party, f"{requested['host']}/agenda", **item_form(day="2026-05-09"))
    assert refused.status_code == 422 and "within the exchange" in text(refused)


def test_a_visitor_token_cannot_do_what_only_the_host_may(party, requested):
    response = post(party, f"{requested['visitor']}/accept")
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "only the host" in text(response)


def test_an_unknown_or_forged_token_reaches_nothing(party, requested):
    for url in ("/exchange/nobody-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "/exchange/%3Cx%3E"):
        response = party.get(url)
        assert response.status_code == 404 and "Ana Silva" not in text(response)
        assert response.headers["Cache-Control"] == "no-store"
        assert post(party, f"{url}/accept").status_code == 404


def test_a_party_cannot_reach_another_exchanges_agenda_item(
    client, organiser_page, party, requested, outbox_messages
):
    agree(party, requested)
    page = text(party.get(requested["host"]))
    item_path = re.search(r'href="/exchange/[^"]+(/agenda/[^"]+)"', page).group(1)
    form = request_form(organiser_page, **{"visitor.email": "bo@other.example"})
    form |= {"first_day": "2026-06-01", "last_day": "2026-06-05"}
    client.post("/organiser/exchanges", data=form)
    other = path(links(outbox_messages, "exchange.requested")["host"])
    post(party, f"{other}/accept")
    assert party.get(f"{other}{item_path}").status_code == 404
    june = item_form(day="2026-06-02")
    assert post(party, f"{other}{item_path}", **june).status_code == 404


def test_a_bad_transition_is_a_clear_409_on_the_page(party, requested):
    post(party, f"{requested['host']}/accept")
    again = post(party, f"{requested['host']}/accept")
    assert again.status_code == 409 and "the exchange is accepted_by_host" in text(again)
    empty = post(party, f"{requested['visitor']}/confirm")
    assert empty.status_code == 409 and "the agenda is empty" in text(empty)


def test_cancelling_asks_first_names_who_is_emailed_and_sends_the_reason(
    client, requested, outbox_messages
):
    page = text(client.get(f"{requested['detail']}/cancel"))
    assert "Ana Silva (visitor) and Jonas Weber (host) will be emailed" in page
    assert outbox_messages()[-1][0] == "exchange.requested"
    response = client.post(
        f"{requested['detail']}/cancel", data={"csrf_token": csrf(client), "reason": "Budget"}
    )
    assert response.status_code == 303
    kind, payload = outbox_messages()[-1]
    assert (kind, payload["reason"]) == ("exchange.cancelled", "Budget")
    again = client.post(f"{requested['detail']}/cancel", data={"csrf_token": csrf(client)})
    assert again.status_code == 409


def test_a_party_cancels_through_its_own_confirmation_page(party, requested, outbox_messages):
    assert "will be emailed" in text(party.get(f"{requested['visitor']}/cancel"))
    post(party, f"{requested['visitor']}/cancel", reason="Ill")
    assert outbox_messages()[-1][1]["actor"] == "visitor"


def test_attendance_dates_before_the_start_date_are_refused(client, party, requested):
    agree(party, requested)
    token = csrf(client)
    early = client.post(
        f"{requested['detail']}/attendance",
        data={"csrf_token": token, "days": ["2026-05-01", "2026-05-04"]},
    )
    assert early.status_code == 422 and "before the start date (2026-05-04)" in text(early)
    forged = client.post(
        f"{requested['detail']}/attendance", data={"csrf_token": token, "days": "x"}
    )
    assert forged.status_code == 422
    days = ["2026-05-04", "2026-05-05", "2026-05-06", "2026-05-07"]
    done = client.post(
        f"{requested['detail']}/attendance", data={"csrf_token": token, "days": days}
    )
    assert done.status_code == 303
    page = text(client.get(requested["detail"]))
    assert "completed" in page and "4 of 5 working days" in page


def test_the_organiser_adds_and_removes_an_agenda_item(client, party, requested):
    post(party, f"{requested['host']}/accept")
    token = csrf(client)
    added = client.post(
        f"{requested['detail']}/agenda", data={"csrf_token": token} | item_form(title="Intro")
    )
    assert added.status_code == 303
    page = text(client.get(requested["detail"]))
    remove = re.search(r'<form method="get" action="([^"]+/remove)"', page).group(1)
    client.post(remove, data={"csrf_token": token, "confirmed": "yes"})
    assert "Intro" not in text(client.get(requested["detail"]))


def test_an_invalid_agenda_item_shows_the_schemas_errors(party, requested):
    post(party, f"{requested['host']}/accept")
    response = post(party, f"{requested['host']}/agenda", **item_form(title="", kind="party"))
    assert response.status_code == 422 and 'id="f-title-error"' in text(response)


def test_hostile_text_in_every_field_is_rendered_escaped(
    client, organiser_page, party, outbox_messages
):
    form = request_form(organiser_page, goals=HOSTILE)
    for side in ("visitor", "host"):
        for key in ("name", "organisation", "cluster", "sector"):
            form[f"{side}.{key}"] = f"{HOSTILE} {key}"
    detail = client.post("/organiser/exchanges", data=form).headers["Location"]
    pages = {side: path(url) for side, url in links(outbox_messages, "exchange.requested").items()}
    post(party, f"{pages['host']}/accept")
    post(party, f"{pages['host']}/agenda", **item_form(title=HOSTILE, place=HOSTILE, notes=HOSTILE))
    urls = [detail, "/organiser/exchanges", "/organiser/exchanges/kpis", f"{detail}/cancel"]
    for response in [client.get(url) for url in urls] + [party.get(p) for p in pages.values()]:
        assert response.status_code == 200
        assert "<script>" not in text(response) and "&lt;script&gt;" in text(response)


def test_the_kpis_are_a_table_and_an_svg_chart_of_the_same_figures(client, party, requested):
    post(party, f"{requested['host']}/accept")
    page = text(client.get("/organiser/exchanges/kpis"))
    assert page.count('<svg class="chart" role="img"') == 4
    assert '<table class="kpi-table" id="table-visitor_countries">' in page
    table = page.split('id="table-visitor_countries"')[1].split("</table>")[0]
    assert '<th scope="row">PT</th><td>1</td>' in table
    assert "<script" not in page


def test_the_exchange_pages_speak_the_browsers_language(client, party, requested):
    german = {"Accept-Language": "de"}
    assert "Austausch anfragen" in text(client.get("/organiser/exchanges", headers=german))
    party.set_cookie(
        "cx_language", "fr"
    )  # a party's page speaks its party's language unless switched
    page = text(party.get(requested["host"], headers={"Accept-Language": "de"}))
    assert "Accueillerez-vous cet échange ?" in page and "Ajouter à Outlook" in page
