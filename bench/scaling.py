"""How reads scale with data: roster pages and CSV, feeds cold, warm and after a change (#14).

Each figure is measured beside its floor in the same run, sizes and sides interleaved, for
ROUNDS rounds; the median and the spread (min-max) are printed with the ratio of medians.

- Roster (PostgreSQL, the registration app in process through Flask's test client): a JSON
  page of 50 against a raw ``SELECT ... LIMIT 50`` + ``json.dumps``; the streamed CSV of every
  row against a raw SELECT of the same columns written with ``csv.writer``; the growth of this
  process's RSS (the web worker's) while it streams the largest CSV.
- Event feed (in memory, no database): a cold render (no VEVENT kept) and a warm one (every
  VEVENT kept) against a hand-written serializer of the same items; a render after one visit
  changed, with the other VEVENTs kept.
- Participant feed (PostgreSQL, the scheduling app in process): the first GET of a feed with
  200 booked visits in a programme of PROGRAMME visits, nothing cached.
- Stored event feed (PostgreSQL, the scheduling app in process): after one visit of STORED
  changed, the GET of a process that never served the feed, before the worker's pre-render
  pass (rendered in the request) and after it (the stored body), and the pass itself.

Usage: python bench/scaling.py [sizes...]   (default 1000 10000 50000; the feed renders stop
at 10k, 50k cold icalendar renders take minutes per round on a shared 2-core machine)
"""

from __future__ import annotations

import csv
import gc
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text  # noqa: E402

from bench.common import ROOT, scratch_database  # noqa: E402
from bench.scheduling_feeds import NOW, big_programme  # noqa: E402
from services.scheduling.adapters.ical import render_feed  # noqa: E402
from services.scheduling.adapters.render_cache import EventRenderCache  # noqa: E402
from services.scheduling.service_layer.feeds import FeedSettings, event_feed  # noqa: E402
from shared.credentials import CredentialStore  # noqa: E402

ROUNDS = 3
FEED_SIZES_MAX = 10_000
PROGRAMME, BOOKED = 2_000, 200
STORED = 5_000  # visits of the programme whose stored feed is read after a change
TARGETS = {
    "csv": 1.5,  # roster CSV at the largest size, x floor
    "rss": 20.0,  # MiB growth while streaming the largest CSV
    "cold": 2.0,  # cold render 10k, x hand-written floor
    "change_ms": 100.0,  # render after one change, 5k items
    "participant_ms": 50.0,  # 200-visit participant feed, cold
}
COLUMNS = (
    "id, status, queue_number, name, email, organisation, organisation_type, country, role, "
    "partner, dietary_needs, accessibility_needs, language, created_at"
)


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


def timed(call) -> float:
    gc.collect()
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def median_of(call, repeats: int) -> float:
    return statistics.median(timed(call) for _ in range(repeats))


# -- roster -------------------------------------------------------------------------------


def registration_app(url: str, tmp: str):
    from services.registration.bootstrap import bootstrap
    from services.registration.entrypoints.flask_app import create_app

    env = {
        "REGISTRATION_DATABASE_URL": url,
        "SECRET_KEY": "bench",  # server settings refuse to start without one
        "DATA_DIR": tmp,
        "ORGANISER_CREDENTIALS_FILE": f"{tmp}/org.json",
        "LOG_LEVEL": "WARNING",
        "PUBLIC_WRITE_RATE_LIMIT": "off",
    }
    bootstrap(env, migrate=True).infrastructure.engine.dispose()
    _, token = CredentialStore(Path(f"{tmp}/org.json")).mint("bench")
    return create_app(env), {"Authorization": f"Bearer {token}"}


