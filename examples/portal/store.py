"""Storage of the example portal: snapshots as JSON in a real database, through SQLAlchemy 2.

Four tables:

* ``holders`` and ``applications`` — one row per record: its id, its version and the snapshot
  (``permitflow.to_dict``) as JSON. A write is ``UPDATE … WHERE id = :id AND version = :expected``;
  when no row matches, another request wrote first and the whole transaction is rolled back
  (:class:`StaleWrite`), so a lost race changes nothing.
* ``events`` — append-only: one row per accepted event, never updated or deleted. It repeats
  the audit entries of the snapshots in a form a report can query across records.
* ``idempotency_keys`` — the response of each successful request that carried an
  ``Idempotency-Key``, keyed by actor and key, written in the same transaction as the change it
  answers: a retried request finds it and gets the same response, and nothing fires twice.

SQLite by default; the same code runs on PostgreSQL by changing the URL (``PORTAL_DATABASE_URL``,
e.g. ``postgresql+psycopg://user:pass@host/portal``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

import permitflow
from permitflow import Application, AuditEntry, HolderRecord

DEFAULT_DATABASE_URL = "sqlite:///portal.db"

metadata = MetaData()

holders = Table(
    "holders",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("snapshot", JSON, nullable=False),
)

applications = Table(
    "applications",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("holder_id", String(32), nullable=False, index=True),
    Column("business_type", String(32), nullable=False),
    Column("state", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("snapshot", JSON, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("subject", String(16), nullable=False),
    Column("subject_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event", String(128), nullable=False),
    Column("from_state", String(64), nullable=False),
    Column("to_state", String(64), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("findings", JSON, nullable=False),
    UniqueConstraint("subject", "subject_id", "version"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("actor", String(128), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("response", JSON, nullable=False),
)


class StaleWrite(Exception):
    """The row was changed by someone else since it was read."""


class NotFound(Exception):
    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key} not found")
        self.kind = kind
        self.key = key


class Duplicate(Exception):
    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key} already exists")
        self.kind = kind
        self.key = key


class KeyReused(Exception):
    """An idempotency key came back with a different request."""


Response = tuple[int, dict[str, Any]]


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same request" for an idempotency key."""
    digest = hashlib.sha256()
    for part in (method.encode(), b" ", path.encode(), b"\n", body):
        digest.update(part)
    return digest.hexdigest()


