"""Organisers create, edit, publish and cancel events over HTTP."""

import json

from sqlalchemy import select

from services.registration.adapters.orm import outbox
from tests.registration.conftest import event_body, person


def _outbox_types(app) -> list[str]:
    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        return list(db.execute(select(outbox.c.message_type).order_by(outbox.c.id)).scalars())


def test_writing_without_an_organiser_credential_is_refused_with_401(client):
    response = client.post("/api/v1/events", json=event_body())
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.post(
        "/api/v1/events", json=event_body(), headers={"Authorization": "Bearer cxo_forged"}
    )
    assert bad.status_code == 401


def test_an_organiser_creates_a_draft_that_the_public_cannot_see(client, organiser):
    created = client.post("/api/v1/events", json=event_body(), headers=organiser)
    assert created.status_code == 201
    event = created.json
    assert event["status"] == "draft"
    assert event["seats"] == {
        "capacity": 3,
        "confirmed": 0,
        "waitlisted": 0,
        "pending": 0,
        "held": 0,
        "offered": 0,
        "reserved": 0,
        "seats_left": 3,
    }
    assert event["feed"]["webcal"].startswith("webcal://sched.example.test/feeds/events/")
    assert client.get(f"/api/v1/events/{event['id']}").status_code == 404
    assert client.get("/api/v1/events").json == {"items": [], "next": None, "count": 0}
    assert client.get(f"/api/v1/events/{event['id']}", headers=organiser).status_code == 200


def test_naive_datetimes_and_unknown_timezones_are_rejected_with_422(client, organiser):
    naive = client.post(
        "/api/v1/events", json=event_body(start="2027-04-12T09:00:00"), headers=organiser
    )
    assert naive.status_code == 422
    assert naive.mimetype == "application/problem+json"
    assert "start" in naive.json["errors"]["json"]
    zone = client.post("/api/v1/events", json=event_body(timezone="Mars/Base"), headers=organiser)
    assert zone.status_code == 422
    assert "unknown IANA timezone" in str(zone.json["errors"])


def test_contradictory_fields_are_explained(client, organiser):
    response = client.post(
        "/api/v1/events",
        json=event_body(end="2027-04-11T09:00:00+02:00"),
        headers=organiser,
    )
    assert response.status_code == 422
    assert response.json["detail"] == "end must be after start"
    quotas = [{"partner": "A", "seats": 5, "release_at": "2027-04-01T00:00:00Z"}]
    too_many = client.post("/api/v1/events", json=event_body(quotas=quotas), headers=organiser)
    assert too_many.status_code == 422
    assert "quotas" in too_many.json["detail"]


def test_publishing_emits_event_published_and_lists_the_event(client, app, published_event):
    event = published_event()
    assert event["status"] == "published"
    assert [e["id"] for e in client.get("/api/v1/events").json["items"]] == [event["id"]]
    assert _outbox_types(app) == ["event.published"]


def test_publishing_twice_is_a_conflict(client, organiser, published_event):
    event = published_event()
    again = client.post(f"/api/v1/events/{event['id']}/publish", headers=organiser)
    assert again.status_code == 409
    assert "draft" in again.json["detail"]


def test_moving_an_event_bumps_its_sequence_and_emits_event_updated(
    client, app, organiser, published_event
):
    event = published_event()
    retitled = client.patch(
        f"/api/v1/events/{event['id']}", json={"title": "New title"}, headers=organiser
    )
    assert retitled.status_code == 200, retitled.json
    assert retitled.json["sequence"] == event["sequence"]
    moved = client.patch(
        f"/api/v1/events/{event['id']}",
        json={"start": "2027-04-12T10:00:00+02:00"},
        headers=organiser,
    )
    assert moved.status_code == 200
    assert moved.json["sequence"] == event["sequence"] + 1
    assert _outbox_types(app) == ["event.published", "event.updated", "event.updated"]


def test_cancelling_an_event_cancels_every_registration_with_one_message_each(
    client, app, organiser, published_event
):
    event = published_event(capacity=2)
    for n in range(3):
        client.post(f"/api/v1/events/{event['id']}/registrations", json=person(n))
    cancelled = client.post(
        f"/api/v1/events/{event['id']}/cancel",
        json={"reason": "venue flooded"},
        headers=organiser,
    )
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["seats"]["confirmed"] == 0
    types = _outbox_types(app)
    assert types.count("event.cancelled") == 1
    assert types.count("registration.cancelled") == 3
    closed = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(9))
    assert closed.status_code == 409


def test_unknown_events_give_a_problem_404(client, organiser):
    response = client.get("/api/v1/events/does-not-exist")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    patch = client.patch("/api/v1/events/nope", json={"title": "x"}, headers=organiser)
    assert patch.status_code == 404


def test_the_openapi_document_lists_the_endpoints(client):
    spec = client.get("/openapi.json").json
    assert "/api/v1/events/{event_id}/registrations" in spec["paths"]
    assert "organiser" in spec["components"]["securitySchemes"]


def test_the_request_correlation_id_reaches_the_message_and_the_response(client, app, organiser):
    headers = organiser | {"X-Correlation-ID": "req-1234"}
    created = client.post("/api/v1/events", json=event_body(), headers=headers)
    published = client.post(f"/api/v1/events/{created.json['id']}/publish", headers=headers)
    assert published.headers["X-Correlation-ID"] == "req-1234"
    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        body = json.loads(db.execute(select(outbox.c.body)).scalar_one())
    assert body["correlation_id"] == "req-1234"


def test_log_lines_are_json_with_the_correlation_id_and_no_private_token(
    client, published_event, capfd
):
    event = published_event()
    capfd.readouterr()
    created = client.post(
        f"/api/v1/events/{event['id']}/registrations",
        json=__import__("tests.registration.conftest").registration.conftest.person(1),
        headers={"X-Correlation-ID": "trace-me"},
    ).json
    token = created["manage_url"].rsplit("/", 1)[1]
    client.get(f"/api/v1/manage/{token}", headers={"X-Correlation-ID": "trace-me"})
    err = capfd.readouterr().err
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    requests = [line for line in lines if line["message"] == "request"]
    assert [r["route"] for r in requests] == [
        "/api/v1/events/<event_id>/registrations",
        "/api/v1/manage/<token>",
    ]
    assert {r["correlation_id"] for r in requests} == {"trace-me"}
    assert token not in err
    assert "p1@example.org" not in err


def test_health_and_readiness_probes_check_the_database_and_the_broker(client):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ready"}


def test_readiness_fails_clearly_when_the_broker_is_unreachable(env, clock):
    from services.registration.entrypoints.flask_app import create_app

    app = create_app(env | {"AMQP_URL": "amqp://guest:guest@127.0.0.1:1//"}, clock)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["detail"] == "The message broker is not reachable."
    app.extensions["container"].infrastructure.engine.dispose()
