"""The portal's schema, created and upgraded by Alembic: run once per deployment, not per worker.

``python -m portal migrate`` (from the ``examples`` folder) applies every migration in
``migrations/versions`` to ``PORTAL_DATABASE_URL`` (or ``--database URL``); the workers only
check at startup that the tables are there.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the newest)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation: a literal % in a URL (an escaped password) is written %%.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, revision)