def seed_roster(app, auth, rows: int) -> str:
    """An event with ``rows`` registrations, written in bulk (the API would take hours)."""
    from tests.registration.conftest import event_body

    client = app.test_client()
    event = client.post("/api/v1/events", json=event_body(capacity=rows), headers=auth).json
    engine = app.extensions["container"].infrastructure.engine
    from services.registration.adapters.orm import registrations

    now = datetime(2027, 3, 1, tzinfo=UTC)
    batch = []
    with engine.begin() as db:
        for n in range(rows):
            batch.append(
                {
                    "id": str(uuid.uuid4()),
                    "event_id": event["id"],
                    "name": f"Participant {n}",
                    "email": f"p{n}@example.org",
                    "organisation": f"Organisation {n % 500}",
                    "organisation_type": "sme",
                    "country": ("DE", "BE", "FR", "PT")[n % 4],
                    "role": "sme",
                    "partner": None,
                    "dietary_needs": "vegetarian" if n % 7 == 0 else None,
                    "accessibility_needs": None,
                    "language": "en",
                    "status": "confirmed",
                    "queue_number": n + 1,
                    "manage_token": uuid.uuid4().hex + uuid.uuid4().hex,
                    "feed_token": uuid.uuid4().hex + uuid.uuid4().hex,
                    "consent_at": now,
                    "created_at": now,
                    "updated_at": now,
                    "erased_at": None,
                }
            )
            if len(batch) == 5000:
                db.execute(insert(registrations), batch)
                batch = []
        if batch:
            db.execute(insert(registrations), batch)
        db.execute(text("ANALYZE registrations"))
    return event["id"]


def floor_page(raw, event_id: str) -> None:
    with raw.connect() as db:
        rows = (
            db.execute(
                text(
                    f"SELECT {COLUMNS} FROM registrations WHERE event_id = :e "
                    "ORDER BY queue_number LIMIT 50"
                ),
                {"e": event_id},
            )
            .mappings()
            .all()
        )
        json.dumps([dict(r) for r in rows], default=str)


def floor_csv(raw, event_id: str) -> None:
    sink = io.StringIO()
    writer = csv.writer(sink)
    with raw.connect() as db:
        result = db.execution_options(yield_per=1000).execute(
            text(f"SELECT {COLUMNS} FROM registrations WHERE event_id = :e ORDER BY queue_number"),
            {"e": event_id},
        )
        for row in result:
            writer.writerow(row)
            if sink.tell() > 1 << 16:
                sink.seek(0)
                sink.truncate()


def service_csv(client, auth, event_id: str, sample: list[float] | None = None) -> None:
    response = client.get(
        f"/api/v1/events/{event_id}/registrations?format=csv", headers=auth, buffered=False
    )
    for _ in response.response:
        if sample is not None:
            sample.append(rss_mib())
    response.close()


def bench_roster(sizes: list[int]) -> tuple[dict, float]:
    figures: dict = {}
    with scratch_database() as url, tempfile.TemporaryDirectory() as tmp:
        app, auth = registration_app(url, tmp)
        client = app.test_client()
        raw = create_engine(url)
        events = {size: seed_roster(app, auth, size) for size in sizes}
        page_url = "/api/v1/events/{}/registrations?limit=50"
        for _ in range(ROUNDS):
            for size, event_id in events.items():
                page = partial_get(client, page_url.format(event_id), auth)
                add(
                    figures,
                    ("page", size, "floor"),
                    median_of(partial(floor_page, raw, event_id), 10),
                )
                add(figures, ("page", size, "service"), median_of(page, 10))
                add(figures, ("csv", size, "floor"), timed(partial(floor_csv, raw, event_id)))
                add(
                    figures,
                    ("csv", size, "service"),
                    timed(partial(service_csv, client, auth, event_id)),
                )
        growth = rss_probe(url, tmp, events[max(sizes)])
        raw.dispose()
        app.extensions["container"].infrastructure.engine.dispose()
    return figures, growth


def rss_probe(url: str, tmp: str, event_id: str) -> float:
    """RSS growth of a fresh worker process streaming the CSV (this one's heap is warm)."""
    probe = [sys.executable, __file__, "--rss-probe", url, tmp, event_id]
    done = subprocess.run(probe, capture_output=True, text=True, check=True, cwd=ROOT)
    return float(done.stdout.strip().splitlines()[-1])


def _probe(url: str, tmp: str, event_id: str) -> None:
    """In the fresh process: warm up with one small request, then stream the whole CSV."""
    app, auth = registration_app(url, tmp)
    client = app.test_client()
    client.get(f"/api/v1/events/{event_id}/registrations?limit=50&format=json", headers=auth)
    gc.collect()
    before, samples = rss_mib(), []
    service_csv(client, auth, event_id, samples)
    print(max(samples, default=before) - before)