class Store:
    def __init__(self, url: str = DEFAULT_DATABASE_URL) -> None:
        self.engine = create_engine(url)
        metadata.create_all(self.engine)

    # --- transactions and idempotency ---------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def idempotent(
        self,
        actor: str,
        key: str | None,
        request: str,
        work: Callable[[Connection], Response],
    ) -> tuple[Response, bool]:
        """Run ``work`` in one transaction, once per (actor, key); returns (response, replayed).

        Only successful responses are kept: a refused request changed nothing, so running it
        again is harmless and answers from the current data.
        """
        if key is None:
            with self.transaction() as connection:
                return work(connection), False
        stored = self._stored(actor, key, request)
        if stored is not None:
            return stored, True
        try:
            with self.transaction() as connection:
                status, body = work(connection)
                if 200 <= status < 300:
                    connection.execute(
                        insert(idempotency_keys).values(
                            actor=actor, key=key, fingerprint=request, status=status,
                            response=body,
                        )
                    )  # fmt: skip
                return (status, body), False
        except IntegrityError:
            # A concurrent request with the same key committed first; answer as it did.
            stored = self._stored(actor, key, request)
            if stored is None:
                raise
            return stored, True

    def _stored(self, actor: str, key: str, request: str) -> Response | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(idempotency_keys).where(
                    idempotency_keys.c.actor == actor, idempotency_keys.c.key == key
                )
            ).first()
        if row is None:
            return None
        if row.fingerprint != request:
            raise KeyReused(key)
        return row.status, row.response

    # --- records ------------------------------------------------------------------------------

    def holder(self, connection: Connection, holder_id: str) -> HolderRecord:
        query = select(holders.c.snapshot).where(holders.c.id == holder_id)
        row = connection.execute(query).first()
        if row is None:
            raise NotFound("holder", holder_id)
        return _load(row.snapshot, HolderRecord)

    def application(self, connection: Connection, application_id: str) -> Application:
        row = connection.execute(
            select(applications.c.snapshot).where(applications.c.id == application_id)
        ).first()
        if row is None:
            raise NotFound("application", application_id)
        return _load(row.snapshot, Application)

    def add_holder(self, connection: Connection, holder: HolderRecord) -> None:
        try:
            with connection.begin_nested():
                connection.execute(
                    insert(holders).values(
                        id=holder.holder_id, version=holder.version,
                        snapshot=permitflow.to_dict(holder),
                    )
                )  # fmt: skip
        except IntegrityError:
            raise Duplicate("holder", holder.holder_id) from None

    def add_application(self, connection: Connection, application: Application) -> None:
        try:
            with connection.begin_nested():
                connection.execute(
                    insert(applications).values(
                        id=application.id, holder_id=application.holder_id,
                        business_type=application.business_type.value, state=application.state,
                        version=application.version, snapshot=permitflow.to_dict(application),
                    )
                )  # fmt: skip
        except IntegrityError:
            raise Duplicate("application", application.id) from None

    def save_holder(
        self, connection: Connection, before: HolderRecord, after: HolderRecord
    ) -> None:
        """Write ``after`` over ``before``; raises :class:`StaleWrite` if the row moved on."""
        if after is before:
            return
        result = connection.execute(
            update(holders)
            .where(holders.c.id == before.holder_id, holders.c.version == before.version)
            .values(version=after.version, snapshot=permitflow.to_dict(after))
        )
        if result.rowcount != 1:
            raise StaleWrite(before.holder_id)
        self._append(connection, "holder", after.holder_id, after.history[len(before.history):])

    def save_application(
        self, connection: Connection, before: Application, after: Application
    ) -> None:
        if after is before:
            return
        result = connection.execute(
            update(applications)
            .where(applications.c.id == before.id, applications.c.version == before.version)
            .values(state=after.state, version=after.version, snapshot=permitflow.to_dict(after))
        )
        if result.rowcount != 1:
            raise StaleWrite(before.id)
        self._append(connection, "application", after.id, after.history[len(before.history):])

    def _append(
        self, connection: Connection, subject: str, subject_id: str, entries: tuple[AuditEntry, ...]
    ) -> None:
        for entry in entries:
            connection.execute(
                insert(events).values(
                    subject=subject, subject_id=subject_id, version=entry.sequence,
                    event=entry.event, from_state=entry.from_state, to_state=entry.to_state,
                    actor=entry.actor.describe(), at=entry.at.astimezone(UTC),
                    findings=[finding.to_dict() for finding in entry.findings],
                )
            )  # fmt: skip

    def events_of(self, subject: str, subject_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(events)
                .where(events.c.subject == subject, events.c.subject_id == subject_id)
                .order_by(events.c.seq)
            ).mappings()
            return [
                {
                    "version": row["version"],
                    "event": row["event"],
                    "from_state": row["from_state"],
                    "to_state": row["to_state"],
                    "actor": row["actor"],
                    "at": _aware(row["at"]).isoformat(),
                }
                for row in rows
            ]

    def holder_snapshots(self) -> Iterator[dict[str, Any]]:
        """Every stored holder snapshot, as stored (for batch jobs)."""
        with self.engine.connect() as connection:
            for row in connection.execute(select(holders.c.snapshot).order_by(holders.c.id)):
                yield row.snapshot


T = TypeVar("T", HolderRecord, Application)


def _load(data: Mapping[str, Any], kind: type[T]) -> T:
    snapshot = permitflow.from_dict(data)
    if not isinstance(snapshot, kind):
        raise TypeError(f"stored snapshot is not a {kind.__name__}")
    return snapshot


def _aware(moment: datetime) -> datetime:
    # SQLite keeps no offset: moments are written in UTC and read back as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
