"""Public registration is double opt-in, tells nothing about who is registered, and holds."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.registration.adapters.orm import outbox, registrations
from services.registration.service_layer import handlers
from shared.credentials import CredentialStore
from tests.registration.conftest import event_body, person

NEUTRAL = {
    "status": "accepted",
    "detail": "Check your inbox: we have sent you a link to confirm your registration.",
}


@pytest.fixture(params=["postgresql", "sqlite"])
def backend_env(request, env, tmp_path):
    """The registration service on PostgreSQL and on SQLite."""
    if request.param == "sqlite":
        return env | {"REGISTRATION_DATABASE_URL": f"sqlite:///{tmp_path / 'reg.db'}"}
    return env


@pytest.fixture
def app(backend_env, clock):
    from services.registration.bootstrap import bootstrap
    from services.registration.entrypoints.flask_app import create_app

    bootstrap(backend_env, clock, migrate=True).infrastructure.engine.dispose()
    flask_app = create_app(backend_env, clock)
    yield flask_app
    flask_app.extensions["container"].infrastructure.engine.dispose()


@pytest.fixture
def organiser(backend_env) -> dict[str, str]:
    _, token = CredentialStore(backend_env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess Organiser")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def open_event(client, organiser):
    """A published event that verifies addresses (the default), with the given overrides."""

    def make(**overrides) -> dict:
        body = event_body(**overrides)
        del body["verify_email"]  # the default: verified public registration
        created = client.post("/api/v1/events", json=body, headers=organiser)
        assert created.status_code == 201, created.get_json()
        client.post(f"/api/v1/events/{created.json['id']}/publish", headers=organiser)
        return created.json

    return make


def _post(client, event_id, n, query="", **overrides):
    url = f"/api/v1/events/{event_id}/registrations{query}"
    return client.post(url, json=person(n, **overrides))


def _messages(app, kind: str | None = None) -> list[tuple[str, dict]]:
    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        rows = db.execute(select(outbox.c.message_type, outbox.c.body).order_by(outbox.c.id))
        found = [(t, json.loads(b)["payload"]) for t, b in rows]
    return [(t, p) for t, p in found if kind is None or t == kind]


def _verify_link(app, email: str) -> str:
    """The token of the last verification email sent to ``email``."""
    asked = _messages(app, "registration.verification_requested")
    urls = [p["verify_url"] for _t, p in asked if p["participant"]["email"] == email]
    return urls[-1].rsplit("/", 1)[1]


def _rows(app) -> list[dict]:
    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        query = select(registrations).order_by(registrations.c.queue_number)
        return [dict(row._mapping) for row in db.execute(query)]


def _expire(app) -> int:
    container = app.extensions["container"]
    return handlers.expire_holds(container.uow(), container.clock)


def test_an_event_verifies_public_registrations_unless_told_otherwise(open_event):
    assert open_event()["verify_email"] is True


def test_a_public_registration_answers_202_with_a_neutral_body_and_sends_a_link(
    client, app, open_event
):
    event = open_event()
    response = _post(client, event["id"], 1)
    assert response.status_code == 202
    assert response.json == NEUTRAL
    assert "manage" not in response.get_data(as_text=True)
    assert [t for t, _p in _messages(app)] == [
        "event.published",
        "registration.verification_requested",
    ]
    asked = _messages(app, "registration.verification_requested")[0][1]
    assert asked["participant"]["email"] == "p1@example.org"
    assert asked["verify_url"].startswith("https://reg.example.test/verify/")
    assert "manage_url" not in asked


def test_verification_reveals_the_real_state_and_only_then_the_manage_link(client, app, open_event):
    event = open_event(capacity=1)
    _post(client, event["id"], 1)
    _post(client, event["id"], 2)
    first = client.post(f"/api/v1/verify/{_verify_link(app, 'p1@example.org')}")
    second = client.post(f"/api/v1/verify/{_verify_link(app, 'p2@example.org')}")
    assert (first.status_code, first.json["status"]) == (200, "confirmed")
    assert second.json["status"] == "waitlisted"
    assert second.json["waitlist_position"] == 1
    manage = client.get(f"/api/v1/manage/{first.json['manage_url'].rsplit('/', 1)[1]}")
    assert manage.json["email"] == "p1@example.org"
    downstream = [t for t, _p in _messages(app) if t.startswith("registration.")]
    assert downstream[-2:] == ["registration.confirmed", "registration.waitlisted"]


def test_held_seats_are_shown_apart_from_confirmed_ones(client, app, open_event):
    event = open_event(capacity=3)
    _post(client, event["id"], 1)
    _post(client, event["id"], 2)
    client.post(f"/api/v1/verify/{_verify_link(app, 'p1@example.org')}")
    seats = client.get(f"/api/v1/events/{event['id']}").json["seats"]
    assert (seats["confirmed"], seats["held"], seats["seats_left"]) == (1, 1, 1)


def test_twenty_unverified_registrations_release_their_seats_and_the_queue_moves_up(
    client, app, clock, open_event
):
    event = open_event(capacity=20)
    bodies = [_post(client, event["id"], n) for n in range(20)]
    clock.advance(minutes=5)
    waiting = [_post(client, event["id"], n) for n in range(20, 23)]
    for n in range(20, 23):
        client.post(f"/api/v1/verify/{_verify_link(app, f'p{n}@example.org')}")
    answers = bodies + waiting
    assert {r.status_code for r in answers} == {202}
    assert all("manage" not in r.get_data(as_text=True) for r in answers)
    assert client.get(f"/api/v1/events/{event['id']}").json["seats"]["held"] == 20

    clock.advance(minutes=26)  # the first twenty's 30 minutes are up
    assert _expire(app) == 20

    seats = client.get(f"/api/v1/events/{event['id']}").json["seats"]
    assert (seats["confirmed"], seats["held"], seats["waitlisted"]) == (3, 0, 0)
    assert seats["seats_left"] == 17
    promoted = [p["participant"]["email"] for _t, p in _messages(app, "registration.promoted")]
    assert promoted == ["p20@example.org", "p21@example.org", "p22@example.org"]
    expired = [r for r in _rows(app) if r["status"] == "expired"]
    assert len(expired) == 20
    assert all(r["email"].endswith("@invalid") and r["name"] == "[erased]" for r in expired)
    assert len(_messages(app, "registration.expired")) == 20
    assert all(
        set(p) == {"registration_id", "event_id", "expired_at"}
        for _t, p in _messages(app, "registration.expired")
    )


def test_a_duplicate_gets_the_same_answer_and_the_registrant_one_reminder(client, app, open_event):
    event = open_event()
    new = _post(client, event["id"], 1)
    client.post(f"/api/v1/verify/{_verify_link(app, 'p1@example.org')}")
    again = [_post(client, event["id"], 1, name="Someone Else") for _ in range(3)]
    for answer in again:
        assert (answer.status_code, answer.get_data()) == (new.status_code, new.get_data())
        assert answer.headers["Content-Type"] == new.headers["Content-Type"]
    reminders = _messages(app, "registration.already_registered")
    assert len(reminders) == 1
    assert reminders[0][1]["participant"]["name"] == "Participant B"
    assert reminders[0][1]["manage_url"].startswith("https://reg.example.test/manage/")


def test_an_address_gets_at_most_three_verification_emails_a_day(client, app, clock, open_event):
    event = open_event()
    answers = [_post(client, event["id"], 1) for _ in range(5)]
    assert {a.status_code for a in answers} == {202}
    assert len(_messages(app, "registration.verification_requested")) == 3
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "cx_registration_verification_emails_withheld 2.0" in metrics
    clock.advance(days=1, minutes=1)
    _expire(app)
    _post(client, event["id"], 1)
    assert len(_messages(app, "registration.verification_requested")) == 4


def test_a_replayed_link_is_refused_and_changes_nothing(client, app, open_event):
    event = open_event()
    _post(client, event["id"], 1)
    token = _verify_link(app, "p1@example.org")
    assert client.post(f"/api/v1/verify/{token}").status_code == 200
    before = (_rows(app), _messages(app))
    replay = client.post(f"/api/v1/verify/{token}")
    assert replay.status_code == 409
    assert replay.headers["Content-Type"] == "application/problem+json"
    assert "manage" not in replay.get_data(as_text=True)
    assert (_rows(app), _messages(app)) == before


def test_a_wrong_token_is_a_404_problem(client, app, open_event):
    event = open_event()
    _post(client, event["id"], 1)
    before = _rows(app)
    wrong = client.post("/api/v1/verify/not-a-token")
    assert wrong.status_code == 404
    assert wrong.headers["Content-Type"] == "application/problem+json"
    assert _rows(app) == before


def test_an_expired_link_is_gone_before_and_after_the_expiry_pass(client, app, clock, open_event):
    event = open_event()
    _post(client, event["id"], 1)
    token = _verify_link(app, "p1@example.org")
    clock.advance(minutes=30)
    before = _rows(app)
    late = client.post(f"/api/v1/verify/{token}")
    assert late.status_code == 410
    assert late.headers["Content-Type"] == "application/problem+json"
    assert _rows(app) == before
    _expire(app)
    assert client.post(f"/api/v1/verify/{token}").status_code == 410


def test_verification_racing_its_own_expiry_has_exactly_one_outcome(client, app, clock, open_event):
    event = open_event(capacity=1)
    _post(client, event["id"], 1)
    token = _verify_link(app, "p1@example.org")
    clock.advance(minutes=29, seconds=59)
    container = app.extensions["container"]
    outcomes: list[object] = []

    def verify():
        try:
            outcomes.append(handlers.verify(token, container.uow(), container.clock))
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes.append(exc)

    def expire():
        clock_later = lambda: container.clock() + timedelta(seconds=2)  # noqa: E731
        outcomes.append(handlers.expire_holds(container.uow(), clock_later))

    threads = [threading.Thread(target=verify), threading.Thread(target=expire)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (row,) = _rows(app)
    verified = any(not isinstance(o, (Exception, int)) for o in outcomes)
    expired = 1 in outcomes
    assert verified != expired
    assert row["status"] == ("confirmed" if verified else "expired")
    assert (row["verified_at"] is not None) == verified


def test_names_are_letters_and_a_few_marks_only(client, open_event):
    event = open_event()
    for bad in ("Hi! Visit http://evil.test/reset now", "<b>Ana</b>", "Ana\nBcc", "x" * 101, "..."):
        answer = _post(client, event["id"], 1, name=bad)
        assert answer.status_code == 422, bad
        assert "name" in answer.json["errors"]["json"]
    for good in ("José Müller-O'Brien", "Dr. Ana Łukasiewicz", "Nguyễn Thị Minh", "李小龍"):
        assert (
            _post(client, event["id"], 1, name=good, email=f"{len(good)}@x.org").status_code == 202
        )


def test_an_organiser_registers_without_verification(client, app, organiser, open_event):
    event = open_event()
    url = f"/api/v1/events/{event['id']}/registrations"
    created = client.post(url, json=person(1), headers=organiser)
    assert created.status_code == 201
    assert created.json["status"] == "confirmed"
    assert created.json["manage_url"].startswith("https://reg.example.test/manage/")
    assert not _messages(app, "registration.verification_requested")
    assert _messages(app, "registration.confirmed")


def test_a_partner_code_claims_a_quota_seat_and_a_partner_name_does_not(
    client, app, organiser, open_event
):
    quota = {"partner": "Cluster A", "seats": 1, "release_at": "2027-04-01T00:00:00+00:00"}
    event = open_event(capacity=2, quotas=[quota])
    code = event["claim_codes"]["Cluster A"]
    assert len(code) >= 22  # >= 128 bits, url-safe base64
    public = client.get(f"/api/v1/events/{event['id']}").json
    assert "Cluster A" not in json.dumps(public)
    assert public["seats"]["reserved"] == 1
    assert client.get(f"/api/v1/events/{event['id']}", headers=organiser).json["quotas"]

    for n, extra in ((1, {}), (2, {"partner": "Cluster A"})):
        _post(client, event["id"], n, **extra)
        client.post(f"/api/v1/verify/{_verify_link(app, f'p{n}@example.org')}")
    statuses = [(r["email"], r["status"], r["partner"]) for r in _rows(app)]
    assert statuses == [
        ("p1@example.org", "confirmed", None),
        ("p2@example.org", "waitlisted", None),
    ]

    _post(client, event["id"], 3, query=f"?partner_code={code}")
    claimed = client.post(f"/api/v1/verify/{_verify_link(app, 'p3@example.org')}")
    assert claimed.json["status"] == "confirmed"
    assert _rows(app)[-1]["partner"] == "Cluster A"


def test_a_rotated_partner_code_stops_working(client, app, organiser, open_event):
    quota = {"partner": "Cluster A", "seats": 2, "release_at": "2027-04-01T00:00:00+00:00"}
    event = open_event(capacity=3, quotas=[quota])
    old = event["claim_codes"]["Cluster A"]
    rotated = client.post(f"/api/v1/events/{event['id']}/quotas/Cluster A/code", headers=organiser)
    assert rotated.status_code == 200
    new = rotated.json["claim_code"]
    assert new != old
    refused = _post(client, event["id"], 1, partner_code=old)
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert _post(client, event["id"], 2, partner_code=new).status_code == 202
    assert [r["partner"] for r in _rows(app)] == ["Cluster A"]
