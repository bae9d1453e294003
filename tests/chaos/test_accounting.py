"""The chaos accounting itself, on fake runs: each broken promise fails with a clear message."""

from __future__ import annotations

import pytest

from tests.chaos.accounting import Email, Minimum, State, account, kind_of, passed, render
from tests.chaos.ledger import OK, REFUSED, UNKNOWN, Ledger, Request

SMALL = Minimum(registrations=3, cancellations=1, reschedules=1)


def _run() -> tuple[Ledger, State, list[Email]]:
    """A clean fake run: 4 registrations (one waitlisted, later promoted), a cancel, a move."""
    ledger = Ledger()
    ledger.record(Request("register", "anchor@x", OK, 201, "", "r0", "confirmed", setup=True))
    ledger.record(Request("join", "anchor@x", OK, 201, target="v1", setup=True))
    for n, status in enumerate(["confirmed", "confirmed", "waitlisted"], start=1):
        ledger.record(Request("register", f"p{n}@x", OK, 201, "", f"r{n}", status))
    ledger.record(Request("register", "lost-line@x", UNKNOWN, 0, "ConnectionError"))
    ledger.record(Request("register", "unsure@x", UNKNOWN, 503))
    ledger.record(Request("cancel", "p1@x", OK, 200, registration_id="r1"))
    ledger.record(Request("reschedule", "v1", OK, 200, target="v1"))
    state = State(
        registrations={
            "anchor@x": ("r0", "confirmed"),
            "p1@x": ("r1", "cancelled"),
            "p2@x": ("r2", "confirmed"),
            "p3@x": ("r3", "confirmed"),  # promoted into p1's seat
            "unsure@x": ("r5", "waitlisted"),  # the 503 had committed after all
        },
        visit_moves={"v1": 1},
    )
    mail = [
        ("anchor@x", "registration_confirmed"),
        ("anchor@x", "visit_joined"),
        ("anchor@x", "visit_rescheduled"),
        ("p1@x", "registration_confirmed"),
        ("p1@x", "registration_cancelled"),
        ("p2@x", "registration_confirmed"),
        ("p3@x", "registration_waitlisted"),
        ("p3@x", "registration_promoted"),
        ("unsure@x", "registration_waitlisted"),
    ]
    emails = [Email(to, kind, f"<{n}@x>") for n, (to, kind) in enumerate(mail)]
    return ledger, state, emails


def _failures(rows) -> list[str]:
    return [f"{area} {what}: {value}" for area, what, value, ok in rows if ok is False]


def test_a_clean_run_passes_and_resolves_unknown_outcomes_from_the_state():
    rows = account(*_run(), SMALL)
    assert passed(rows), render(rows)
    assert ("load", "unknown registrations resolved: committed/absent", "1/1", None) in rows


def test_one_lost_email_fails_the_run():
    ledger, state, emails = _run()
    rows = account(ledger, state, [e for e in emails if e.kind != "registration_promoted"], SMALL)
    assert not passed(rows)
    assert "emails LOST: 1" in _failures(rows)
    assert "('p3@x', 'registration_promoted')" in render(rows)


def test_one_email_sent_twice_under_another_message_id_fails_the_run():
    ledger, state, emails = _run()
    rows = account(
        ledger, state, [*emails, Email("p2@x", "registration_confirmed", "<x@x>")], SMALL
    )
    assert "emails DUPLICATED (another Message-ID): 1" in _failures(rows)


def test_the_same_message_id_twice_is_allowed_once_per_cut_and_sender():
    ledger, state, emails = _run()
    twice = [*emails, emails[5]]
    assert not passed(account(ledger, state, twice, SMALL))
    ledger.mail_cuts = 1
    assert passed(account(ledger, state, twice, SMALL))
    thrice = [*twice, emails[6]]
    assert not passed(account(ledger, state, thrice, SMALL))
    ledger.senders = 2
    assert passed(account(ledger, state, thrice, SMALL))
    assert not passed(account(ledger, state, [*thrice, emails[7]], SMALL))


def test_a_201_whose_registration_is_missing_from_the_database_fails_the_run():
    ledger, state, emails = _run()
    del state.registrations["p2@x"]
    failures = _failures(account(ledger, state, emails, SMALL))
    assert any("registration r2 got 201 but is not committed" in f for f in failures), failures


def test_a_200_cancel_that_did_not_stick_fails_the_run():
    ledger, state, emails = _run()
    state.registrations["p1@x"] = ("r1", "confirmed")
    failures = _failures(account(ledger, state, emails, SMALL))
    assert any("cancellation of r1 got 200 but it is confirmed" in f for f in failures), failures


def test_an_unknown_outcome_absent_from_the_state_must_have_sent_no_email():
    ledger, state, emails = _run()
    emails.append(Email("lost-line@x", "registration_confirmed", "<ghost@x>"))
    assert "emails DUPLICATED (another Message-ID): 1" in _failures(
        account(ledger, state, emails, SMALL)
    )


def test_a_refused_request_must_not_have_committed():
    ledger, state, emails = _run()
    ledger.record(Request("register", "refused@x", REFUSED, 422))
    state.registrations["refused@x"] = ("r9", "confirmed")
    failures = _failures(account(ledger, state, emails, SMALL))
    assert any("refused (422) yet committed" in f for f in failures), failures


def test_a_reschedule_answered_200_must_have_committed():
    ledger, state, emails = _run()
    state.visit_moves["v1"] = 0
    emails = [e for e in emails if e.kind != "visit_rescheduled"]
    failures = _failures(account(ledger, state, emails, SMALL))
    assert any("visit v1: 1 reschedules got 200 (+0 unknown), 0 committed" in f for f in failures)


def test_a_run_below_the_minimum_of_work_fails_even_when_everything_else_holds():
    rows = account(*_run(), Minimum())
    assert _failures(rows) == [
        "load minimum work: registrations/cancellations/reschedules: 3/1/1 (need 50/10/5)"
    ]


@pytest.mark.parametrize("status", [500, 502])
def test_a_server_error_fails_the_run_but_503_is_an_unknown_outcome(status):
    ledger, state, emails = _run()
    outcome = UNKNOWN if status == 502 else REFUSED
    ledger.record(Request("register", "err@x", outcome, status))
    failures = _failures(account(ledger, state, emails, SMALL))
    assert failures == ([] if status == 502 else ["load server errors (5xx but 502-504): 1"])


def test_subjects_map_to_kinds_and_strangers_are_flagged():
    assert kind_of("A place is yours: Chaos 1") == "registration_promoted"
    assert kind_of("Hello") is None
    ledger, state, emails = _run()
    emails.append(Email("nobody@x", None, "<odd@x>"))
    assert "emails to unknown recipients or of unknown kind: 2" in _failures(
        account(ledger, state, emails, SMALL)
    )
