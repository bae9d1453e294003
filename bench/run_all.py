"""Run every benchmark in one go and write their figures to docs/performance.md."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = [
    ("Backbone: raw kombu vs outbox → relay → consumer (#2)", "backbone_throughput.py"),
    ("Registration on one contended event vs bare Flask insert (#3)", "registration_throughput.py"),
    ("Feeds: conditional GET and render times (#4)", "scheduling_feeds.py"),
    ("Notifications: registration → SMTP latency (#5)", "notifications_latency.py"),
    ("Scaling: roster pages and CSV, feeds cold/warm/after a change (#14)", "scaling.py"),
]


def headline(lines: list[str]) -> list[tuple[str, str]]:
    """The lines worth a row in the summary table: every rate, ratio, latency and render time."""
    keys = ("req/s", "msg/s", "ratio", "p50", " ms", "MiB", "FAILED")
    found = []
    for line in lines:
        if any(key in line for key in keys) and ":" in line:
            measure, _, value = line.partition(":")
            found.append((measure.strip(), value.strip()))
        elif any(key in line for key in ("p50", "FAILED")):
            found.append((line.split("p50")[0].strip(), "p50" + line.split("p50", 1)[-1]))
    return found


def main() -> int:
    sections, rows, failed = [], [], 0
    for title, script in BENCHMARKS:
        print(f"== {title}", flush=True)
        result = subprocess.run(
            [sys.executable, str(ROOT / "bench" / script)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "LOG_LEVEL": "WARNING"},
        )
        lines = [line for line in result.stdout.splitlines() if not line.startswith("{")]
        print("\n".join(lines), flush=True)
        if result.returncode != 0:
            failed += 1
            lines.append(f"FAILED (exit {result.returncode}): {result.stderr.strip()[-500:]}")
        rows += [f"| {title} | {measure} | {value} |" for measure, value in headline(lines)]
        sections.append(f"## {title}\n\n`bench/{script}`\n\n```\n" + "\n".join(lines) + "\n```\n")
    header = (
        "# Performance\n\nFigures from `make bench` on "
        f"{datetime.now(UTC):%Y-%m-%d} ({os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}). Each benchmark measures its baseline in the same "
        "run and prints the ratio; the machine is shared and noisy, so compare ratios, not "
        "absolute rates.\n\n"
    )
    table = "| benchmark | measure | figure |\n|---|---|---|\n" + "\n".join(rows) + "\n\n"
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "performance.md").write_text(header + table + "\n".join(sections))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
