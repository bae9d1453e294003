"""Hand-written fakes of registration's ports: the unit of work and its event repository."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.registration.adapters.repository import AbstractEventRepository
from services.registration.domain.errors import AlreadyRegistered, NotFound
from services.registration.domain.history import HistoryEntry
from services.registration.domain.model import ACTIVE, Event, Registration, Status
from services.registration.domain.notices import NoticeLimit
from services.registration.domain.status import SEATED
from services.registration.service_layer.messages import PublicUrls
from services.registration.service_layer.unit_of_work import AbstractRegistrationUnitOfWork
from shared.erasure import Traces

URLS = PublicUrls(registration="https://reg.example.test", scheduling="https://sched.example.test")


class FakeEventRepository(AbstractEventRepository):
    """Events and registrations in dictionaries; queue order is the queue number."""

    def __init__(self) -> None:
        self.seen = set()
        self._events: dict[str, Event] = {}
        self._registrations: dict[str, Registration] = {}
        self.notices: list[tuple[str, str, str, datetime]] = []
        self._history: list[HistoryEntry] = []

    def add(self, event: Event) -> None:
        self._events[event.id] = event
        self.seen.add(event)

    def get(self, event_id: str, lock: bool = True) -> Event:
        if event_id not in self._events:
            raise NotFound(f"no event {event_id}")
        self.seen.add(self._events[event_id])
        return self._events[event_id]

    def delete(self, event: Event) -> None:
        del self._events[event.id]
        self.seen.discard(event)

    def add_registration(self, registration: Registration) -> None:
        self._registrations[registration.id] = registration

    def registration(self, registration_id: str) -> Registration:
        if registration_id not in self._registrations:
            raise NotFound("no such registration")
        return self._registrations[registration_id]

    def by_manage_token(self, token: str) -> Registration:
        found = [r for r in self._registrations.values() if r.manage_token == token]
        if not found:
            raise NotFound("unknown or revoked link")
        return found[0]

    def refresh(self, registration: Registration) -> None:
        """Nothing to re-read: there is only one copy of each registration."""

    def active_emails(self, event_id: str, emails: list[str]) -> set[str]:
        wanted = {email.strip().lower() for email in emails}
        return {r.email.lower() for r in self._of(event_id, ACTIVE)} & wanted

    def _of(self, event_id: str, statuses: set[Status]) -> list[Registration]:
        found = [
            r
            for r in self._registrations.values()
            if r.event_id == event_id and r.status in statuses
        ]
        return sorted(found, key=lambda r: r.queue_number)

    def waitlist(self, event_id: str) -> list[Registration]:
        return self._of(event_id, {Status.WAITLISTED})

    def active(self, event_id: str) -> list[Registration]:
        return self._of(event_id, ACTIVE)

    def waitlist_position(self, registration: Registration) -> int | None:
        if registration.status != Status.WAITLISTED:
            return None
        return self.waitlist(registration.event_id).index(registration) + 1

    def confirmed_by_partner(self, event_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self._of(event_id, SEATED):
            if r.partner:
                counts[r.partner] = counts.get(r.partner, 0) + 1
        return counts

    def with_released_quotas(self, now: datetime) -> list[Event]:
        return [
            self.get(event.id)
            for event in self._events.values()
            if event.status == "published"
            and any(q.release_at <= now for q in event.quotas)
            and self.waitlist(event.id)
        ]

    def by_verify_token(self, token: str) -> Registration:
        found = [r for r in self._registrations.values() if r.verify_token == token]
        if not found:
            raise NotFound("unknown verification link")
        return found[0]

    def event_of_verify_token(self, token: str) -> Event:
        return self.get(self.by_verify_token(token).event_id)

    def active_by_email(self, event_id: str, email: str) -> Registration:
        found = [r for r in self._of(event_id, ACTIVE) if r.email.lower() == email.lower()]
        if not found:
            raise NotFound("no such registration")
        return found[0]

    def _lapsed(self, now: datetime) -> list[Registration]:
        return [
            r
            for r in sorted(self._registrations.values(), key=lambda r: r.queue_number)
            if r.active and r.hold_lapsed(now)
        ]

    def with_lapsed_holds(self, now: datetime) -> list[str]:
        return list(dict.fromkeys(r.event_id for r in self._lapsed(now)))

    def lapsed_holds(self, event_id: str, now: datetime) -> list[Registration]:
        return [r for r in self._lapsed(now) if r.event_id == event_id]

    def notices_within(
        self, event_id: str, keys: list[str], limit: NoticeLimit, now: datetime
    ) -> set[str]:
        since = now - limit.per
        sent = {
            key: sum(
                1 for n in self.notices if n[:3] == (event_id, key, limit.kind) and n[3] > since
            )
            for key in keys
        }
        within = {key for key in keys if sent[key] < limit.at_most}
        for key in dict.fromkeys(k for k in keys if k in within):
            self.record_notice(event_id, key, limit.kind, now)
        return within

    def record_notice(self, event_id: str, key: str, kind: str, at: datetime) -> None:
        self.notices.append((event_id, key, kind, at))

    def forget_notices(self, before: datetime) -> None:
        self.notices[:] = [n for n in self.notices if n[3] > before]

    def by_offer_token(self, token: str) -> Registration:
        found = [r for r in self._registrations.values() if r.offer_token == token]
        if not found:
            raise NotFound("unknown offer link")
        return found[0]

    def lapsed_offers(self, event_id: str, now: datetime) -> list[Registration]:
        return [r for r in self._of(event_id, {Status.OFFERED}) if r.offer_lapsed(now)]

    def with_lapsed_offers(self, now: datetime) -> list[str]:
        return [e for e in self._events if self.lapsed_offers(e, now)]

    def due_for_purge(self, now: datetime) -> list[str]:
        return [
            e.id
            for e in self._events.values()
            if e.purged_at is None and e.retention_until and e.retention_until <= now
        ]

    def unerased(self, event_id: str) -> list[Registration]:
        everyone = sorted(self._registrations.values(), key=lambda r: r.queue_number)
        return [r for r in everyone if r.event_id == event_id and r.erased_at is None]

    def add_history(self, entry: HistoryEntry) -> None:
        self._history.append(entry)

    def history(self, registration_id: str) -> list[HistoryEntry]:
        return [e for e in self._history if e.registration_id == registration_id]

    def snapshot(self) -> Snapshot:
        """Everything stored, to go back to on rollback (objects keep their identity)."""
        objects: list[Any] = [*self._events.values(), *self._registrations.values()]
        objects += [quota for event in self._events.values() for quota in event.quotas]
        objects += self._history
        states = [(o, {k: _copy(v) for k, v in vars(o).items()}) for o in objects]
        return Snapshot(dict(self._events), dict(self._registrations), states, list(self._history))

    def restore(self, snapshot: Snapshot) -> None:
        self._events, self._registrations = dict(snapshot.events), dict(snapshot.registrations)
        self._history = list(snapshot.history)
        for obj, state in snapshot.states:
            vars(obj).clear()
            vars(obj).update({k: _copy(v) for k, v in state.items()})

    def added_since(self, snapshot: Snapshot) -> list[Registration]:
        return [r for r in self._registrations.values() if r.id not in snapshot.registrations]


@dataclass
class Snapshot:
    events: dict[str, Event]
    registrations: dict[str, Registration]
    states: list[tuple[Any, dict[str, Any]]]
    history: list[HistoryEntry]


def _scrubbed(traces: Traces, payload: dict[str, Any]) -> dict[str, Any]:
    """As scrub_outbox does: only a message that names the person is rewritten."""
    about = traces.subject_id in json.dumps(payload, default=str)
    return traces.scrub(payload) if about else payload


def _copy(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


class FakeUnitOfWork(AbstractRegistrationUnitOfWork):
    """Keeps what it was given in memory; ``messages`` is the outbox of every commit.

    Rollback really goes back to the last commit. ``taken_elsewhere`` holds emails another
    process registered meanwhile: only the commit notices them, as the unique index does.
    """

    def __init__(self, urls: PublicUrls = URLS) -> None:
        self.events = FakeEventRepository()
        self.urls = urls
        self.commits = 0
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self.taken_elsewhere: set[str] = set()
        self._forgotten: list[Traces] = []
        self._committed = self.events.snapshot()

    def __enter__(self) -> FakeUnitOfWork:
        self._committed = self.events.snapshot()
        return self

    def commit(self) -> None:
        added = self.events.added_since(self._committed)
        if any(r.email.lower() in self.taken_elsewhere for r in added):
            raise AlreadyRegistered("this email is already registered for the event")
        self.messages.extend(self.collect_messages())
        while self._forgotten:
            traces = self._forgotten.pop()
            self.messages = [(kind, _scrubbed(traces, body)) for kind, body in self.messages]
        self.commits += 1
        self._committed = self.events.snapshot()

    def forget(self, traces: Traces) -> None:
        self._forgotten.append(traces)

    def rollback(self) -> None:
        self._forgotten.clear()
        self.events.restore(self._committed)
        for event in self.events.seen:
            event.events.clear()

    def sent(self, message_type: str) -> list[dict[str, Any]]:
        """The payloads committed with this message type, in order."""
        return [payload for kind, payload in self.messages if kind == message_type]
