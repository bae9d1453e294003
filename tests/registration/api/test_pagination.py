"""Lists come a page at a time: keyset cursors survive inserts, filters narrow the roster."""

from urllib.parse import urlsplit

import pytest

from tests.registration.conftest import event_body, person

PROBLEM = "application/problem+json"


def _register(client, event_id, n, **overrides):
    response = client.post(f"/api/v1/events/{event_id}/registrations", json=person(n, **overrides))
    assert response.status_code == 201, response.json
    return response.json


def _follow(client, url, headers):
    """The path of an absolute ``next`` URL, as the test client wants it."""
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}", headers=headers)


def test_roster_pages_lose_and_repeat_no_row_while_people_register_between_pages(
    client, organiser, published_event
):
    event = published_event(capacity=100)
    before = [_register(client, event["id"], n)["id"] for n in range(7)]
    url = f"/api/v1/events/{event['id']}/registrations?limit=3"
    seen, added, response = [], [], client.get(url, headers=organiser)
    while True:
        assert response.status_code == 200, response.json
        seen += [row["id"] for row in response.json["items"]]
        if response.json["next"] is None:
            break
        added.append(_register(client, event["id"], 100 + len(added))["id"])
        response = _follow(client, response.json["next"], organiser)

    assert len(seen) == len(set(seen))
    assert seen[: len(before)] == before
    assert set(seen) <= set(before + added)


def test_the_roster_envelope_counts_the_matches_and_filters_by_organisation_and_text(
    client, organiser, published_event
):
    event = published_event(capacity=10)
    _register(client, event["id"], 1, organisation="Energy Cluster Gent")
    _register(client, event["id"], 2, name="Ana Ribeiro", organisation="Porto Tech")
    _register(client, event["id"], 3, organisation="energy cluster gent")
    base = f"/api/v1/events/{event['id']}/registrations"

    def names(query):
        response = client.get(f"{base}?{query}", headers=organiser)
        assert response.status_code == 200, response.json
        return response.json["count"], sorted(r["name"] for r in response.json["items"])

    assert names("organisation=ENERGY%20cluster%20gent") == (2, ["Participant B", "Participant D"])
    assert names("q=ribeiro") == (1, ["Ana Ribeiro"])
    assert names("q=porto") == (1, ["Ana Ribeiro"])
    assert names("q=100%25") == (0, [])
    first = client.get(f"{base}?limit=1", headers=organiser).json
    assert (first["count"], len(first["items"])) == (3, 1)
    assert "cursor=" in first["next"] and first["next"].startswith("http")


def test_events_filter_by_kind_status_and_start_and_page_in_start_order(
    client, organiser, published_event
):
    early = published_event(start="2027-04-12T09:00:00+02:00", end="2027-04-12T17:00:00+02:00")
    late = published_event(start="2027-06-01T09:00:00+02:00", end="2027-06-01T17:00:00+02:00")
    draft = client.post("/api/v1/events", json=event_body(title="Draft"), headers=organiser).json

    def ids(query, headers=None):
        response = client.get(f"/api/v1/events?{query}", headers=headers or {})
        assert response.status_code == 200, response.json
        return [e["id"] for e in response.json["items"]]

    assert ids("") == [early["id"], late["id"]]
    assert ids("status=draft", organiser) == [draft["id"]]
    assert ids("status=draft") == []
    assert ids("starts_from=2027-05-01T00:00:00Z") == [late["id"]]
    assert ids("starts_before=2027-05-01T00:00:00Z") == [early["id"]]
    assert ids("kind=joint_learning_workshop&limit=1") == [early["id"]]
    page = client.get("/api/v1/events?limit=1").json
    assert ids(urlsplit(page["next"]).query) == [late["id"]]


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=501", "limit"),
        ("limit=0", "limit"),
        ("cursor=bm9wZQ", "cursor"),
        ("cursor=%00%01", "cursor"),
        ("starts_from=yesterday", "starts_from"),
        ("kind=party", "kind"),
    ],
)
def test_bad_page_and_filter_arguments_are_a_422_problem(client, query, field):
    response = client.get(f"/api/v1/events?{query}")

    assert (response.status_code, response.mimetype) == (422, PROBLEM)
    assert field in response.json["errors"]["query"]


def test_a_cursor_from_another_list_is_a_422_problem_not_a_500(client, organiser, published_event):
    event = published_event(capacity=10)
    for n in range(2):
        _register(client, event["id"], n)
    roster = client.get(
        f"/api/v1/events/{event['id']}/registrations?limit=1", headers=organiser
    ).json
    cursor = roster["next"].split("cursor=")[1]

    response = client.get(f"/api/v1/events?cursor={cursor}")

    assert response.status_code in (400, 422), response.json
    assert response.mimetype == PROBLEM


def test_the_streamed_roster_csv_equals_the_one_built_in_memory(
    app, client, organiser, published_event
):
    from services.registration.service_layer import views

    event = published_event(capacity=3)
    for n in range(5):
        # letters-only names (issue #11's rule); the formula rides in the organisation
        _register(client, event["id"], n, name=f"Name {'abcde'[n]}", organisation=f"=Org {n}")
    streamed = client.get(
        f"/api/v1/events/{event['id']}/registrations?format=csv", headers=organiser
    )
    container = app.extensions["container"]
    rows = list(views.roster_rows(container.uow(), event["id"], {}))
    small_batches = "".join(views.roster_csv_chunks(iter(rows), batch=2))

    assert streamed.is_streamed and streamed.mimetype == "text/csv"
    assert streamed.get_data(as_text=True) == views.roster_csv(rows) == small_batches
    assert len(streamed.get_data(as_text=True).splitlines()) == 6
    position = views.ROSTER_COLUMNS.index("waitlist_position")  # rows are export tuples
    assert [r[position] for r in rows] == [None, None, None, 1, 2]
    base = f"/api/v1/events/{event['id']}/registrations"
    page = client.get(f"{base}?limit=2&cursor=", headers=organiser)
    assert page.status_code == 422  # an empty cursor is not a cursor
    tail = client.get(f"{base}?q=name%20e", headers=organiser).json["items"]
    assert [r["waitlist_position"] for r in tail] == [2]


def test_the_csv_of_a_missing_event_is_a_404_problem_not_a_broken_download(client, organiser):
    response = client.get("/api/v1/events/nope/registrations?format=csv", headers=organiser)

    assert (response.status_code, response.mimetype) == (404, PROBLEM)


def test_query_arguments_named_like_the_path_or_url_for_options_do_not_break_next(
    client, organiser, published_event
):
    event = published_event(capacity=10)
    for n in range(2):
        _register(client, event["id"], n)
    base = f"/api/v1/events/{event['id']}/registrations"

    response = client.get(f"{base}?limit=1&event_id=other&_external=0&_anchor=x", headers=organiser)

    assert response.status_code == 200, response.json
    assert f"/events/{event['id']}/registrations" in response.json["next"]
