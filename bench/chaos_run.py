"""Chaos run (issue #8): load the whole platform on loopback while faults strike, then account.

    python bench/chaos_run.py --seconds 60

Starts the three workers (subprocesses) on fresh PostgreSQL databases and a namespace of their
own on the local RabbitMQ, an in-process SMTP server, and the registration and scheduling web
apps in-process.  For `--seconds` it registers, cancels (manage links) and reschedules study
visits with booked participants, while it closes every broker connection, stops and starts the
broker application, SIGKILLs each worker and takes the SMTP server away.  Then it drains and
checks, Jepsen-style: no email lost or duplicated, nothing overbooked, outboxes empty, no dead
letters.  Prints the table; exits 1 if any invariant fails.

Needs `rabbitmqctl` for the local broker (it is stopped and started: run nothing else on it).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.chaos.harness import chaos_run, render  # noqa: E402
from tests.conftest import _delete_namespace  # noqa: E402
from tests.e2e.platform import running_platform  # noqa: E402
from tests.notifications.conftest import SmtpTestServer, free_port  # noqa: E402

POSTGRES = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
AMQP = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="seconds of load (60)")
    parser.add_argument("--drain", type=float, default=90, help="bounded drain wait (90 s)")
    parser.add_argument("--seed", type=int, default=8, help="seed of the load mix")
    args = parser.parse_args()
    namespace = "cxchaos-" + uuid.uuid4().hex[:8]
    smtp = SmtpTestServer(free_port())
    smtp.start()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="cx-chaos-") as tmp,
            running_platform(POSTGRES, AMQP, namespace, smtp, Path(tmp)) as platform,
        ):
            table, passed = chaos_run(
                platform, smtp, AMQP, namespace, args.seconds, args.drain, args.seed
            )
    finally:
        smtp.stop()
        _delete_namespace(AMQP, namespace)
    print(render(table))
    print("chaos run:", "PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
