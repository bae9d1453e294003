"""A short chaos run in CI: ~20 s of load through broker, worker and SMTP faults, then account.

Stops and starts the local RabbitMQ application (``rabbitmqctl``), so it needs the broker on
this machine and nothing else using it meanwhile; skipped when ``rabbitmqctl`` is missing.
"""

from __future__ import annotations

import shutil

import pytest

from tests.chaos.harness import chaos_run, render
from tests.e2e.platform import running_platform
from tests.notifications.conftest import _smtp_server_session, smtp_server  # noqa: F401

pytestmark = pytest.mark.integration

LOAD_SECONDS = 20
DRAIN_SECONDS = 25


def test_no_email_lost_or_duplicated_through_chaos(
    postgres_server_url,
    amqp_url,
    namespace,
    smtp_server,  # noqa: F811
    tmp_path,
):
    if not shutil.which("rabbitmqctl") or "127.0.0.1" not in amqp_url:
        pytest.skip("the chaos run needs a local RabbitMQ it may stop (rabbitmqctl)")
    with running_platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path) as p:
        table, passed = chaos_run(p, smtp_server, amqp_url, namespace, LOAD_SECONDS, DRAIN_SECONDS)
    print(render(table))
    assert passed, render(table)
