"""Registration: a manage link reaches only its own registration; no personal data leaks into
logs or error bodies."""

from __future__ import annotations

import json

from tests.registration.conftest import person

JANE = person(7, name="Jane Quixote-Ward", email="jane.quixote@example.org")
KARL = person(8, name="Karl Zimmermann-Oduya", email="karl.zimmermann@example.org")


def register(client, event_id, body):
    return client.post(f"/api/v1/events/{event_id}/registrations", json=body)


def token(created) -> str:
    return created.json["manage_url"].rsplit("/", 1)[-1]


def test_a_manage_token_reads_and_changes_only_its_own_registration(client, published_event):
    event = published_event(capacity=5)
    jane, karl = register(client, event["id"], JANE), register(client, event["id"], KARL)
    jane_token, karl_token = token(jane), token(karl)

    own = client.get(f"/api/v1/manage/{jane_token}")
    assert (own.json["id"], own.json["email"]) == (jane.json["id"], JANE["email"])
    assert KARL["email"] not in own.text and KARL["name"] not in own.text

    changed = client.patch(f"/api/v1/manage/{jane_token}", json={"dietary_needs": "vegan"})
    assert changed.json["id"] == jane.json["id"]
    cancelled = client.post(f"/api/v1/manage/{jane_token}/cancel")
    assert (cancelled.json["id"], cancelled.json["status"]) == (jane.json["id"], "cancelled")

    karl_now = client.get(f"/api/v1/manage/{karl_token}").json
    assert (karl_now["status"], karl_now["dietary_needs"]) == ("confirmed", None)


def test_ids_and_near_miss_tokens_open_nothing(client, published_event):
    event = published_event()
    karl = register(client, event["id"], KARL)
    karl_token = token(karl)
    near_misses = [
        karl.json["id"],  # the registration id is not a credential
        karl_token[:-1] + ("A" if karl_token[-1] != "A" else "B"),
        karl_token[:20],
        karl_token.upper(),
    ]

    for guess in near_misses:
        assert client.get(f"/api/v1/manage/{guess}").status_code == 404
        assert client.post(f"/api/v1/manage/{guess}/cancel").status_code == 404
        assert client.post(f"/api/v1/manage/{guess}/erase").status_code == 404
        assert client.get(f"/manage/{guess}").status_code == 404
    assert client.get(f"/api/v1/manage/{karl_token}").json["status"] == "confirmed"


def test_erasing_by_one_token_leaves_the_other_registration_intact(client, published_event):
    event = published_event()
    jane, karl = register(client, event["id"], JANE), register(client, event["id"], KARL)

    assert client.post(f"/api/v1/manage/{token(jane)}/erase").status_code == 204

    assert client.get(f"/api/v1/manage/{token(jane)}").status_code == 404
    assert client.get(f"/api/v1/manage/{token(karl)}").json["email"] == KARL["email"]


def test_error_bodies_do_not_echo_the_participants_name_or_email(client, published_event):
    event = published_event()
    assert register(client, event["id"], JANE).status_code == 201

    duplicate = register(client, event["id"], JANE)
    invalid = register(
        client, event["id"], {**KARL, "email": "karl.zimmermann@@example", "consent": False}
    )
    no_consent = register(client, event["id"], {**KARL, "consent": False})

    assert (duplicate.status_code, invalid.status_code) == (409, 422)
    assert no_consent.status_code == 422
    for response in (duplicate, invalid, no_consent):
        assert response.mimetype == "application/problem+json"
        body = response.text.lower()
        for value in (JANE["email"], JANE["name"], KARL["name"], "karl.zimmermann"):
            assert value.lower() not in body, (response.status_code, response.text)


def test_info_logs_of_a_registration_flow_carry_no_personal_data_or_tokens(
    client, published_event, organiser, capsys
):
    event = published_event(capacity=1)
    capsys.readouterr()  # only the participant's part of the flow from here on

    jane = register(client, event["id"], JANE)
    karl = register(client, event["id"], KARL)  # waitlisted
    register(client, event["id"], JANE)  # 409 duplicate
    register(client, event["id"], {**KARL, "email": "karl.zimmermann@@example"})  # 422
    secrets_in_play = [token(jane), token(karl), jane.json["feed"]["https"].rsplit("/", 1)[-1]]
    client.get(f"/api/v1/manage/{token(jane)}")
    client.patch(f"/api/v1/manage/{token(jane)}", json={"accessibility_needs": "wheelchair"})
    client.post(f"/api/v1/manage/{token(jane)}/cancel")  # Karl is promoted
    client.get(f"/api/v1/events/{event['id']}/registrations", headers=organiser)
    client.post(f"/api/v1/manage/{token(karl)}/erase")

    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    assert any(r["level"] == "INFO" for r in records)  # the flow was logged at all
    text = "\n".join(lines).lower()
    for value in (JANE["email"], JANE["name"], KARL["email"], KARL["name"], *secrets_in_play):
        assert value.lower() not in text, value
    assert "zimmermann" not in text and "quixote" not in text
