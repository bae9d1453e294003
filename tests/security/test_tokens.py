"""Every private token is at least 128 bits from the OS's CSPRNG (``secrets``)."""

from __future__ import annotations

import ast
import inspect
import math
import secrets
import string
import textwrap

import pytest

from services.registration.domain.model import Event as RegistrationEvent
from services.registration.service_layer import handlers as registration_handlers
from services.scheduling.domain import model as scheduling_model
from services.scheduling.domain import registrations as scheduling_registrations
from services.scheduling.domain import visits
from services.scheduling.exchanges.domain.model import Exchange
from shared import credentials
from shared.credentials import TOKEN_PREFIX, CredentialStore
from shared.pages import csrf, sessions
from tests.registration.conftest import event_body, person
from tests.scheduling.exchange_builders import EXCHANGE_ENV, exchange_body

URLSAFE = set(string.ascii_letters + string.digits + "-_")
MIN_BITS = 128

# Everything that mints a token someone could present: links, feeds, exchanges, credentials.
MINTERS = [
    registration_handlers.new_token,  # manage and feed tokens of a registration
    RegistrationEvent._offer,  # the single-use link of a waiting-list offer
    visits.new_token,  # scheduling's feed tokens (participants after rotation, hosts)
    Exchange.request,  # the visitor's and the host's exchange tokens
    CredentialStore.mint,  # organiser credentials
    csrf.csrf_token,  # the pages' CSRF token
    sessions.SqlSessionStore.open,  # the id of an organiser page session
    sessions.RedisSessionStore.open,
]


def bits(token: str) -> float:
    """Entropy of a random token by its length and alphabet (URL-safe base64: 6 bits a char)."""
    assert set(token) <= URLSAFE, token
    return len(token) * math.log2(len(URLSAFE))


def secrets_calls(function) -> list[ast.Call]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "secrets"
        and node.func.attr == "token_urlsafe"
    ]


@pytest.mark.parametrize("minter", MINTERS, ids=lambda f: f.__qualname__)
def test_token_minting_code_draws_at_least_16_bytes_from_secrets(minter):
    # (an organiser credential's *id*, secrets.token_hex(4), is a public label, not a secret)
    calls = secrets_calls(minter)

    assert calls, f"{minter.__qualname__} does not use secrets.token_urlsafe"
    assert inspect.getmodule(minter).secrets is secrets
    for call in calls:
        nbytes = call.args[0].value if call.args else 32  # the default is 32 bytes
        assert isinstance(nbytes, int) and nbytes * 8 >= MIN_BITS, ast.unparse(call)
    assert "random." not in inspect.getsource(minter)  # never the predictable PRNG


def test_the_modules_that_mint_share_the_audited_function():
    assert scheduling_registrations.new_token is visits.new_token
    assert scheduling_model.new_token is visits.new_token
    assert "new_token()" in inspect.getsource(visits.Host.rotate_token)
    assert "new_token()" in inspect.getsource(scheduling_registrations)


def test_minted_link_and_feed_tokens_are_long_and_distinct():
    tokens = [f() for f in (registration_handlers.new_token, visits.new_token) for _ in range(50)]

    assert len(set(tokens)) == len(tokens)
    assert all(len(t) >= 43 and bits(t) >= MIN_BITS for t in tokens)


def test_organiser_credentials_carry_at_least_128_random_bits(tmp_path):
    store = CredentialStore(tmp_path / "organisers.json")
    tokens = [store.mint(f"Organiser {n}")[1] for n in range(5)]

    assert len(set(tokens)) == 5
    for token in tokens:
        assert token.startswith(TOKEN_PREFIX)
        assert bits(token.removeprefix(TOKEN_PREFIX)) >= MIN_BITS
    stored = (tmp_path / "organisers.json").read_text()
    assert not any(t in stored or t.removeprefix(TOKEN_PREFIX) in stored for t in tokens)
    assert credentials.secrets is secrets


def test_manage_and_feed_tokens_handed_to_participants_are_long(make_service_app, credentials):
    client = make_service_app("registration").test_client()
    _, token = credentials.mint("Tess Organiser")
    bearer = {"Authorization": f"Bearer {token}"}
    event = client.post("/api/v1/events", json=event_body(), headers=bearer).json
    assert client.post(f"/api/v1/events/{event['id']}/publish", headers=bearer).status_code == 200

    seen = set()
    for n in range(3):
        created = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(n))
        assert created.status_code == 201, created.json
        manage = created.json["manage_url"].rsplit("/", 1)[-1]
        feed = created.json["feed"]["https"].rsplit("/", 1)[-1].removesuffix(".ics")
        assert bits(manage) >= MIN_BITS and bits(feed) >= MIN_BITS
        seen |= {manage, feed}
    assert len(seen) == 6


def test_exchange_party_tokens_are_long_and_distinct(make_service_app, credentials):
    client = make_service_app("scheduling", **EXCHANGE_ENV).test_client()
    _, token = credentials.mint("Tess Organiser")

    created = client.post(
        "/api/v1/exchanges", json=exchange_body(), headers={"Authorization": f"Bearer {token}"}
    )

    assert created.status_code == 201, created.json
    visitor, host = created.json["visitor_token"], created.json["host_token"]
    assert visitor != host
    assert bits(visitor) >= MIN_BITS and bits(host) >= MIN_BITS
