"""Idempotent POSTs: an ``Idempotency-Key`` header makes a retried request safe to send again.

The first response to a key (status, headers, body) is kept in the service's own database for
``KEY_TTL`` and replayed byte for byte when the same caller sends the same key with the same
request (method, path, query and body). The same key with a different request is a 422; a
request still being handled under that key is a 409. 5xx answers (and 429s) are not kept, so a
retry can succeed. A key belongs to its caller: the organiser credential id, else a hash of the
token header the request carries, else (anonymous requests) the key alone.

The claim is an INSERT on the table's primary key, in its own short transaction before the
view runs: of two concurrent requests with the same key exactly one inserts and runs, the other
finds the in-flight row and gets a 409.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from apispec import BasePlugin
from flask import Flask, Response, g, request
from sqlalchemy import (
    Column,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from shared.database import UtcDateTime
from shared.outages import is_outage
from shared.problems import problem
from shared.web import current_organiser

log = logging.getLogger(__name__)
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEY_TTL = timedelta(hours=24)
IN_FLIGHT_LEASE = timedelta(minutes=5)  # an in-flight row older than this was abandoned
PURGE_EVERY = timedelta(minutes=10)
TOKEN_HEADERS = ("Authorization", "X-Participant-Token", "X-Exchange-Token")
NOT_KEPT_HEADERS = {"content-length", "set-cookie", "x-correlation-id", "date", "server"}


def idempotency_table(metadata: MetaData) -> Table:
    """The keys a service has seen, with the first response to each (one row per caller+key)."""
    table = Table(
        "idempotency_keys",
        metadata,
        Column("scope", String(64), primary_key=True),  # sha256(caller, key)
        Column("fingerprint", String(64), nullable=False),  # sha256(method, path, body)
        Column("claim", String(32), nullable=False),  # who holds the in-flight row
        Column("state", String(10), nullable=False),  # in_flight | done
        Column("status", Integer, nullable=True),
        Column("headers", Text, nullable=True),  # JSON list of [name, value]
        Column("body", LargeBinary, nullable=True),
        Column("created_at", UtcDateTime, nullable=False),
    )
    Index("ix_idempotency_keys_created_at", table.c.created_at)
    return table


keys = idempotency_table(MetaData())


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())  # hash of hashes: no ambiguous joins
    return digest.hexdigest()


def caller_identity() -> str:
    """Who is asking: an organiser credential id, a hash of a token header, or anonymous."""
    organiser = current_organiser()
    if organiser is not None:
        return f"organiser:{organiser.credential_id}"
    for name in TOKEN_HEADERS:
        if value := request.headers.get(name):
            return f"token:{_sha256(name.encode(), value.encode())}"
    return "anonymous"


def request_fingerprint() -> str:
    """The request a key stands for: method, path with query string, and the raw body."""
    target = request.path + ("?" + request.query_string.decode() if request.query_string else "")
    return _sha256(request.method.encode(), target.encode(), request.get_data(cache=True))


class IdempotencyStore:
    """The ``idempotency_keys`` rows of one database: claim, finish, release, look up."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]):
        self.engine = engine
        self.clock = clock
        self._last_purge: datetime | None = None

    def claim(self, scope: str, fingerprint: str) -> tuple[str | None, dict | None]:
        """Take the key for this request: (claim id, None), or (None, the row holding it)."""
        now, claim = self.clock(), uuid.uuid4().hex
        with self.engine.begin() as db:
            try:
                with db.begin_nested():
                    db.execute(insert(keys).values(_fresh(scope, fingerprint, claim, now)))
                return claim, None
            except IntegrityError:
                pass
            row = db.execute(select(keys).where(keys.c.scope == scope)).mappings().one()
            if not _stale(row, now):
                return None, dict(row)
            taken = db.execute(  # compare-and-set: one of several retries takes the stale key
                update(keys)
                .where(keys.c.scope == scope, keys.c.claim == row["claim"])
                .values(_fresh(scope, fingerprint, claim, now))
            )
            return (claim, None) if taken.rowcount == 1 else (None, dict(row))

    def finish(self, scope: str, claim: str, response: Response) -> None:
        """Keep the response for replays."""
        headers = [[k, v] for k, v in response.headers if k.lower() not in NOT_KEPT_HEADERS]
        with self.engine.begin() as db:
            db.execute(
                update(keys)
                .where(keys.c.scope == scope, keys.c.claim == claim)
                .values(
                    state="done",
                    status=response.status_code,
                    headers=json.dumps(headers),
                    body=response.get_data(),
                )
            )

    def release(self, scope: str, claim: str) -> None:
        """Forget the key (the request failed on our side): a retry runs it again."""
        with self.engine.begin() as db:
            db.execute(delete(keys).where(keys.c.scope == scope, keys.c.claim == claim))

    def purge(self, force: bool = False) -> int:
        """Delete expired keys, at most every ``PURGE_EVERY`` unless forced; how many went."""
        now = self.clock()
        if not force and self._last_purge is not None and now - self._last_purge < PURGE_EVERY:
            return 0
        self._last_purge = now
        with self.engine.begin() as db:
            return db.execute(delete(keys).where(keys.c.created_at <= now - KEY_TTL)).rowcount


def _fresh(scope: str, fingerprint: str, claim: str, now: datetime) -> dict:
    return {
        "scope": scope,
        "fingerprint": fingerprint,
        "claim": claim,
        "state": "in_flight",
        "status": None,
        "headers": None,
        "body": None,
        "created_at": now,
    }


