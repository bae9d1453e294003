"""Reminders fire once, at the right time, and arrive once (injected clock, real SMTP)."""

from datetime import timedelta

import pytest

from services.notifications.service_layer.reminders import fire_due
from tests.notifications import factories as f
from tests.notifications.harness import apply, deliver
from tests.support.clock import Clock

pytestmark = pytest.mark.integration


def test_a_reminder_fires_once_at_the_right_time(make_service, smtp_server):
    clock = Clock(f.NOW)
    app = make_service(clock, REMINDER_LEAD_TIMES="24h")
    apply(app, f.envelope("registration.confirmed", f.registration("confirmed")))
    deliver(app)
    smtp_server.wait_for_messages(1)

    clock.now = f.EVENT_START - timedelta(hours=24, seconds=1)
    assert fire_due(app.uow(), app.policy) == 0
    clock.advance(seconds=1)
    assert fire_due(app.uow(), app.policy) == 1
    clock.advance(hours=1)
    assert fire_due(app.uow(), app.policy) == 0
    deliver(app)

    reminders = [m for m in smtp_server.wait_for_messages(2) if m["Subject"].startswith("Remind")]
    assert [m["Subject"] for m in reminders] == ["Reminder: Smart Mobility Matchmaking"]
    assert f.calendar_of(reminders[0]) is None
