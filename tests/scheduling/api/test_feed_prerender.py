"""The worker renders a changed programme's public feed ahead of its readers, and a GET after
that reads the stored body: byte-identical to a render, never a stale one."""

from __future__ import annotations

from services.scheduling.adapters.orm import feed_bodies
from services.scheduling.service_layer import calendars
from tests.scheduling.builders import EVENT_ID

FEED = f"/feeds/events/{EVENT_ID}.ics"


def _prerender(app) -> int:
    container = app.extensions["container"]
    return calendars.prerender(
        container.uow(), container.feeds, container.clock(), container.renders
    )


def _fresh_process(app) -> None:
    """Forget what this web process rendered, as another gunicorn worker would never have."""
    app.extensions["feed_cache"].drop(("events", EVENT_ID))


def _renders_counted(app, monkeypatch) -> list[int]:
    counted = []
    real = calendars.render_feed

    def counting(*args, **kwargs):
        counted.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(calendars, "render_feed", counting)
    return counted


def test_a_get_after_the_pass_serves_the_stored_body_without_rendering(
    app, client, organiser, visit_id, monkeypatch
):
    rendered = client.get(FEED)
    assert rendered.status_code == 200
    assert _prerender(app) == 1
    assert _prerender(app) == 0, "an unchanged programme is not rendered again"
    _fresh_process(app)
    renders = _renders_counted(app, monkeypatch)
    served = client.get(FEED)
    assert served.status_code == 200 and renders == []
    assert served.data == rendered.data
    assert served.headers["ETag"] == rendered.headers["ETag"]


def test_after_a_change_the_pass_stores_exactly_what_a_render_gives(
    app, client, organiser, visit_id, monkeypatch
):
    assert _prerender(app) == 1
    moved = client.patch(
        f"/api/v1/visits/{visit_id}", json={"title": "Moved: textile lab"}, headers=organiser
    )
    assert moved.status_code == 200, moved.json
    assert _prerender(app) == 1
    _fresh_process(app)
    renders = _renders_counted(app, monkeypatch)
    stored = client.get(FEED)
    assert renders == [] and b"Moved: textile lab" in stored.data
    monkeypatch.undo()
    with app.extensions["container"].uow() as uow:  # drop the stored copy: render afresh
        uow.session.execute(feed_bodies.delete())
        uow.commit()
    _fresh_process(app)
    assert client.get(FEED).data == stored.data


def test_a_stored_body_from_an_older_version_is_never_served(
    app, client, organiser, visit_id, monkeypatch
):
    assert _prerender(app) == 1
    moved = client.patch(
        f"/api/v1/visits/{visit_id}", json={"title": "Renamed before the pass"}, headers=organiser
    )
    assert moved.status_code == 200, moved.json
    _fresh_process(app)
    renders = _renders_counted(app, monkeypatch)
    served = client.get(FEED)
    assert renders == [1], "the stored copy is older than the programme: render instead"
    assert b"Renamed before the pass" in served.data


def test_unknown_events_have_no_stored_feed(app, client, published_event):
    assert _prerender(app) == 1
    assert client.get("/feeds/events/no-such-event.ics").status_code == 404
