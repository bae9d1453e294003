"""An exchange across scheduling, the broker and notifications to real SMTP: the host is
emailed the link to its page, accepts there, and the visitor is emailed the link to theirs."""

from __future__ import annotations

import re

import pytest

from tests.e2e.platform import running_platform
from tests.notifications.conftest import _smtp_server_session, smtp_server  # noqa: F401
from tests.scheduling.exchange_builders import exchange_body
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path):  # noqa: F811
    with running_platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path) as p:
        yield p


def _page_link(smtp, address: str) -> str:
    """The path of the exchange page linked from the latest email that reached ``address``."""

    def sent():
        for message in reversed(list(smtp.messages)):
            if address in str(message["To"]):
                body = message.get_body(("plain",)).get_content()
                return re.search(r"https?://[^/\s]+(?:/[^/\s]+)*?(/exchange/[\w-]+)", body).group(1)
        return None

    return wait_until(sent, timeout=60)


def test_the_host_and_the_visitor_reach_their_pages_from_their_emails(
    platform,
    smtp_server,  # noqa: F811
):
    scheduling = platform.client("scheduling")
    body = exchange_body(first_day="2031-06-02", last_day="2031-06-06")
    created = scheduling.post("/api/v1/exchanges", json=body, headers=platform.organiser())
    assert created.status_code == 201, created.json

    host_page = _page_link(smtp_server, "jonas@enerlab.example")
    assert host_page == f"/exchange/{created.json['host_token']}"
    page = scheduling.get(host_page).get_data(as_text=True)
    assert "Will you host this exchange?" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert scheduling.post(f"{host_page}/accept", data={"csrf_token": token}).status_code == 303

    visitor_page = _page_link(smtp_server, "ana@bioeco.example")
    assert visitor_page == f"/exchange/{created.json['visitor_token']}"
    assert "You are the visitor" in scheduling.get(visitor_page).get_data(as_text=True)
    subjects = sorted(str(m["Subject"]) for m in smtp_server.messages)
    assert subjects == [
        "Exchange accepted by EnerLab GmbH (DE)",
        "Exchange request: a visitor from BioEco Lda (PT)",
    ]


def _latest(smtp, address: str):
    def sent():
        return next((m for m in reversed(list(smtp.messages)) if address in str(m["To"])), None)

    return wait_until(sent, timeout=60)


def test_a_polish_host_is_asked_in_polish_and_a_portuguese_visitor_told_in_portuguese(
    platform,
    smtp_server,  # noqa: F811
):
    scheduling = platform.client("scheduling")
    body = exchange_body(first_day="2031-06-02", last_day="2031-06-06")
    body["host"]["language"], body["visitor"]["language"] = "pl", "pt"
    created = scheduling.post("/api/v1/exchanges", json=body, headers=platform.organiser())
    assert created.status_code == 201, created.json

    asked = _latest(smtp_server, "jonas@enerlab.example")
    assert str(asked["Subject"]) == "Prośba o wymianę: gość z BioEco Lda (PT)"
    text = asked.get_body(("plain",)).get_content()
    assert text.startswith("Dzień dobry, Jonas Weber,") and "2 czerwca 2031" in text
    host_page = f"/exchange/{created.json['host_token']}"
    page = scheduling.get(host_page).get_data(as_text=True)
    assert '<html lang="pl">' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert scheduling.post(f"{host_page}/accept", data={"csrf_token": token}).status_code == 303

    told = _latest(smtp_server, "ana@bioeco.example")
    assert str(told["Subject"]) == "Intercâmbio aceite por EnerLab GmbH (DE)"
    text = told.get_body(("plain",)).get_content()
    assert text.startswith("Olá, Ana Silva,") and "2 de junho de 2031" in text
    assert '<html lang="pt">' in told.get_body(("html",)).get_content()
