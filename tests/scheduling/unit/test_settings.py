"""The service reads its scheduling rules and feed settings from the environment."""

from datetime import timedelta

import pytest

from services.scheduling.bootstrap import bootstrap


def test_defaults_apply_when_the_environment_is_silent(tmp_path):
    container = bootstrap({"DATA_DIR": str(tmp_path)})

    assert container.policy.travel_buffer == timedelta(minutes=30)
    assert container.policy.event_margin == timedelta(0)
    assert container.feeds.retention == timedelta(days=30)
    assert container.feeds.public_url == "http://127.0.0.1:8002"
    assert container.feed_cache_seconds == 5


def test_rules_and_feed_settings_come_from_the_environment(tmp_path):
    container = bootstrap(
        {
            "DATA_DIR": str(tmp_path),
            "VISIT_TRAVEL_BUFFER_MINUTES": "45",
            "VISIT_EVENT_MARGIN_HOURS": "12",
            "FEED_CANCELLED_RETENTION_DAYS": "7",
            "FEED_REFRESH_MINUTES": "15",
            "SCHEDULING_PUBLIC_URL": "https://cal.example.eu/",
        }
    )

    assert container.policy.travel_buffer == timedelta(minutes=45)
    assert container.policy.event_margin == timedelta(hours=12)
    assert container.feeds.retention == timedelta(days=7)
    assert container.feeds.refresh == timedelta(minutes=15)
    assert container.feeds.url("events", "e1") == "https://cal.example.eu/feeds/events/e1.ics"


@pytest.mark.parametrize("value", ["half an hour", "-5"])
def test_a_malformed_setting_stops_start_up_with_its_name(tmp_path, value):
    with pytest.raises(ValueError, match="VISIT_TRAVEL_BUFFER_MINUTES"):
        bootstrap({"DATA_DIR": str(tmp_path), "VISIT_TRAVEL_BUFFER_MINUTES": value})