def partial_get(client, url, auth):
    def call():
        response = client.get(url, headers=auth)
        assert response.status_code == 200, response.data[:300]

    return call


def add(figures: dict, key: tuple, seconds: float) -> None:
    figures.setdefault(key, []).append(seconds)


# -- event feed -----------------------------------------------------------------------------


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def hand_written(feed) -> bytes:
    """The floor: a minimal string-formatting serializer of the same items (no folding,
    no VTIMEZONE), what the cheapest possible renderer would cost."""
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_esc(feed.meta.name)}"]
    for item in feed.items:
        stamp = item.last_modified.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        zone = str(item.start.tzinfo)
        out += [
            "BEGIN:VEVENT",
            f"UID:{item.uid}",
            f"DTSTAMP:{stamp}",
            f"LAST-MODIFIED:{stamp}",
            f"SEQUENCE:{item.sequence}",
            f"STATUS:{item.status}",
            f"SUMMARY:{_esc(item.summary)}",
            f"DTSTART;TZID={zone}:{item.start:%Y%m%dT%H%M%S}",
            f"DTEND;TZID={zone}:{item.end:%Y%m%dT%H%M%S}",
            f"DESCRIPTION:{_esc(item.description or '')}",
            f"LOCATION:{_esc(item.location or '')}",
            "END:VEVENT",
        ]
    out.append("END:VCALENDAR")
    return ("\r\n".join(out) + "\r\n").encode()


