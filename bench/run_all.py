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
    (
        "Backbone: broker limit, raw kombu, outbox → relay → consumer (#2, #13)",
        "backbone_throughput.py",
    ),
    ("Registration on one contended event vs bare Flask insert (#3)", "registration_throughput.py"),
    ("Feeds: conditional GET and render times (#4)", "scheduling_feeds.py"),
    (
        "Notifications: registration → SMTP latency at 20/s and 100/s (#5, #13)",
        "notifications_latency.py",
    ),
    ("Email throughput of the whole platform at 100 registrations/s (#13)", "email_throughput.py"),
]


def headline(lines: list[str]) -> list[tuple[str, str]]:
    """The lines worth a row in the summary table: every rate, ratio, latency and render time."""
    keys = ("req/s", "msg/s", "emails/s", "ratio", "p50", " ms", "target", "FAILED")
    found = []
    for line in lines:
        if any(key in line for key in keys) and ":" in line:
            measure, _, value = line.partition(":")
            found.append((measure.strip(), value.strip()))
        elif any(key in line for key in ("p50", "FAILED", "MISSED")):
            found.append((line.split("p50")[0].strip(), "p50" + line.split("p50", 1)[-1]))
    return found


def main() -> int:
    sections, rows, missed, failed = [], [], [], 0
    for title, script in BENCHMARKS:
        print(f"== {title}", flush=True)
        load = os.getloadavg()[0]
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
        figures = headline(lines)
        rows += [f"| {title} | {measure} | {value} |" for measure, value in figures]
        missed += [
            f"- {title}: {measure}: {value}"
            for measure, value in figures
            if "MISSED" in value or "FAILED" in measure + value
        ]
        sections.append(
            f"## {title}\n\n`bench/{script}` (load average {load:.1f} when it started)\n\n"
            "```\n" + "\n".join(lines) + "\n```\n"
        )
        write(sections, rows, missed)  # after each benchmark, so a long run loses nothing
    return 1 if failed else 0


def write(sections: list[str], rows: list[str], missed: list[str]) -> None:
    """docs/performance.md: header, missed targets, the summary table, then every output."""
    header = (
        "# Performance\n\nFigures from `make bench` on "
        f"{datetime.now(UTC):%Y-%m-%d} ({os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}). Each benchmark measures its baseline in the same "
        "run and prints the ratio; the machine is shared and noisy, so compare ratios, not "
        "absolute rates.\n\n"
    )
    flags = (
        "**Targets missed or benchmarks failed in this run:**\n\n" + "\n".join(missed) + "\n\n"
        if missed
        else "Every target was met in this run.\n\n"
    )
    table = "| benchmark | measure | figure |\n|---|---|---|\n" + "\n".join(rows) + "\n\n"
    (ROOT / "docs").mkdir(exist_ok=True)
    (ROOT / "docs" / "performance.md").write_text(header + flags + table + "\n".join(sections))


if __name__ == "__main__":
    sys.exit(main())
