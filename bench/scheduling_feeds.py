"""Feed conditional GETs (304) beside a bare Flask endpoint, and feed render time by size.

HTTP: both sides run under gunicorn on loopback (one sync worker each, so the server and
not the Python client is the bottleneck), driven by the same pool of 4 clients opening a
connection per request like calendar apps do. The sides take turns in each of 5 rounds; the
ratio is the median of the per-round ratios, so one noisy moment cannot decide it (target:
0.9x). The bare side is a ``Flask`` app answering a constant; the feed side answers
``If-None-Match`` on a public event feed of 20 visits on PostgreSQL with the default 5 s feed
cache. The uncached figure (one version query per request) is printed for information.
Render: the best CPU time of building the items of an in-memory programme and rendering them
to bytes, for 1k visits (of 10 runs) and 10k visits (of 2 runs).
Usage: python bench/scheduling_feeds.py (about 30 s).
"""

from __future__ import annotations

import gc
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402

from bench.common import gunicorn, load, request, scratch_database, spread, verdict  # noqa: E402
from services.scheduling.adapters.ical import render_feed  # noqa: E402
from services.scheduling.domain.commands import Location  # noqa: E402
from services.scheduling.domain.visits import Host, Visit  # noqa: E402
from services.scheduling.service_layer import handlers, read_model  # noqa: E402
from services.scheduling.service_layer.feeds import FeedSettings, event_feed  # noqa: E402
from tests.scheduling.builders import (  # noqa: E402
    EVENT_ID,
    brussels,
    envelope,
    event_payload,
    programme,
    schedule,
)

ROUNDS, CLIENTS = 5, 4
TARGET_304 = 0.9  # issue #14 (issue #4 asked for 0.8)
SERVER = {"workers": 1, "threads": 1}
APP = "services.scheduling.entrypoints.flask_app:create_app()"
FEED = f"/feeds/events/{EVENT_ID}.ics"
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def bare_app() -> Flask:
    """The baseline: a bare Flask endpoint answering a constant."""
    app = Flask("bare")
    app.add_url_rule("/ping", "ping", lambda: "ok")
    app.add_url_rule("/healthz", "healthz", lambda: "ok")  # readiness, as the services have
    return app


def seed(url: str, tmp: str) -> None:
    """A published workshop with 20 visits at different hosts."""
    from services.scheduling.bootstrap import bootstrap

    container = bootstrap({"SCHEDULING_DATABASE_URL": url, "DATA_DIR": tmp}, migrate=True)
    with container.uow() as uow:
        message = envelope("event.published", event_payload())
        read_model.on_event_changed(message, uow, container.clock)
        uow.commit()
    for n in range(20):
        command = schedule(brussels(2026, 5, 12, 9 + n % 8), 1, f"Host {n}", f"Street {n}")
        handlers.schedule_visit(command, container.uow(), container.clock, container.policy)
    container.infrastructure.engine.dispose()


def rate(call, expected: int, requests: int) -> float:
    """Requests per second of one round of ``call`` by the client pool."""
    per_second, results = load([call] * requests, CLIENTS)
    assert {status for status, _, _ in results} == {expected}
    return per_second


def bench_conditional_get() -> dict[str, list[float]]:
    """Rates of each side per round; the sides take turns within every round."""
    with scratch_database() as url, tempfile.TemporaryDirectory() as tmp:
        seed(url, tmp)
        env = {
            "SCHEDULING_DATABASE_URL": url,
            "DATA_DIR": tmp,
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": "b",
        }
        uncached_env = env | {"FEED_CACHE_SECONDS": "0"}
        with (
            gunicorn("bench.scheduling_feeds:bare_app()", {}, **SERVER) as bare,
            gunicorn(APP, env, **SERVER) as cached,
            gunicorn(APP, uncached_env, **SERVER) as uncached,
        ):
            etag = {"If-None-Match": request(cached, "GET", FEED)[1]["ETag"]}
            sides = {
                "bare": (partial(request, bare, "GET", "/ping"), 200, 1500),
                "cached": (partial(request, cached, "GET", FEED, None, etag), 304, 1500),
                "uncached": (partial(request, uncached, "GET", FEED, None, etag), 304, 300),
            }
            rates: dict[str, list[float]] = {name: [] for name in sides}
            for _ in range(ROUNDS):
                for name, (call, expected, requests) in sides.items():
                    rates[name].append(rate(call, expected, requests))
    return rates


def big_programme(visits: int):
    """An in-memory programme with ``visits`` visits spread over the two event days."""
    built = programme()
    hosts = [Host(f"h{n}", EVENT_ID, f"Host {n}", "C", "c@x.eu", f"t{n}", NOW) for n in range(50)]
    for n in range(visits):
        start = brussels(2026, 5, 12, 9) + timedelta(minutes=7 * n % 2400)
        visit = Visit(
            id=f"{n:08d}-visit",
            event_id=EVENT_ID,
            title=f"Visit {n}",
            description="Tour and discussion.",
            host=hosts[n % 50],
            location=Location(f"Site {n}", f"Street {n}, Brussels", 50.8, 4.3),
            meeting_point="Gate A",
            requirements=["ID card"],
            start=start,
            end=start + timedelta(hours=2),
            capacity=20,
            created_at=NOW,
            updated_at=NOW,
            roster_changed_at=NOW,
        )
        built.visits.append(visit)
    return built


def render_seconds(visits: int, repeats: int) -> float:
    """Best CPU time of building and rendering the public feed of ``visits`` visits."""
    built = big_programme(visits)
    settings = FeedSettings("https://calendar.example.eu")
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        start = time.process_time()
        feed = event_feed(built, settings, NOW)
        render_feed(feed.meta, feed.items)
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    started = time.perf_counter()
    rates = bench_conditional_get()
    small, large = render_seconds(1_000, 10), render_seconds(10_000, 2)
    paired = statistics.median(c / b for c, b in zip(rates["cached"], rates["bare"], strict=True))
    print(f"bare Flask endpoint:              {spread(rates['bare'], ' req/s')}")
    print(f"feed 304 (If-None-Match, cached): {spread(rates['cached'], ' req/s')}")
    print(f"feed 304 without the feed cache:  {spread(rates['uncached'], ' req/s')}  (information)")
    print(f"ratio feed 304/bare:              {paired:8.2f}x  ({verdict(paired, TARGET_304)})")
    print(f"render 1k items:                  {small * 1000:8.0f} ms")
    print(f"render 10k items:                 {large * 1000:8.0f} ms")
    scaling = large / small
    print(f"ratio render 10k/1k:              {scaling:8.2f}x  ({verdict(scaling, 11, False)})")
    print(f"bench time:                       {time.perf_counter() - started:8.1f} s")


if __name__ == "__main__":
    main()
