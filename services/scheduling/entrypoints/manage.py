"""Operator commands: ``python -m services.scheduling.entrypoints.manage migrate``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from services.scheduling.bootstrap import bootstrap


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m services.scheduling.entrypoints.manage")
    parser.add_argument("action", choices=["migrate"], help="migrate: alembic upgrade head")
    parser.parse_args(argv)
    bootstrap(env, migrate=True)
    print("scheduling database is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
