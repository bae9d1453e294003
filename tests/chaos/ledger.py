"""The load driver's own record of every request and its outcome, as the client saw it.

The accounting (``tests/chaos/accounting.py``) builds its expectations from this ledger, not
from the state under test: a 201 whose registration vanished, or a 200 cancel that did not
stick, is caught because the client remembers it.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

OK, UNKNOWN, REFUSED = "ok", "unknown", "refused"
# statuses after which the client cannot know whether the change committed
UNKNOWN_STATUSES = {502, 503, 504}


@dataclass(frozen=True)
class Request:
    """One request: what it was for and what the client saw.

    ``op`` is register, cancel, reschedule or join; ``key`` is the participant's email (or the
    visit id for a reschedule); ``outcome`` is ok (2xx), unknown (connection broken, timeout,
    503) or refused (any other answer); ``status`` is the HTTP status, 0 without an answer.
    """

    op: str
    key: str
    outcome: str
    status: int = 0
    detail: str = ""
    registration_id: str | None = None
    registration_status: str | None = None
    target: str | None = None  # the visit a join or reschedule is for
    setup: bool = False  # made while setting up, before the load and its faults
    replayed: bool = False  # sent again under its Idempotency-Key after getting no answer


def outcome_of(status: int) -> str:
    """ok, unknown or refused for an HTTP status (0: no answer at all)."""
    if 200 <= status < 300:
        return OK
    return UNKNOWN if status == 0 or status in UNKNOWN_STATUSES else REFUSED


@dataclass
class Ledger:
    """Every request of a run, the faults injected, and the cuts between an SMTP 250 and the
    "sent" mark that follows it.

    A cut (the notifications worker killed, its database crashed, the SMTP server stopped) can
    leave each of the worker's concurrent senders with an email the server accepted but the
    database does not know was sent: that email goes out again with the same Message-ID, the
    documented at-least-once edge. So a run may see up to ``mail_cuts * senders`` such re-sends.
    """

    requests: list[Request] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    mail_cuts: int = 0
    senders: int = 1
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, request: Request) -> Request:
        with self._lock:
            self.requests.append(request)
        return request

    def of(self, op: str, outcome: str | None = None) -> list[Request]:
        """The requests of one kind (and outcome)."""
        return [r for r in self.requests if r.op == op and outcome in (None, r.outcome)]

    def statuses(self, op: str) -> dict[str, int]:
        """How often each answer came back for op (status, or the error for no answer)."""
        return dict(Counter(str(r.status or r.detail) for r in self.of(op)))
