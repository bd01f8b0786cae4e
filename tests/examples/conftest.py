"""The databases the example portal is tested on: SQLite, and PostgreSQL when a server is given.

``PORTAL_TEST_POSTGRES_URL`` names a PostgreSQL server whose user may create databases (`.ci/run`
starts one with `.ci/postgres`); every test gets a database of its own there, migrated fresh.
Without the variable the PostgreSQL variants are skipped — except under CI, where they fail.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))

POSTGRES_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL")


def _postgres_database() -> Iterator[str]:
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("PORTAL_TEST_POSTGRES_URL is not set: CI runs the portal on PostgreSQL")
        pytest.skip("PORTAL_TEST_POSTGRES_URL is not set (see .ci/postgres)")
    pytest.importorskip("psycopg")
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"portal_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        # FILE_COPY (PostgreSQL 15+) copies the template's files: much faster for a tiny database.
        fast = connection.dialect.server_version_info >= (15,)
        strategy = " STRATEGY FILE_COPY" if fast else ""
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"{strategy}')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database, on each kind the portal runs on."""
    pytest.importorskip("sqlalchemy")
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'portal.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def database(empty_database: str) -> str:
    """The URL of a database migrated to the portal's newest schema."""
    pytest.importorskip("alembic")
    from portal.migrate import migrate

    migrate(empty_database)
    return empty_database


@pytest.fixture
def client(database: str) -> Iterator[Any]:
    """The portal on ``database``, at the moment of the ready case, driven over HTTP."""
    from portal.app import create_app
    from portal_support import AT, TestClient

    app = create_app(database, clock=lambda: AT)
    with TestClient(app) as test_client:
        yield test_client
    app.state.store.engine.dispose()
