"""Check a chaos run: the client's ledger against the committed state and the mail received.

Expectations come from the ledger (``tests/chaos/ledger.py``).  The state is read only to
resolve what the client could not know (an unknown outcome, a promotion off the waiting list,
how many reschedules of unknown outcome committed).  Emails are counted as the SMTP server
received them, by recipient, kind (from the subject) and Message-ID:

- every 201/200 has its committed state, and its emails arrived exactly once per kind;
- every unknown outcome is either committed and emailed exactly once, or absent and silent;
- the same Message-ID received twice is the at-least-once edge (a notifications worker killed
  after the SMTP server took the message but before it could record the send): at most one
  per SIGKILL of that worker, more fails the run;
- a run with less than the minimum of work fails: it would prove nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from tests.chaos.ledger import OK, REFUSED, UNKNOWN, Ledger

# Subject prefixes of the English templates -> the notification kind they announce.
SUBJECT_KINDS = {
    "Registration confirmed:": "registration_confirmed",
    "Waiting list:": "registration_waitlisted",
    "A place is yours:": "registration_promoted",
    "Registration cancelled:": "registration_cancelled",
    "Registration received:": "registration_pending",
    "Registration not accepted:": "registration_rejected",
    "Study visit booked:": "visit_joined",
    "No longer booked:": "visit_left",
    "Study visit changed:": "visit_rescheduled",
    "Study visit cancelled:": "visit_cancelled",
}
# (status in the 201, final status) -> the possible sequences of registration emails
PATHS = {
    ("confirmed", "confirmed"): [("confirmed",)],
    ("waitlisted", "waitlisted"): [("waitlisted",)],
    ("waitlisted", "confirmed"): [("waitlisted", "promoted")],
    ("confirmed", "cancelled"): [("confirmed", "cancelled")],
    ("waitlisted", "cancelled"): [
        ("waitlisted", "cancelled"),
        ("waitlisted", "promoted", "cancelled"),
    ],
    ("pending", "pending"): [("pending",)],
}


@dataclass(frozen=True)
class Email:
    """One message as the SMTP server received it."""

    recipient: str
    kind: str | None  # None: a subject no template has
    message_id: str


@dataclass(frozen=True)
class State:
    """The committed state, read after the drain: registrations by email, visit moves."""

    registrations: dict[str, tuple[str, str]]  # email -> (registration id, status)
    visit_moves: dict[str, int]  # visit id -> committed reschedules since setup


@dataclass(frozen=True)
class Minimum:
    """The least work a run must have done (outside setup) to count as a proof."""

    registrations: int = 50
    cancellations: int = 10
    reschedules: int = 5


def kind_of(subject: str) -> str | None:
    """The notification kind a subject announces."""
    for prefix, kind in SUBJECT_KINDS.items():
        if subject.startswith(prefix):
            return kind
    return None


def _histories(first: str | None, final: str) -> list[Counter]:
    """Every set of registration emails that leads from first (None: unknown) to final."""
    firsts = [first] if first else ["confirmed", "waitlisted", "pending"]
    return [
        Counter(f"registration_{status}" for status in path)
        for start in firsts
        for path in PATHS.get((start, final), [])
    ]


def expectations(ledger: Ledger, state: State) -> tuple[dict[str, list[Counter]], list[str]]:
    """Per recipient, the email kinds that may have arrived; and broken promises to clients."""
    problems: list[str] = []
    allowed: dict[str, list[Counter]] = {}
    cancelled_ok = {r.key for r in ledger.of("cancel", OK)}
    cancel_tried = {r.key for r in ledger.of("cancel")}
    for r in ledger.of("register"):
        found = state.registrations.get(r.key)
        if r.outcome == OK and (found is None or found[0] != r.registration_id):
            problems.append(f"registration {r.registration_id} got 201 but is not committed")
            continue
        if r.outcome == REFUSED and found is not None:
            problems.append(f"registration of {r.key} was refused ({r.status}) yet committed")
        if found is None or r.outcome == REFUSED:
            allowed[r.key] = [Counter()]  # absent: no email at all
            continue
        final = found[1]
        if r.key in cancelled_ok and final != "cancelled":
            problems.append(f"cancellation of {found[0]} got 200 but it is {final}")
        if final == "cancelled" and r.key not in cancel_tried:
            problems.append(f"{found[0]} is cancelled though nobody asked")
        histories = _histories(r.registration_status if r.outcome == OK else None, final)
        if not histories:
            problems.append(f"{found[0]}: no history leads from {r.registration_status} to {final}")
        allowed[r.key] = histories or [Counter()]
    for r in ledger.of("join", OK):
        visit_emails = Counter({"visit_joined": 1})
        visit_emails["visit_rescheduled"] = state.visit_moves.get(r.target, 0)
        allowed[r.key] = [history + visit_emails for history in allowed.get(r.key, [Counter()])]
    for visit_id, moves in state.visit_moves.items():
        answered = [r for r in ledger.of("reschedule") if r.target == visit_id]
        ok = sum(r.outcome == OK for r in answered)
        unknown = sum(r.outcome == UNKNOWN for r in answered)
        if not ok <= moves <= ok + unknown:
            problems.append(
                f"visit {visit_id}: {ok} reschedules got 200 (+{unknown} unknown), "
                f"{moves} committed"
            )
    return allowed, problems


def work_done(ledger: Ledger) -> tuple[int, int, int]:
    """Registrations, cancellations and reschedules the clients saw succeed, setup aside."""
    load = [r for r in ledger.requests if not r.setup]
    return (
        sum(r.op == "register" and r.outcome == OK for r in load),
        sum(r.op == "cancel" and r.outcome == OK for r in load),
        sum(r.op == "reschedule" and r.outcome == OK for r in load),
    )


def wanted_work(minimum: Minimum) -> tuple[int, int, int]:
    return (minimum.registrations, minimum.cancellations, minimum.reschedules)


def enough_work(ledger: Ledger, minimum: Minimum) -> bool:
    """Has the load done at least the minimum of work?"""
    return all(d >= w for d, w in zip(work_done(ledger), wanted_work(minimum), strict=True))


def account(ledger: Ledger, state: State, emails: list[Email], minimum: Minimum) -> list[tuple]:
    """The accounting table: rows of (area, check, value, passed or None for information)."""
    allowed, problems = expectations(ledger, state)
    distinct = {(e.recipient, e.kind, e.message_id) for e in emails}
    received: dict[str, Counter] = defaultdict(Counter)
    for recipient, kind, _ in distinct:
        received[recipient][kind] += 1
    resent = len(emails) - len(distinct)
    lost, duplicated = Counter(), Counter()
    for recipient, options in allowed.items():
        got = received.get(recipient, Counter())
        if got in options:
            continue
        closest = min(options, key=lambda o: sum(((o - got) + (got - o)).values()))
        lost.update({(recipient, k): n for k, n in (closest - got).items()})
        duplicated.update({(recipient, k): n for k, n in (got - closest).items()})
    strangers = sorted(r for r in received if r not in allowed)
    unknown_kinds = sorted({e.recipient for e in emails if e.kind is None})
    done, wanted = work_done(ledger), wanted_work(minimum)
    server_errors = [r for r in ledger.requests if r.status >= 500 and r.outcome != UNKNOWN]
    unknown = ledger.of("register", UNKNOWN)
    committed = sum(r.key in state.registrations for r in unknown)
    rows = [
        ("load", "registrations", ledger.statuses("register"), None),
        ("load", "cancellations", ledger.statuses("cancel"), None),
        ("load", "reschedules (HTTP)", ledger.statuses("reschedule"), None),
        ("load", "visit joins (setup)", ledger.statuses("join"), None),
        (
            "load",
            "minimum work: registrations/cancellations/reschedules",
            f"{'/'.join(map(str, done))} (need {'/'.join(map(str, wanted))})",
            enough_work(ledger, minimum),
        ),
        ("load", "server errors (5xx but 502-504)", len(server_errors), not server_errors),
        (
            "load",
            "server errors, the first three (op, status, title)",
            [(r.op, r.status, r.detail) for r in server_errors[:3]] or "none",
            None,
        ),
        (
            "load",
            "registrations answered after an Idempotency-Key replay",
            sum(r.replayed and r.outcome != UNKNOWN for r in ledger.of("register")),
            None,
        ),
        (
            "load",
            "unknown registrations resolved: committed/absent",
            f"{committed}/{len(unknown) - committed}",
            None,
        ),
        ("faults", "injected", len(ledger.faults), None),
        ("state", "promises kept (each 201/200 committed)", problems[:5] or 0, not problems),
        ("emails", "expected (by kind)", _by_kind(allowed), None),
        ("emails", "received (distinct Message-IDs)", len(distinct), None),
        ("emails", "LOST", sum(lost.values()), not lost),
        ("emails", "lost, the first three (recipient, kind)", sorted(lost)[:3] or "none", None),
        ("emails", "DUPLICATED (another Message-ID)", sum(duplicated.values()), not duplicated),
        (
            "emails",
            f"re-sent same Message-ID (allowed <= {ledger.mail_cuts} cuts x {ledger.senders} "
            "senders)",
            resent,
            resent <= ledger.mail_cuts * ledger.senders,
        ),
        (
            "emails",
            "to unknown recipients or of unknown kind",
            len(strangers) + len(unknown_kinds),
            not strangers and not unknown_kinds,
        ),
    ]
    if lost or duplicated:
        detail = sorted(lost.elements())[:3] + sorted(duplicated.elements())[:3]
        rows.append(("emails", "lost/duplicated detail", detail, False))
    return rows


def _by_kind(allowed: dict[str, list[Counter]]) -> dict[str, int]:
    total: Counter = Counter()
    for options in allowed.values():
        total.update(options[0])
    return dict(sorted(total.items()))


def passed(rows: list[tuple]) -> bool:
    """True when no row failed."""
    return all(ok is not False for *_, ok in rows)


def render(rows: list[tuple]) -> str:
    """The table as text, one check per line."""
    width = max(len(f"{area} {what}") for area, what, *_ in rows) + 2
    lines = [f"{'check':<{width}} {'ok':<4} value", "-" * (width + 40)]
    for area, what, value, ok in rows:
        mark = "" if ok is None else ("PASS" if ok else "FAIL")
        lines.append(f"{area + ' ' + what:<{width}} {mark:<4} {value}")
    return "\n".join(lines)
