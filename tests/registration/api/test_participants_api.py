"""Participants register, land on the waiting list, manage and erase their registration."""

from sqlalchemy import select

from services.registration.adapters.orm import outbox, registrations
from tests.registration.conftest import person


def _register(client, event_id, n, **overrides):
    return client.post(f"/api/v1/events/{event_id}/registrations", json=person(n, **overrides))


def _messages(app) -> list[tuple[str, str]]:
    import json

    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        rows = db.execute(select(outbox.c.message_type, outbox.c.body).order_by(outbox.c.id))
        return [(t, json.loads(b)["payload"]) for t, b in rows]


def test_registration_gives_a_seat_a_manage_link_and_feed_links(client, published_event):
    event = published_event()
    response = _register(client, event["id"], 1)
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "confirmed"
    assert body["waitlist_position"] is None
    assert body["manage_url"].startswith("https://reg.example.test/manage/")
    token = body["manage_url"].rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 bits, url-safe base64
    assert body["feed"]["https"].startswith("https://sched.example.test/feeds/participants/")
    assert body["feed"]["webcal"].startswith("webcal://")
    assert "calendar.google.com" in body["feed"]["google"]


def test_when_seats_run_out_people_join_the_waiting_list_in_order(client, app, published_event):
    event = published_event(capacity=2)
    statuses = [_register(client, event["id"], n).json for n in range(4)]
    assert [s["status"] for s in statuses] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [s["waitlist_position"] for s in statuses[2:]] == [1, 2]
    listed = client.get(f"/api/v1/events/{event['id']}").json
    assert listed["seats"]["confirmed"] == 2
    assert listed["seats"]["waitlisted"] == 2
    waitlisted = [p for t, p in _messages(app) if t == "registration.waitlisted"]
    assert [p["waitlist_position"] for p in waitlisted] == [1, 2]