def _stale(row, now: datetime) -> bool:
    """Expired, or in flight for longer than any request lives (its process died)."""
    age = now - row["created_at"]
    return age >= KEY_TTL or (row["state"] == "in_flight" and age >= IN_FLIGHT_LEASE)


def replay(row: dict) -> Response:
    """The stored first response, byte for byte, marked as a replay."""
    response = Response(row["body"], status=row["status"])
    response.headers.clear()
    for name, value in json.loads(row["headers"]):
        response.headers.add(name, value)
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _streamed(response: Response) -> bool:
    """A file or stream is passed through, not kept (the retry runs again)."""
    return response.direct_passthrough or response.is_streamed


class Idempotency:
    """Flask extension: claims the key before the view, keeps or releases it after."""

    def __init__(self, store: IdempotencyStore):
        self.store = store

    def init_app(self, app: Flask) -> None:
        """Install the hooks; register after the rate limit, so a 429 claims nothing."""
        app.extensions["idempotency"] = self.store
        app.before_request(self.sweep)
        app.before_request(self.claim)
        app.after_request(self.keep)
        app.teardown_request(self.release_abandoned)

    def sweep(self) -> None:
        """Any request (health probes too) deletes expired keys now and then."""
        try:
            self.store.purge()
        except Exception:  # noqa: BLE001 - a sweep must never fail the request
            log.warning("idempotency key sweep failed", exc_info=True)

    def claim(self) -> Response | None:
        """Let a keyed POST run if it holds its key; else answer for it (replay, 409, 422)."""
        if request.method != "POST":
            return None
        key = request.headers.get(HEADER)
        if key is None:
            return None
        if not 1 <= len(key) <= MAX_KEY_LENGTH:
            return problem(400, f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.")
        scope = _sha256(caller_identity().encode(), key.encode())
        fingerprint = request_fingerprint()
        claim, row = self.store.claim(scope, fingerprint)
        if claim is None:
            assert row is not None
            return answer_for(row, fingerprint)
        g.idempotency_claim = (scope, claim)
        return None

    def keep(self, response: Response) -> Response:
        """Keep the answer for replays, or forget the key when a retry should run again.

        The view's work has committed by now: if the database fails before its answer is
        kept, the client still gets that answer (never a 500 for work that was done), and the
        key stays in flight until its lease ends, so a replay meanwhile gets a 409.
        """
        held = g.pop("idempotency_claim", None)
        if held is not None:
            scope, claim = held
            if response.status_code >= 500 or response.status_code == 429 or _streamed(response):
                _unless_down(self.store.release, scope, claim)
            else:
                _unless_down(self.store.finish, scope, claim, response)
        return response

    def release_abandoned(self, _exc: BaseException | None) -> None:
        """An error escaped before a response was made: free the key (its lease frees it if
        the database is down too)."""
        held = g.pop("idempotency_claim", None)
        if held is not None:
            _unless_down(self.store.release, *held)


def _unless_down(settle: Callable[..., object], *args: object) -> None:
    """Settle a key; if the database is unreachable, log it and leave the key to its lease."""
    try:
        settle(*args)
    except Exception as exc:
        if not is_outage(exc):
            raise
        log.warning("idempotency key not settled: database unavailable", exc_info=True)


def answer_for(row: dict, fingerprint: str) -> Response:
    """The answer to a request whose key another request holds or held."""
    if row["fingerprint"] != fingerprint:
        return problem(
            422,
            f"This {HEADER} was used for a different request (method, path or body); "
            "send a new key for a new request.",
        )
    if row["state"] != "done":
        busy = problem(409, f"A request with this {HEADER} is still being processed.")
        busy.headers["Retry-After"] = "1"
        return busy
    return replay(row)


def init_idempotency(app: Flask, engine: Engine, clock: Callable[[], datetime]) -> Idempotency:
    """Honour ``Idempotency-Key`` on the app's POSTs, keeping keys in ``engine``'s database."""
    extension = Idempotency(IdempotencyStore(engine, clock))
    extension.init_app(app)
    return extension


class IdempotencyDocs(BasePlugin):
    """apispec plugin: every POST documents the header and its 409 and 422 answers."""

    def init_spec(self, spec) -> None:
        """Declare the reusable header parameter and problem responses."""
        spec.components.parameter(
            "IdempotencyKey",
            "header",
            {
                "name": HEADER,
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
                "description": (
                    "A unique value (e.g. a UUID) per intended request. The first response "
                    "to a key is kept for 24 h and replayed byte for byte (with "
                    f"`{REPLAYED_HEADER}: true`) when the same caller sends the same key with "
                    "the same method, path and body; 5xx and 429 answers are not kept. The "
                    "same key with a different request is answered 422, and 409 while the "
                    "first request is still being handled."
                ),
            },
        )
        problem_body = {"application/problem+json": {"schema": {"type": "object"}}}
        spec.components.response(
            "IdempotencyInFlight",
            {
                "description": f"A request with the same {HEADER} is still being processed.",
                "content": problem_body,
            },
        )
        spec.components.response(
            "IdempotencyMismatch",
            {
                "description": (
                    "The request is not valid, or its "
                    f"{HEADER} was already used for a different request."
                ),
                "content": problem_body,
            },
        )

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        """Add the header and the two answers to a POST operation."""
        operation = (operations or {}).get("post")
        if operation is None:
            return
        operation.setdefault("parameters", []).append("IdempotencyKey")
        responses = operation.setdefault("responses", {})
        for status, component in ((409, "IdempotencyInFlight"), (422, "IdempotencyMismatch")):
            if status not in responses and str(status) not in responses:
                responses[str(status)] = component
