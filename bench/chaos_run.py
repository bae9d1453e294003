"""Chaos run (issues #8, #15): load the whole platform while faults strike, then account.

    python bench/chaos_run.py --seconds 60             # single broker node (make chaos)
    python bench/chaos_run.py --seconds 90 --cluster   # 3-node cluster, quorum queues

Starts its own RabbitMQ node (or 3-node cluster) and its own PostgreSQL cluster in temporary
folders (``tests/faults.py``) and hurts only those: whatever AMQP_URL, TEST_AMQP_URL or the
machine's own servers are, they are never stopped, killed or cut.  For ``--seconds`` it
registers, cancels and reschedules over HTTP while the faults of ``tests/chaos/harness.py``
strike one by one (and once combined).  The cluster variant kills -9 the node the workers use
and freezes another with SIGSTOP for 20 s.  Then it drains and checks the client's ledger
against the state and the mail received.  Prints the table; ``--write-docs`` also puts it in
docs/reliability.md.  Exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import faults  # noqa: E402
from tests.chaos.accounting import Minimum, passed, render  # noqa: E402
from tests.chaos.harness import ChaosSmtp, chaos_run  # noqa: E402
from tests.e2e.platform import running_platform  # noqa: E402

DOC = ROOT / "docs" / "reliability.md"
# a relay blocked on a frozen node gives up after this (heartbeat and publisher confirm)
CLUSTER_ENV = {"QUORUM_QUEUES": "true", "BROKER_HEARTBEAT": "5", "BROKER_CONFIRM_TIMEOUT": "5"}


def write_docs(variant: str, command: str, table: str, timings: dict[str, float]) -> None:
    """Replace this variant's section of docs/reliability.md with the latest table."""
    start, end = f"<!-- chaos:{variant} -->", f"<!-- /chaos:{variant} -->"
    figures = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
    load = os.getloadavg()[0]
    section = (
        f"{start}\n`{command}` ({figures}; load average {load:.1f} on {os.cpu_count()} cores):"
        f"\n\n```\n{table}\n```\n{end}"
    )
    text = DOC.read_text()
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    DOC.write_text(pattern.sub(lambda _: section, text) if start in text else text + section)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="seconds of load (60)")
    parser.add_argument("--drain", type=float, default=120, help="bounded drain wait (120 s)")
    parser.add_argument("--rate", type=float, default=8, help="requests per second (8)")
    parser.add_argument("--seed", type=int, default=8, help="seed of the load mix")
    parser.add_argument("--cluster", action="store_true", help="3-node cluster, quorum queues")
    parser.add_argument("--write-docs", action="store_true", help="update docs/reliability.md")
    args = parser.parse_args()
    broker = faults.RabbitCluster(3) if args.cluster else faults.RabbitNode()
    postgres = faults.PrivatePostgres()
    smtp = ChaosSmtp(faults.free_port())
    try:
        broker.start()
        postgres.start()
        smtp.start()
        with (
            tempfile.TemporaryDirectory(prefix="cx-chaos-") as tmp,
            running_platform(
                postgres.url,
                broker.url,
                "cxchaos-" + uuid.uuid4().hex[:8],
                smtp,
                Path(tmp),
                CLUSTER_ENV if args.cluster else None,
            ) as platform,
        ):
            rows, timings = chaos_run(
                platform,
                smtp,
                args.seconds,
                args.drain,
                Minimum(),
                args.rate,
                args.seed,
                "cluster" if args.cluster else "single",
            )
    finally:
        smtp.stop()
        broker.destroy()
        postgres.destroy()
    table = render(rows)
    print(table)
    print(", ".join(f"{name} {seconds:.1f}s" for name, seconds in timings.items()))
    ok = passed(rows)
    print("chaos run:", "PASS" if ok else "FAIL")
    if args.write_docs:
        command = f"python bench/chaos_run.py --seconds {args.seconds:g}"
        command += " --cluster" if args.cluster else ""
        write_docs("cluster" if args.cluster else "single", command, table, timings)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