def bench_feeds(sizes: list[int]) -> dict:
    settings = FeedSettings("https://calendar.example.eu")
    figures: dict = {}
    built = {size: big_programme(size) for size in sizes + [5_000] if size <= FEED_SIZES_MAX}
    for _ in range(ROUNDS):
        for size, programme in built.items():
            cache = EventRenderCache(max_bytes=256 * 2**20)

            def cold(p=programme, c=cache):
                feed = event_feed(p, settings, NOW)
                render_feed(feed.meta, feed.items, c)

            def floor(p=programme):
                hand_written(event_feed(p, settings, NOW))

            add(figures, ("floor", size), timed(floor))
            add(figures, ("cold", size), timed(cold))
            add(figures, ("warm", size), timed(cold))
            visit = programme.visits[size // 2]
            original = (visit.sequence, visit.updated_at)
            visit.sequence, visit.updated_at = visit.sequence + 1, NOW + timedelta(hours=1)
            renders = cache.renders
            add(figures, ("change", size), timed(cold))
            assert cache.renders == renders + 1, "a change must re-render exactly one item"
            visit.sequence, visit.updated_at = original
    return figures


# -- participant feed -------------------------------------------------------------------------


@contextmanager
def scheduling_app(programme_size: int, booked_every: int):
    """A scheduling app on a scratch database holding one event with ``programme_size``
    visits, a participant (``TOKEN``) booked on every ``booked_every``-th, and an organiser."""
    from services.scheduling.adapters.orm import bookings, hosts, registrations, visits
    from services.scheduling.bootstrap import bootstrap
    from services.scheduling.entrypoints.flask_app import create_app
    from services.scheduling.service_layer import read_model
    from tests.scheduling.builders import EVENT_ID, envelope, event_payload

    with scratch_database() as url, tempfile.TemporaryDirectory() as tmp:
        env = {
            "SCHEDULING_DATABASE_URL": url,
            "SECRET_KEY": "bench",  # server settings refuse to start without one
            "DATA_DIR": tmp,
            "ORGANISER_CREDENTIALS_FILE": f"{tmp}/org.json",
            "LOG_LEVEL": "WARNING",
        }
        container = bootstrap(env, migrate=True)
        with container.uow() as uow:
            read_model.on_event_changed(
                envelope("event.published", event_payload()), uow, container.clock
            )
            uow.commit()
        start = datetime(2026, 5, 12, 7, tzinfo=UTC)
        with container.infrastructure.engine.begin() as db:
            db.execute(
                insert(registrations),
                [
                    {
                        "id": f"r{n}",
                        "event_id": EVENT_ID,
                        "status": "confirmed",
                        "feed_token": TOKEN if n == 0 else f"t{n}-{'y' * 30}",
                        "token_managed": False,
                        "changed_at": NOW,
                    }
                    for n in range(50)
                ],
            )
            db.execute(
                insert(hosts),
                [
                    {
                        "id": f"h{n}",
                        "event_id": EVENT_ID,
                        "organisation": f"Host {n}",
                        "contact_name": "C",
                        "contact_email": "c@x.eu",
                        "feed_token": f"ht{n}" * 8,
                        "created_at": NOW,
                    }
                    for n in range(50)
                ],
            )
            db.execute(
                insert(visits),
                [
                    {
                        "id": f"v{n:06d}",
                        "event_id": EVENT_ID,
                        "host_id": f"h{n % 50}",
                        "block_id": None,
                        "title": f"Visit {n}",
                        "description": "Tour.",
                        "location_name": f"Site {n}",
                        "location_address": "Street, Brussels",
                        "location_lat": 50.8,
                        "location_lon": 4.3,
                        "meeting_point": "Gate",
                        "requirements": ["ID card"],
                        "start": start + timedelta(minutes=3 * n),
                        "end": start + timedelta(minutes=3 * n + 2),
                        "capacity": 20,
                        "status": "scheduled",
                        "sequence": 0,
                        "cancel_reason": None,
                        "created_at": NOW,
                        "updated_at": NOW,
                        "roster_changed_at": NOW,
                    }
                    for n in range(programme_size)
                ],
            )
            db.execute(
                insert(bookings),
                [
                    {"visit_id": f"v{n:06d}", "registration_id": f"r{n % 49 + 1}", "booked_at": NOW}
                    for n in range(programme_size)
                ]
                + [
                    {"visit_id": f"v{n:06d}", "registration_id": "r0", "booked_at": NOW}
                    for n in range(programme_size)
                    if n % booked_every == 1
                ],
            )
        container.infrastructure.engine.dispose()
        _, secret = CredentialStore(Path(f"{tmp}/org.json")).mint("bench")
        app = create_app(env)
        try:
            yield app, {"Authorization": f"Bearer {secret}"}
        finally:
            app.extensions["container"].infrastructure.engine.dispose()


TOKEN = "bench-participant-token-" + "x" * 20


def bench_participant() -> tuple[list[float], list[float]]:
    with scheduling_app(PROGRAMME, PROGRAMME // BOOKED) as (app, _):
        client, path = app.test_client(), f"/feeds/participants/{TOKEN}.ics"
        assert client.get(path).data.count(b"BEGIN:VEVENT") >= BOOKED  # workshop + visits
        cold = []
        for _ in range(ROUNDS * 3):
            app.extensions["feed_cache"].drop(("participants", TOKEN))
            app.extensions["container"].renders = EventRenderCache()
            cold.append(timed(lambda: client.get(path)))
        served = app.extensions["container"]
        loads = [timed(partial(_load_only, served, TOKEN)) for _ in range(ROUNDS * 3)]
    return cold, loads


def bench_stored() -> dict[str, list[float]]:
    """A GET of a STORED-visit event feed after one visit changed: rendered in the request
    (the worker's pass has not run yet), and read from the body the pass stored; and the pass
    itself. Each time from a process that never served the feed (another gunicorn worker)."""
    from services.scheduling.service_layer import calendars
    from tests.scheduling.builders import EVENT_ID

    figures: dict[str, list[float]] = {"request": [], "stored": [], "pass": []}
    with scheduling_app(STORED, STORED) as (app, organiser):
        client, path = app.test_client(), f"/feeds/events/{EVENT_ID}.ics"
        container, cache = app.extensions["container"], app.extensions["feed_cache"]

        def prerender() -> None:
            calendars.prerender(
                container.uow(), container.feeds, container.clock(), container.renders
            )

        prerender()
        for round_ in range(ROUNDS * 3):
            changed = {"title": f"Visit moved {round_}"}
            visit = f"v{(round_ * 97) % STORED:06d}"
            answer = client.patch(f"/api/v1/visits/{visit}", json=changed, headers=organiser)
            assert answer.status_code == 200, answer.json
            cache.drop(("events", EVENT_ID))
            figures["request"].append(timed(lambda: client.get(path)))
            figures["pass"].append(timed(prerender))
            cache.drop(("events", EVENT_ID))
            figures["stored"].append(timed(lambda: client.get(path)))
    return figures


def _load_only(container, token: str) -> None:
    """The targeted query alone: the registration, its event and its booked visits."""
    from services.scheduling.service_layer.feeds import PARTICIPANT, load_feed

    with container.uow() as uow:
        load_feed(uow.session, PARTICIPANT, token, container.feeds, NOW)


# -- report -----------------------------------------------------------------------------------


def line(label: str, service: list[float], floor: list[float] | None, target=None) -> str:
    med = statistics.median(service)
    text_ = (
        f"{label:<34} {med * 1000:9.1f} ms  ({min(service) * 1000:.1f}-{max(service) * 1000:.1f})"
    )
    if floor:
        ratio = med / statistics.median(floor)
        text_ += f"  floor {statistics.median(floor) * 1000:8.1f} ms  ratio {ratio:6.2f}x"
        if target is not None:
            text_ += f"  (target <= {target}x)" + ("" if ratio <= target else "  MISSED")
    return text_


def main() -> None:
    if sys.argv[1:2] == ["--rss-probe"]:
        _probe(*sys.argv[2:5])
        return
    sizes = [int(arg) for arg in sys.argv[1:]] or [1_000, 10_000, 50_000]
    started = time.perf_counter()
    print(f"rounds: {ROUNDS}  sizes: {sizes}  (median, spread min-max, ratio of medians)")
    roster, growth = bench_roster(sizes)
    for size in sizes:
        print(
            line(
                f"roster JSON page of 50, {size}:",
                roster[("page", size, "service")],
                roster[("page", size, "floor")],
            )
        )
    for size in sizes:
        target = TARGETS["csv"] if size == max(sizes) else None
        print(
            line(
                f"roster CSV, {size} rows:",
                roster[("csv", size, "service")],
                roster[("csv", size, "floor")],
                target,
            )
        )
    flag = "" if growth <= TARGETS["rss"] else "  MISSED"
    print(f"RSS growth streaming {max(sizes)} rows:   {growth:9.1f} MiB  (target <= 20 MiB){flag}")
    feeds = bench_feeds(sizes)
    for size in sorted({s for _, s in feeds}):
        floor = feeds[("floor", size)]
        target = TARGETS["cold"] if size == FEED_SIZES_MAX else None
        print(line(f"event feed cold, {size} items:", feeds[("cold", size)], floor, target))
        print(line(f"event feed warm, {size} items:", feeds[("warm", size)], floor))
        changed = feeds[("change", size)]
        note = ""
        if size == 5_000:
            hit = statistics.median(changed) * 1000 <= TARGETS["change_ms"]
            note = "  (target <= 100 ms)" + ("" if hit else "  MISSED")
        print(line(f"render after 1 change, {size}:", changed, floor) + note)
    if max(sizes) > FEED_SIZES_MAX:
        print(f"event feed at {max(sizes)} items: not measured (cold renders take minutes here)")
    participant, loads = bench_participant()
    med = statistics.median(participant) * 1000
    flag = "" if med <= TARGETS["participant_ms"] else "  MISSED"
    print(
        line(f"participant feed cold, {BOOKED} of {PROGRAMME}:", participant, None)
        + f"  (target <= 50 ms){flag}"
    )
    print(line("  of which the targeted query:", loads, None))
    stored = bench_stored()
    med = statistics.median(stored["stored"]) * 1000
    flag = "" if med <= TARGETS["change_ms"] else "  MISSED"
    print(
        line(f"GET after 1 change, {STORED}, stored:", stored["stored"], None)
        + f"  (target <= 100 ms){flag}"
    )
    print(line("  the same rendered in the request:", stored["request"], None))
    print(line("  the worker's pass that stored it:", stored["pass"], None))
    print(f"bench time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
