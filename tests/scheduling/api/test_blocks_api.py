"""Ranked preferences over HTTP: a block of parallel visits, rankings, and the allocation."""

from tests.scheduling.builders import EVENT_ID, token_of, visit_body


def parallel_visits(client, organiser, *hosts: str, capacity: int = 1) -> list[str]:
    ids = []
    for host in hosts:
        body = visit_body(
            title=f"Visit to {host}",
            capacity=capacity,
            host={"organisation": host, "contact_name": "C", "contact_email": "c@host.example"},
            location={"name": host, "address": f"{host} street 1"},
        )
        response = client.post(f"/api/v1/events/{EVENT_ID}/visits", json=body, headers=organiser)
        ids.append(response.json["id"])
    return ids


def open_block(client, organiser, visit_ids) -> str:
    response = client.post(
        f"/api/v1/events/{EVENT_ID}/blocks",
        json={"title": "Tuesday afternoon", "visit_ids": visit_ids},
        headers=organiser,
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


def rank(client, block_id, registration_id, ranking):
    return client.put(
        f"/api/v1/blocks/{block_id}/preferences",
        json={"ranking": ranking},
        headers=token_of(registration_id),
    )


def test_participants_rank_and_closing_the_block_allocates_seats_fairly(
    client, organiser, published_event, outbox_messages
):
    lab, port = parallel_visits(client, organiser, "Lab", "Port")
    block_id = open_block(client, organiser, [lab, port])
    assert rank(client, block_id, "r1", [lab, port]).status_code == 200
    assert rank(client, block_id, "r2", [lab]).json["ranking"] == [lab]

    response = client.post(f"/api/v1/blocks/{block_id}/close", headers=organiser)

    assert response.status_code == 200
    result = response.json
    assert (result["placed"], result["unplaced"], result["ranks"]) == (2, [], {"1": 1, "2": 1})
    allocation = {a["registration_id"]: a["visit_id"] for a in result["block"]["allocation"]}
    assert allocation == {"r1": port, "r2": lab}
    assert result["block"]["status"] == "closed"
    assert isinstance(result["block"]["seed"], int)
    added = [p["registration_id"] for k, p in outbox_messages() if k == "visit.participant_added"]
    assert sorted(added) == ["r1", "r2"]


def test_the_public_sees_blocks_without_rankings_or_seeds(client, organiser, published_event):
    block_id = open_block(client, organiser, parallel_visits(client, organiser, "Lab", "Port"))

    (listed,) = client.get(f"/api/v1/events/{EVENT_ID}/blocks").json["items"]

    assert listed["id"] == block_id and len(listed["visit_ids"]) == 2
    assert "seed" not in listed and "allocation" not in listed
    assert client.get(f"/api/v1/blocks/{block_id}", headers=organiser).json["preferences"] == 0


def test_a_participant_cannot_self_book_a_visit_whose_seats_are_being_ranked(
    client, organiser, published_event
):
    lab, port = parallel_visits(client, organiser, "Lab", "Port")
    open_block(client, organiser, [lab, port])

    response = client.post(f"/api/v1/visits/{lab}/participants", json={}, headers=token_of("r1"))

    assert response.status_code == 409
    assert "rank it instead" in response.json["detail"]


def test_rankings_of_visits_outside_the_block_are_a_422_problem(client, organiser, published_event):
    lab, port = parallel_visits(client, organiser, "Lab", "Port")
    block_id = open_block(client, organiser, [lab])

    response = rank(client, block_id, "r1", [lab, port])

    assert response.status_code == 422
    assert port in response.json["detail"]


def test_a_block_needs_existing_visits_and_a_closed_block_takes_no_rankings(
    client, organiser, published_event
):
    lab, port = parallel_visits(client, organiser, "Lab", "Port")
    bad = client.post(
        f"/api/v1/events/{EVENT_ID}/blocks",
        json={"title": "x", "visit_ids": ["nope"]},
        headers=organiser,
    )
    assert bad.status_code == 422
    block_id = open_block(client, organiser, [lab, port])
    client.post(f"/api/v1/blocks/{block_id}/close", headers=organiser)

    late = rank(client, block_id, "r1", [lab])

    assert (late.status_code, late.json["detail"]) == (
        409,
        "the block 'Tuesday afternoon' is closed",
    )
    assert client.post(f"/api/v1/blocks/{block_id}/close", headers=organiser).status_code == 409


def test_only_organisers_open_and_close_blocks(client, organiser, published_event):
    ids = parallel_visits(client, organiser, "Lab")
    body = {"title": "x", "visit_ids": ids}

    assert client.post(f"/api/v1/events/{EVENT_ID}/blocks", json=body).status_code == 401
    block_id = open_block(client, organiser, ids)
    assert client.post(f"/api/v1/blocks/{block_id}/close").status_code == 401
