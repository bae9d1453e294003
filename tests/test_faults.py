"""The fault helpers refuse any broker node or database cluster this test run did not start."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests import faults
from tests.infrastructure import LOCAL_AMQP, LOCAL_POSTGRES


@pytest.fixture(autouse=True)
def _nothing_runs(monkeypatch):
    """Any command a refused helper ran anyway would fail the test."""

    def forbidden(*args, **kwargs):
        raise AssertionError(f"a refused fault helper ran {args}")

    monkeypatch.setattr(subprocess, "run", forbidden)
    monkeypatch.setattr(subprocess, "Popen", forbidden)


def test_rabbitmqctl_refuses_the_machines_own_node():
    with pytest.raises(faults.NotOurs, match="rabbit@localhost was not started"):
        faults.rabbitmqctl("rabbit@localhost", "stop_app")


def test_pg_ctl_refuses_the_machines_own_cluster():
    with pytest.raises(faults.NotOurs, match="was not started by this test run"):
        faults.pg_ctl("/var/lib/postgresql/15/main", "stop", "-m", "immediate")


@pytest.mark.parametrize("url", [LOCAL_AMQP, LOCAL_POSTGRES, "amqp://guest:guest@10.0.0.9:5672//"])
def test_a_url_of_a_server_we_did_not_start_is_refused(url):
    with pytest.raises(faults.NotOurs):
        faults.owned(url)


def test_a_failover_url_is_refused_unless_every_node_is_ours():
    with pytest.raises(faults.NotOurs):
        faults.owned("amqp://guest:guest@127.0.0.1:5672//;" + LOCAL_AMQP)


def test_a_node_or_cluster_that_is_not_running_refuses_every_fault():
    node, cluster = faults.RabbitNode(), faults.PrivatePostgres()
    try:
        for fault in (node.close_all_connections, node.stop_app, cluster.crash):
            with pytest.raises(faults.NotOurs, match="is not running under this test run"):
                fault()
    finally:
        shutil.rmtree(node.folder, ignore_errors=True)
        shutil.rmtree(cluster.folder, ignore_errors=True)