def test_cancelling_frees_the_seat_for_the_first_waitlisted_person(client, app, published_event):
    event = published_event(capacity=1)
    first = _register(client, event["id"], 1).json
    second = _register(client, event["id"], 2).json
    token = first["manage_url"].rsplit("/", 1)[1]
    cancelled = client.post(f"/api/v1/manage/{token}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json["status"] == "cancelled"
    second_token = second["manage_url"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/manage/{second_token}").json["status"] == "confirmed"
    types = [t for t, _ in _messages(app)]
    assert types[-2:] == ["registration.cancelled", "registration.promoted"]
    again = client.post(f"/api/v1/manage/{token}/cancel")
    assert again.status_code == 409


def test_the_same_email_twice_is_a_conflict_that_reveals_nothing(client, published_event):
    event = published_event()
    _register(client, event["id"], 1, name="Secret Name")
    duplicate = _register(client, event["id"], 2, email="P1@Example.org")
    assert duplicate.status_code == 409
    assert duplicate.mimetype == "application/problem+json"
    assert "Secret Name" not in duplicate.get_data(as_text=True)
    assert "manage" not in duplicate.get_data(as_text=True)


def test_bad_registrations_are_refused_with_clear_problems(client, published_event, organiser):
    event = published_event()
    no_consent = _register(client, event["id"], 1, consent=False)
    assert no_consent.status_code == 422
    assert "consent" in str(no_consent.json["errors"])
    bad_email = _register(client, event["id"], 1, email="not-an-email")
    assert bad_email.status_code == 422
    unknown_field = _register(client, event["id"], 1, shoe_size=44)
    assert unknown_field.status_code == 422
    not_json = client.post(
        f"/api/v1/events/{event['id']}/registrations", data="x", content_type="text/plain"
    )
    assert not_json.status_code in (415, 422)
    assert not_json.mimetype == "application/problem+json"
    draft = client.post(
        "/api/v1/events",
        json=__import__("tests.registration.conftest").registration.conftest.event_body(),
        headers=organiser,
    ).json
    closed = _register(client, draft["id"], 1)
    assert closed.status_code == 409
    assert "draft" in closed.json["detail"]


def test_registration_outside_the_window_is_refused(client, published_event, clock):
    event = published_event(registration_opens="2027-03-05T00:00:00Z")
    early = _register(client, event["id"], 1)
    assert early.status_code == 409
    assert "not opened" in early.json["detail"]
    clock.advance(days=60)  # after the event started
    late = _register(client, event["id"], 2)
    assert late.status_code == 409


def test_a_participant_updates_their_needs_with_the_manage_link(client, published_event):
    event = published_event()
    token = _register(client, event["id"], 1).json["manage_url"].rsplit("/", 1)[1]
    updated = client.patch(f"/api/v1/manage/{token}", json={"dietary_needs": "vegan"})
    assert updated.status_code == 200
    assert updated.json["dietary_needs"] == "vegan"
    assert client.get("/api/v1/manage/not-a-real-token").status_code == 404


def test_erasure_anonymises_the_row_frees_the_seat_and_tells_the_others(
    client, app, published_event
):
    event = published_event(capacity=1)
    first = _register(client, event["id"], 1, name="Erin Erase").json
    second = _register(client, event["id"], 2).json
    token = first["manage_url"].rsplit("/", 1)[1]
    assert client.post(f"/api/v1/manage/{token}/erase").status_code == 204
    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        row = db.execute(select(registrations).where(registrations.c.id == first["id"])).one()
    assert row.name == "[erased]"
    assert "p1@example.org" not in row.email
    assert row.status == "cancelled"
    second_token = second["manage_url"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/manage/{second_token}").json["status"] == "confirmed"
    erased = [p for t, p in _messages(app) if t == "participant.erased"]
    assert erased == [
        {
            "registration_id": first["id"],
            "event_id": event["id"],
            "erased_at": erased[0]["erased_at"],
        }
    ]


def test_approval_queue_then_seat_or_waiting_list(client, organiser, published_event):
    event = published_event(capacity=1, approval_required=True)
    first = _register(client, event["id"], 1).json
    second = _register(client, event["id"], 2).json
    third = _register(client, event["id"], 3).json
    assert {first["status"], second["status"]} == {"pending"}
    approved = client.post(f"/api/v1/registrations/{first['id']}/approve", headers=organiser)
    assert approved.json["status"] == "confirmed"
    waitlisted = client.post(f"/api/v1/registrations/{second['id']}/approve", headers=organiser)
    assert waitlisted.json["status"] == "waitlisted"
    rejected = client.post(
        f"/api/v1/registrations/{third['id']}/reject",
        json={"reason": "not eligible"},
        headers=organiser,
    )
    assert rejected.json["status"] == "rejected"
    twice = client.post(f"/api/v1/registrations/{third['id']}/approve", headers=organiser)
    assert twice.status_code == 409
    anonymous = client.post(f"/api/v1/registrations/{first['id']}/approve")
    assert anonymous.status_code == 401


def test_a_larger_capacity_promotes_as_many_as_fit(client, organiser, published_event):
    event = published_event(capacity=1)
    results = [_register(client, event["id"], n).json for n in range(4)]
    patched = client.patch(f"/api/v1/events/{event['id']}", json={"capacity": 3}, headers=organiser)
    assert patched.json["seats"]["confirmed"] == 3
    assert patched.json["seats"]["waitlisted"] == 1
    last = results[3]["manage_url"].rsplit("/", 1)[1]
    assert client.get(f"/api/v1/manage/{last}").json["waitlist_position"] == 1
    smaller = client.patch(f"/api/v1/events/{event['id']}", json={"capacity": 2}, headers=organiser)
    assert smaller.status_code == 422
    assert "below" in smaller.json["detail"]


def test_an_organiser_moves_someone_from_the_waiting_list_by_hand(
    client, organiser, published_event
):
    quota = [{"partner": "Cluster A", "seats": 1, "release_at": "2027-04-01T00:00:00Z"}]
    event = published_event(capacity=2, quotas=quota)
    _register(client, event["id"], 1)
    second = _register(client, event["id"], 2).json
    third = _register(client, event["id"], 3).json
    assert second["status"] == "waitlisted"  # the last seat is held for Cluster A
    promoted = client.post(f"/api/v1/registrations/{second['id']}/promote", headers=organiser)
    assert promoted.status_code == 200
    assert promoted.json["status"] == "confirmed"
    full = client.post(f"/api/v1/registrations/{third['id']}/promote", headers=organiser)
    assert full.status_code == 409
    assert "raise the capacity" in full.json["detail"]


def test_roster_filters_csv_export_and_eu_report(client, organiser, published_event):
    event = published_event(capacity=3)
    _register(
        client,
        event["id"],
        1,
        country="BE",
        role="cluster_manager",
        organisation_type="cluster_organisation",
    )
    _register(client, event["id"], 2, country="DE", organisation="=HYPERLINK(evil)")
    _register(client, event["id"], 3, country="DE", role="research", organisation_type="research")
    _register(client, event["id"], 4, country="FR")
    base = f"/api/v1/events/{event['id']}"
    german = client.get(f"{base}/registrations?country=de", headers=organiser).json["items"]
    assert len(german) == 2
    waiting = client.get(f"{base}/registrations?status=waitlisted", headers=organiser).json["items"]
    assert [r["country"] for r in waiting] == ["FR"]
    csv = client.get(f"{base}/registrations?format=csv", headers=organiser)
    assert csv.mimetype == "text/csv"
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0].startswith('"id","status","waitlist_position","name","email"')
    assert len(lines) == 5
    assert "'=HYPERLINK(evil)" in csv.get_data(as_text=True)
    bad_filter = client.get(f"{base}/registrations?status=maybe", headers=organiser)
    assert bad_filter.status_code == 422
    report = client.get(f"{base}/report", headers=organiser).json
    assert report["participants"] == 3
    assert report["sme_count"] == 1
    assert report["by_country"] == {"BE": 1, "DE": 2}
    assert report["by_role"] == {"cluster_manager": 1, "sme": 1, "research": 1}
    assert report["by_status"] == {"confirmed": 3, "waitlisted": 1}
    assert client.get(f"{base}/registrations").status_code == 401


def test_after_erasure_the_private_link_no_longer_works(client, published_event):
    event = published_event()
    token = _register(client, event["id"], 1).json["manage_url"].rsplit("/", 1)[1]
    assert client.post(f"/api/v1/manage/{token}/erase").status_code == 204
    gone = client.get(f"/api/v1/manage/{token}")
    assert gone.status_code == 404
    assert gone.mimetype == "application/problem+json"
