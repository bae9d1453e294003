"""Registration: a page action's ``back`` field never sends the organiser off site."""

from __future__ import annotations

import pytest

from shared.credentials import CredentialStore
from tests.registration.conftest import person
from tests.security.test_redirects import csrf_of, stays_on_site


@pytest.mark.parametrize("back", ["//evil.test", "/\t/evil.test", "https://evil.test", "/\\e.test"])
def test_a_refused_action_with_an_off_site_back_redirects_on_this_site(
    client, env, published_event, back
):
    event = published_event(capacity=5)
    confirmed = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(1)).json
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Ana")
    token = csrf_of(client.get("/organiser/login").get_data(as_text=True))
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})

    # approving a confirmed registration is refused, and the page goes "back"
    response = client.post(
        f"/organiser/registrations/{confirmed['id']}/approve",
        data={"csrf_token": token, "back": back},
    )

    assert response.status_code == 303
    assert stays_on_site(response.headers["Location"]), response.headers["Location"]
