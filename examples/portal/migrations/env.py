"""Alembic environment of the example portal: ``python -m portal migrate`` runs it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

# One migration at a time on PostgreSQL, whoever starts it: a second `migrate` started meanwhile
# waits for the first, then finds the schema at its head and does nothing.
ADVISORY_LOCK = 7_140_014


def run() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = create_engine(url)
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK})
            connection.commit()
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    engine.dispose()


run()
