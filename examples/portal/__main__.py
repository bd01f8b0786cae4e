"""``python -m portal migrate [--database URL]``: create or upgrade the portal's schema."""

from __future__ import annotations

import argparse
import os
import sys

from .migrate import migrate
from .store import DEFAULT_DATABASE_URL


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("migrate", help="create or upgrade the database schema")
    run.add_argument(
        "--database", metavar="URL",
        default=os.environ.get("PORTAL_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="the database (default: PORTAL_DATABASE_URL, else sqlite:///portal.db)",
    )  # fmt: skip
    arguments = parser.parse_args(argv)
    migrate(arguments.database)
    print("portal: the database schema is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
