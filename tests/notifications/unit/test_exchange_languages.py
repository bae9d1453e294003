"""Each party of an exchange gets its emails in its own language: words, subjects and dates."""

from __future__ import annotations

import pytest

from services.notifications.adapters.postman import Postman, Sender
from tests.notifications import factories as f
from tests.notifications.unit.test_exchange_handlers import CONTACTS, exchange

SPOKEN = {
    "visitor": CONTACTS["visitor"] | {"language": "pt"},
    "host": CONTACTS["host"] | {"language": "pl"},
}


@pytest.fixture
def read(stored):
    """Each queued email as (subject, plain text) by recipient and kind."""
    postman = Postman(mailer=None, sender=Sender("x@cx.example.eu", "CX"))

    def emails() -> dict[tuple[str, str], tuple[str, str]]:
        found = {}
        for queued in stored():
            msg = postman.message(queued)
            text = msg.get_body(("plain",)).get_content()
            found[(queued.recipient_email, queued.kind)] = (str(msg["Subject"]), text)
        return found

    return emails


def news(kind: str, contacts=SPOKEN, **changes):
    payload = {"exchange": exchange(**changes), "actor": "host", "contacts": contacts}
    return f.envelope(kind, payload)


def test_a_polish_host_is_asked_in_polish(handle, read):
    handle(news("exchange.requested", status="requested", agenda=()))

    ((recipient, kind),) = read()
    subject, text = read()[(recipient, kind)]
    assert (recipient, kind) == ("jonas@enerlab.example", "exchange_requested")
    assert subject == "Prośba o wymianę: gość z BioEco (PT)"
    assert text.startswith("Dzień dobry, Jonas Weber,")
    assert "2 czerwca 2025" in text and "6 czerwca 2025" in text
    assert "Hello" not in text and "June" not in text


def test_a_portuguese_visitor_hears_of_the_acceptance_in_portuguese(handle, read):
    handle(news("exchange.accepted", status="accepted_by_host", agenda=()))

    subject, text = read()[("ana@bioeco.example", "exchange_accepted")]
    assert subject == "Intercâmbio aceite por EnerLab (DE)"
    assert text.startswith("Olá, Ana Silva,") and "2 de junho de 2025" in text


def test_the_agreed_agenda_reaches_each_party_in_its_language(handle, read):
    handle(news("exchange.agreed"))

    emails = read()
    _, host_text = emails[("jonas@enerlab.example", "exchange_agreed")]
    _, visitor_text = emails[("ana@bioeco.example", "exchange_agreed")]
    assert "wtorek, 3 czerwca 2025, 10:00–12:00 CEST: Kick-off, miejsce: EnerLab, Berlin" in (
        host_text
    )
    assert "4 czerwca 2025 – 5 czerwca 2025 (cały dzień): Battery park" in host_text
    assert "terça-feira, 3 de junho de 2025 10:00–12:00 +0200: Kick-off, em EnerLab" in (
        visitor_text
    )
    item_subject, _ = emails[("ana@bioeco.example", "exchange_item")]
    assert item_subject.startswith("Programa do intercâmbio: terça-feira, 3 de junho de 2025")


def test_contacts_without_a_language_are_written_to_in_english(handle, read):
    handle(news("exchange.accepted", contacts=CONTACTS, status="accepted_by_host", agenda=()))

    subject, text = read()[("ana@bioeco.example", "exchange_accepted")]
    assert subject == "Exchange accepted by EnerLab (DE)"
    assert "2 June 2025 to 6 June 2025" in text
