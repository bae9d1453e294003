"""Fixtures for the exchange API tests: an app with a programme period and holidays."""

from __future__ import annotations

import pytest

from tests.scheduling.exchange_builders import EXCHANGE_ENV, act, exchange_body, meeting_body


@pytest.fixture
def exchange_client(make_app):
    return make_app(**EXCHANGE_ENV).test_client()


@pytest.fixture
def exchange(exchange_client, organiser) -> dict:
    """A requested exchange, as its creation answered (with both tokens)."""
    response = exchange_client.post("/api/v1/exchanges", json=exchange_body(), headers=organiser)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def agreed_exchange(exchange_client, exchange) -> dict:
    """The exchange accepted, given one meeting, and confirmed by both sides."""
    client = exchange_client
    assert act(client, exchange, "accept", "host").status_code == 200
    assert act(client, exchange, "agenda", "host", **meeting_body()).status_code == 201
    assert act(client, exchange, "confirm", "visitor").status_code == 200
    assert act(client, exchange, "confirm", "host").json["status"] == "agreed"
    return exchange
