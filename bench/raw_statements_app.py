"""Baseline: bare Flask running, with raw psycopg, the statements the service's POST runs.

``RAW_SCRIPT`` is a pickled :class:`bench.captured_statements.Script`: the statements one
registration POST and one verification of the service ran, captured on ``RAW_DATABASE_URL``
(which holds the captured event). ``POST /register`` replays the POST's statements and
transactions with fresh per-request values and answers 202 with a link; ``POST /verify/<link>``
replays the verification's statements for the registration that link names. One psycopg
connection per thread; no ORM, no schema, no pool checkout.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import pickle
import secrets
import threading

import psycopg
from flask import Flask, request

from bench.captured_statements import MIN_EMBEDDED, Step

_numbers = itertools.count(1)


def _fresh_int() -> int:
    """Unique across the server's processes (a per-process block), within INTEGER."""
    return (os.getpid() % 20000) * 100_000 + next(_numbers)


def _fresh(old: object, mapping: dict) -> object:
    """A new value for a per-request parameter; the same one for the same old value."""
    if old in mapping:
        return mapping[old]
    if isinstance(old, bool) or not isinstance(old, int | str):
        return old  # timestamps and the like: the captured value costs the same
    if isinstance(old, int):
        new: object = _fresh_int()
    elif len(old) > 100:  # a derived text (a message body): the fresh values put in it
        new = old
        for was, now in mapping.items():
            if isinstance(was, str) and len(was) >= MIN_EMBEDDED:
                new = new.replace(was, now)
        return new
    else:
        new = secrets.token_hex(len(old) // 2 + 1)[: len(old)]
    mapping[old] = new
    return new


def replay(db: psycopg.Connection, steps: list[Step], mapping: dict) -> None:
    """Run the steps on ``db`` with fresh values where the request makes its own."""
    for step in steps:
        if step.kind == "commit":
            db.commit()
        elif step.kind == "rollback":
            db.rollback()
        else:
            rows = step.params if step.many else [step.params]
            fresh = [
                {k: _fresh(v, mapping) if (n, k) in step.fresh else v for k, v in row.items()}
                for n, row in enumerate(rows)
            ]
            with db.cursor() as cursor:
                if step.many:
                    cursor.executemany(step.statement, fresh)
                else:
                    cursor.execute(step.statement, fresh[0])
                if cursor.description is not None:
                    cursor.fetchall()


def _carried(steps: list[Step]) -> list[object]:
    """The per-request values of the verification that its POST made (looked up by value)."""
    return [row[k] for s in steps if s.kind == "sql" for n, row in _indexed(s) for k in row
            if (n, k) in s.fresh]  # fmt: skip


def _indexed(step: Step):
    return enumerate(step.params if step.many else [step.params])


def create_app() -> Flask:
    with open(os.environ["RAW_SCRIPT"], "rb") as file:
        script = pickle.load(file)  # noqa: S301 - written by the benchmark itself
    url = os.environ["RAW_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    carried = _carried(script.verify)
    local = threading.local()
    app = Flask(__name__)

    def db() -> psycopg.Connection:
        if not hasattr(local, "db"):
            local.db = psycopg.connect(url)
        return local.db

    def link_for(mapping: dict) -> str:
        kept = []
        for old, new in mapping.items():
            inside = isinstance(old, str) and len(old) >= MIN_EMBEDDED
            if old in carried or (inside and any(old in str(c) for c in carried)):
                kept.append([old, new])
        return base64.urlsafe_b64encode(json.dumps(kept).encode()).decode()

    @app.post("/register")
    def register():
        request.get_json()  # the body is read and parsed, as the service does
        mapping: dict = {}
        replay(db(), script.post, mapping)
        return {"link": link_for(mapping)}, 202

    @app.post("/verify/<link>")
    def verify(link):
        mapping = dict(json.loads(base64.urlsafe_b64decode(link)))
        replay(db(), script.verify, mapping)
        return {"status": "verified"}, 200

    app.add_url_rule("/healthz", "healthz", lambda: "ok")
    return app
