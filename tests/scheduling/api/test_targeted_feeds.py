"""A participant's or host's feed reads only its owner's visits, with the same bytes as before."""

from services.scheduling.adapters.ical import render_feed
from services.scheduling.adapters.repository import FeedReader, ProgrammeRepository
from services.scheduling.service_layer.feeds import host_feed, participant_feed
from tests.scheduling.builders import EVENT_ID, registration_payload, token_of, visit_body

TOKEN = registration_payload("r1")["feed_token"]


def _schedule(client, organiser, title, host="ReTex Lab", hour=14):
    body = visit_body(title=title)
    body["host"] = {**body["host"], "organisation": host}
    body["start"] = body["start"].replace("T14:", f"T{hour:02d}:")
    body["end"] = body["end"].replace("T16:", f"T{hour + 1:02d}:")
    response = client.post(f"/api/v1/events/{EVENT_ID}/visits", json=body, headers=organiser)
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_private_feeds_load_only_their_owners_visits_and_render_the_same_bytes(
    app, client, organiser, published_event
):
    mine = _schedule(client, organiser, "Textile recycling lab", hour=9)
    other = _schedule(client, organiser, "Port tour", host="Port of Antwerp", hour=11)
    for visit, who in ((mine, "r1"), (other, "r2")):
        joined = client.post(f"/api/v1/visits/{visit}/participants", json={}, headers=token_of(who))
        assert joined.status_code == 201, joined.json
    container = app.extensions["container"]
    settings, now = container.feeds, container.clock()
    with container.uow() as uow:
        full = ProgrammeRepository(uow.session).get(EVENT_ID, lock=False)
        host_token = next(h.feed_token for h in full.hosts if h.organisation == "ReTex Lab")
        expected = [
            render_feed(*_parts(participant_feed(full, TOKEN, settings, now))),
            render_feed(*_parts(host_feed(full, host_token, settings, now))),
        ]
    with container.uow() as uow:
        person = FeedReader(uow.session).participant(TOKEN)
        assert [v.id for v in person.visits] == [mine]
        assert len(person.registrations) == 1 and person.hosts == []
        got = [render_feed(*_parts(participant_feed(person, TOKEN, settings, now)))]
    with container.uow() as uow:
        reader = FeedReader(uow.session)
        host = reader.host(host_token)
        assert [v.id for v in host.visits] == [mine] and host.registrations == []
        got.append(render_feed(*_parts(host_feed(host, host_token, settings, now))))
        assert reader.participant("no-such-token") is None and reader.host("nope") is None

    assert got == expected
    assert client.get(f"/feeds/participants/{TOKEN}.ics").data == expected[0]


def _parts(feed):
    return feed.meta, feed.items
