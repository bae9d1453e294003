"""Reminders follow their target, re-arm when moved ahead, and never fire for the past."""

from datetime import UTC, datetime, timedelta

from services.notifications.domain.reminders import sync_reminders

NOW = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
START = NOW + timedelta(days=3)
LEADS = (timedelta(hours=24), timedelta(hours=2))


def plan(existing=(), start=START, leads=LEADS, now=NOW):
    return sync_reminders(existing, "reg-1", "event", "ev-1", start, leads, now)


def test_each_lead_time_gets_a_reminder_before_the_start():
    new, obsolete = plan()

    assert sorted(r.due_at for r in new) == [
        START - timedelta(hours=24),
        START - timedelta(hours=2),
    ]
    assert obsolete == [] and {r.status for r in new} == {"pending"}


def test_a_reminder_whose_time_has_already_passed_is_not_created():
    new, _ = plan(start=NOW + timedelta(hours=5))

    assert [r.lead_seconds for r in new] == [2 * 3600]


def test_a_fired_reminder_moved_later_is_armed_again():
    (reminder, _), _ = plan()
    reminder.fire(NOW)

    plan([reminder], start=START + timedelta(days=2))

    assert (reminder.status, reminder.fired_at) == ("pending", None)
    assert reminder.due_at == START + timedelta(days=2) - timedelta(seconds=reminder.lead_seconds)


def test_a_pending_reminder_moved_into_the_past_is_skipped_not_fired_late():
    new, _ = plan()
    day_before = next(r for r in new if r.lead_seconds == 24 * 3600)

    plan([day_before], start=NOW + timedelta(hours=5))

    assert day_before.status == "skipped"


def test_a_lead_time_no_longer_configured_makes_its_reminder_obsolete():
    new, _ = plan()

    added, obsolete = plan(new, leads=(timedelta(hours=24),))

    assert added == [] and [r.lead_seconds for r in obsolete] == [2 * 3600]


def test_the_same_reminder_at_the_same_time_has_the_same_occurrence_id_and_a_new_one_if_moved():
    (reminder, _), _ = plan()
    first = reminder.occurrence_id

    reminder.reschedule(START + timedelta(days=1), NOW)

    assert first == plan()[0][0].occurrence_id != reminder.occurrence_id
