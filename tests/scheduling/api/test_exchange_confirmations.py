"""Removing an agenda item and the host declining ask first: the confirmation page names what
happens and who is emailed, and only its form acts."""

from __future__ import annotations

import re

import pytest

from tests.scheduling.api import test_exchange_pages as exchange_pages
from tests.scheduling.api.test_exchange_pages import csrf, item_form, post, text

pytestmark = pytest.mark.integration
# the exchange pages' fixtures: the app, a logged-in organiser, a request, a party's browser
app, organiser_page = exchange_pages.app, exchange_pages.organiser_page
requested, party = exchange_pages.requested, exchange_pages.party


def status(client, detail: str) -> str:
    return re.search(
        r'id="exchange-status">\s*<span class="badge[^"]*">([^<]+)<', text(client.get(detail))
    ).group(1)


@pytest.fixture
def with_item(party, requested) -> dict[str, str]:
    """The exchange accepted, with one agenda item proposed by the host: its remove paths."""
    assert post(party, f"{requested['host']}/accept").status_code == 303
    assert post(party, f"{requested['host']}/agenda", **item_form(title="Intro")).status_code == 303
    page = text(party.get(requested["host"]))
    host_remove = re.search(r'<form method="get" action="([^"]+/remove)"', page).group(1)
    return requested | {"host_remove": host_remove}


def test_the_hosts_remove_button_opens_a_confirmation_naming_who_is_emailed(party, with_item):
    page = text(party.get(with_item["host_remove"]))

    assert "Remove “Intro” from the agenda?" in page
    assert "Ana Silva (visitor) and Jonas Weber (host)" in page
    assert "both sides are asked to confirm the agenda again" in page
    assert 'name="reason"' not in page  # the agenda news carries no reason
    assert f'href="{with_item["host"]}"' in page and "Intro" in text(party.get(with_item["host"]))


def test_only_the_confirmed_form_removes_the_item(party, with_item, outbox_messages):
    assert post(party, with_item["host_remove"]).status_code == 200  # an old form: asks again
    assert "Intro</strong>" in text(party.get(with_item["host"]))

    assert post(party, with_item["host_remove"], confirmed="yes").status_code == 303
    assert "Intro</strong>" not in text(party.get(with_item["host"]))
    assert outbox_messages()[-1][0] == "exchange.agenda_proposed"


def test_the_organisers_remove_asks_first_too(client, with_item):
    page = text(client.get(with_item["detail"]))
    remove = re.search(r'<form method="get" action="([^"]+/remove)"', page).group(1)

    assert "Remove “Intro” from the agenda?" in text(client.get(remove))
    assert "Intro</strong>" in text(client.get(with_item["detail"]))
    client.post(remove, data={"csrf_token": csrf(client), "confirmed": "yes"})
    assert "Intro</strong>" not in text(client.get(with_item["detail"]))


def test_removing_an_unknown_item_is_a_404(party, with_item):
    unknown = with_item["host_remove"].rsplit("/", 2)[0] + "/no-such-item/remove"

    assert party.get(unknown).status_code == 404


def test_the_hosts_decline_button_opens_a_confirmation_with_a_reason(client, party, requested):
    page = text(party.get(requested["host"]))
    assert f'<form method="get" action="{requested["host"]}/reject"' in page

    confirmation = text(party.get(f"{requested['host']}/reject"))

    assert "Decline the exchange of Ana Silva?" in confirmation
    assert "Nobody: no email is sent." in confirmation
    assert 'name="reason"' in confirmation and "shown on the exchange, not emailed" in confirmation
    assert status(client, requested["detail"]) == "requested"


def test_only_the_confirmed_decline_closes_the_exchange_with_its_reason(
    client, party, requested, outbox_messages
):
    url = f"{requested['host']}/reject"
    assert post(party, url, reason="No staff").status_code == 200
    assert status(client, requested["detail"]) == "requested"

    assert post(party, url, reason="No staff in May", confirmed="yes").status_code == 303
    assert status(client, requested["detail"]) == "rejected"
    kind, payload = outbox_messages()[-1]
    assert (kind, payload["reason"]) == ("exchange.rejected", "No staff in May")


def test_the_decline_confirmation_speaks_the_hosts_language(
    client, organiser_page, party, outbox_messages
):
    form = exchange_pages.request_form(organiser_page, **{"host.language": "de"})
    assert client.post("/organiser/exchanges", data=form).status_code == 303
    host = exchange_pages.path(exchange_pages.links(outbox_messages, "exchange.requested")["host"])

    page = text(party.get(f"{host}/reject"))

    assert '<html lang="de">' in page and "Austausch ablehnen" in page
