"""The SQL that one registration POST and one verification run, captured from the service.

The raw psycopg baseline of ``bench/registration_throughput.py`` replays exactly these
statements per request, so it follows the service whenever the service's SQL changes. They
are captured with SQLAlchemy's ``before_cursor_execute`` (and the engine's commit and rollback
events, which end transactions) while the service, in process, serves two participants one
after the other on an event whose seat is taken, as most of the benchmark's people are:
held on the waiting list, then verified. A parameter that differs between the two is one
each request makes afresh (ids, tokens, email, queue numbers); the replay gives it a new value
of the same kind, and the same new value wherever the same old one occurs, also inside larger
strings such as a message body. Every other parameter is replayed as captured.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, event, text

from shared.credentials import CredentialStore

MIN_EMBEDDED = 8  # an old value shorter than this is not looked for inside larger strings
EVENT = {
    "title": "Captured workshop",
    "kind": "joint_learning_workshop",
    "venue": {"name": "Hall", "address": "Street 1", "city": "Ghent", "country": "BE"},
    "timezone": "Europe/Brussels",
    "start": "2031-05-01T09:00:00+02:00",
    "end": "2031-05-01T17:00:00+02:00",
    "capacity": 1,
}


@dataclass
class Step:
    """One statement (with the names of its per-request parameters), or a commit/rollback."""

    kind: str  # "sql", "commit" or "rollback"
    statement: str = ""
    params: object = None  # a dict, or a list of dicts for executemany
    many: bool = False
    fresh: set = field(default_factory=set)  # (row, key) of the parameters made afresh


@dataclass
class Script:
    """What one POST and one verification ran, ready to replay."""

    event_id: str
    post: list[Step]
    verify: list[Step]

    def statements(self, steps: list[Step]) -> int:
        return sum(step.kind == "sql" for step in steps)


class Recorder:
    """Records the steps an engine runs between start() and stop()."""

    def __init__(self, engine) -> None:
        self.steps: list[Step] | None = None
        event.listen(engine, "before_cursor_execute", self._sql)
        event.listen(engine, "commit", lambda _conn: self._end("commit"))
        event.listen(engine, "rollback", lambda _conn: self._end("rollback"))

    def _sql(self, _conn, _cursor, statement, params, _context, many) -> None:
        if self.steps is not None:
            copied = [dict(p) for p in params] if many else dict(params or {})
            self.steps.append(Step("sql", statement, copied, many))

    def _end(self, kind: str) -> None:
        if self.steps is not None and self.steps and self.steps[-1].kind == "sql":
            self.steps.append(Step(kind))

    def record(self, action) -> list[Step]:
        self.steps = []
        action()
        steps, self.steps = self.steps, None
        return steps


def _rows(step: Step) -> list[dict]:
    return step.params if step.many else [step.params]


def template(first: list[Step], second: list[Step]) -> list[Step]:
    """The first request's steps, each parameter that the second request changed marked."""
    if [(s.kind, s.statement, s.many) for s in first] != [
        (s.kind, s.statement, s.many) for s in second
    ]:
        raise RuntimeError("two registrations ran different statements; cannot replay them")
    for one, two in zip(first, second, strict=True):
        if one.kind == "sql":
            for n, (row, other) in enumerate(zip(_rows(one), _rows(two), strict=True)):
                one.fresh |= {(n, key) for key in row if row[key] != other.get(key)}
    return first


def capture(url: str) -> Script:
    """Migrate ``url``, open an event on it and capture a POST and a verification there."""
    from services.registration.bootstrap import bootstrap
    from services.registration.entrypoints.flask_app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "REGISTRATION_DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "DATA_DIR": tmp,
            "ORGANISER_CREDENTIALS_FILE": f"{tmp}/org.json",
            "PUBLIC_WRITE_RATE_LIMIT": "off",
            "LOG_LEVEL": "WARNING",
        }
        _, token = CredentialStore(Path(f"{tmp}/org.json")).mint("bench")
        bootstrap(env, migrate=True).infrastructure.engine.dispose()
        app = create_app(env)
        engine = app.extensions["container"].infrastructure.engine
        recorder = Recorder(engine)
        client = app.test_client()
        auth = {"Authorization": f"Bearer {token}"}
        event_id = client.post("/api/v1/events", json=EVENT, headers=auth).json["id"]
        client.post(f"/api/v1/events/{event_id}/publish", headers=auth)
        path = f"/api/v1/events/{event_id}/registrations"
        posts = [
            recorder.record(lambda n=n: _expect(client.post(path, json=_person(n)), 202))
            for n in range(3)  # the first takes the seat; the other two wait, as most do
        ]
        links = verification_links(url)
        verifies = [
            recorder.record(lambda link=link: _expect(client.post(f"/api/v1{link}"), 200))
            for link in links[1:]
        ]
        engine.dispose()
    return Script(event_id, template(*posts[1:]), template(*verifies))


def _person(n: int) -> dict:
    return {"name": "Captured Participant", "email": f"captured{n}@example.org",
            "organisation": "Org", "organisation_type": "sme", "country": "BE",
            "role": "sme", "consent": True}  # fmt: skip


def _expect(response, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)


def verification_links(url: str) -> list[str]:
    """The path (``/verify/<token>``) of every verification email registration asked for."""
    engine = create_engine(url)
    with engine.connect() as db:
        bodies = db.execute(
            text("SELECT body FROM outbox WHERE message_type = :kind ORDER BY id"),
            {"kind": "registration.verification_requested"},
        ).scalars()
        tokens = [json.loads(b)["payload"]["verify_url"].split("/verify/", 1)[1] for b in bodies]
    engine.dispose()
    return [f"/verify/{token}" for token in tokens]
