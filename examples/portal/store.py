"""Storage of the example portal: snapshots as JSON in a real database, through SQLAlchemy 2.

Five tables (their schema is the Alembic migration in ``migrations/``, applied once with
``python -m portal migrate`` — never by the workers):

* ``holders`` and ``applications`` — one row per record: its id, its version and the snapshot
  (``permitflow.to_dict``) as JSON. Every write is ``UPDATE … WHERE id = :id AND version =
  :expected`` (:meth:`Store._write`, the one place that does it); when no row matches, another
  request wrote first and the whole transaction is rolled back (:class:`StaleWrite`), so a lost
  race changes nothing.
* ``events`` — append-only: one row per accepted event, never updated or deleted. It repeats
  the audit entries of the snapshots in a form a report can query across records.
* ``idempotency_keys`` — one row per (actor, ``Idempotency-Key``), claimed in the same
  transaction as the change it answers, *before* the change is made, and completed with the
  response. A concurrent retry of a request still running waits for that transaction (the
  database's row lock on the claimed key) and then answers what it answered; a refused request
  rolls its claim back with everything else, so running it again answers from the current data.
* ``imports`` — who imported which complete holder record, when, with the digest of what came in.
* ``files`` — the bytes of uploaded files, keyed by their SHA-256: a record keeps only what
  ``permitflow.FileInfo`` describes (name, real length, first bytes, digest).

PostgreSQL (``postgresql+psycopg://user:password@host:5432/portal``) is the database to deploy on;
SQLite (``sqlite:///portal.db``) serves a single machine and the tests. On SQLite every write
transaction starts with ``BEGIN IMMEDIATE`` (one writer at a time, in WAL mode so readers never
wait); a write that still finds the database locked is retried, then answered 503.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    event,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

import permitflow
from permitflow import Application, AuditEntry, FileInfo, HolderRecord

DEFAULT_DATABASE_URL = "sqlite:///portal.db"

# Column lengths, checked by the service before anything reaches the database.
HOLDER_ID_LENGTH = 32
APPLICATION_ID_LENGTH = 64
ACTOR_ID_LENGTH = 64
KEY_LENGTH = 255

metadata = MetaData()

holders = Table(
    "holders",
    metadata,
    Column("id", String(HOLDER_ID_LENGTH), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("snapshot", JSON, nullable=False),
)

applications = Table(
    "applications",
    metadata,
    Column("id", String(APPLICATION_ID_LENGTH), primary_key=True),
    Column("holder_id", String(HOLDER_ID_LENGTH), nullable=False, index=True),
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
    Column("subject_id", String(APPLICATION_ID_LENGTH), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event", String(128), nullable=False),
    Column("kind", String(16), nullable=False, server_default="event"),
    Column("rule_id", String(64), nullable=True),
    Column("from_state", String(64), nullable=False),
    Column("to_state", String(64), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("idempotency_key", String(KEY_LENGTH), nullable=True),
    Column("findings", JSON, nullable=False),
    UniqueConstraint("subject", "subject_id", "version"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("actor", String(128), primary_key=True),
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("response", JSON, nullable=False),
)

imports = Table(
    "imports",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("holder_id", String(HOLDER_ID_LENGTH), nullable=False, index=True),
    Column("actor", String(128), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("version", Integer, nullable=False),
)

files = Table(
    "files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size_bytes", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
)

TABLES = tuple(metadata.sorted_tables)


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


class InProgress(Exception):
    """The request that first carried this idempotency key is still running."""


class Busy(Exception):
    """The database stayed locked by other writers; the request changed nothing."""


class SchemaMissing(Exception):
    """The database has not been migrated (``python -m portal migrate``)."""


Response = tuple[int, dict[str, Any]]
R = TypeVar("R")

# How often a write that found the database locked is tried, before it answers 503.
LOCKED_ATTEMPTS = 4


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same request" for an idempotency key."""
    digest = hashlib.sha256()
    for part in (method.encode(), b" ", path.encode(), b"\n", body):
        digest.update(part)
    return digest.hexdigest()


def connect(url: str, lock_wait: float) -> Engine:
    """A SQLAlchemy engine for ``url``, set up for concurrent writers."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": lock_wait})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own implicit BEGIN is switched off: transactions begin below.
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get("portal_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _transient(error: DBAPIError) -> bool:
    """A lock that another writer will release soon: worth trying again."""
    text = str(error.orig).lower()
    return (
        "database is locked" in text
        or "database is busy" in text
        or (getattr(error.orig, "sqlstate", None) in ("40001", "40P01"))
    )


class Store:
    """The portal's tables at ``url``.

    ``lock_wait`` is how many seconds a write waits for a lock: on PostgreSQL for the request
    that holds the same idempotency key (then :class:`InProgress`), on SQLite for the other
    writers (then it is tried again, and :class:`Busy` in the end).
    """

    def __init__(self, url: str = DEFAULT_DATABASE_URL, *, lock_wait: float = 5.0) -> None:
        self.lock_wait = lock_wait
        self.engine = connect(url, lock_wait)
        missing = [t.name for t in TABLES if not inspect(self.engine).has_table(t.name)]
        if missing:
            self.engine.dispose()
            raise SchemaMissing(
                f"the database has no table {', '.join(missing)}: run `python -m portal migrate`"
            )

    # --- transactions and idempotency ---------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def write(self, work: Callable[[Connection], R]) -> R:
        """Run ``work`` in one write transaction, again if the database was locked meanwhile."""
        for attempt in range(LOCKED_ATTEMPTS):
            try:
                with self.engine.connect() as connection:
                    connection.execution_options(portal_write=True)
                    with connection.begin():
                        return work(connection)
            except OperationalError as error:
                if not _transient(error):
                    raise
                if attempt + 1 == LOCKED_ATTEMPTS:
                    raise Busy from None
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def idempotent(
        self,
        actor: str,
        key: str | None,
        request: str,
        work: Callable[[Connection], Response],
    ) -> tuple[Response, bool]:
        """Run ``work`` in one transaction, once per (actor, key); returns (response, replayed).

        The key is claimed first, in the same transaction: a second request with the same key
        waits on the claim until the first one commits (and answers what it answered) or rolls
        back (and runs itself). Only successful responses are kept, since a refused request
        changed nothing.
        """

        def claimed(connection: Connection) -> tuple[Response, bool]:
            if key is None:
                return work(connection), False
            try:
                self._claim(connection, actor, key, request)
            except IntegrityError:
                return self._stored(connection, actor, key, request), True
            status, body = work(connection)
            connection.execute(
                update(idempotency_keys)
                .where(idempotency_keys.c.actor == actor, idempotency_keys.c.key == key)
                .values(status=status, response=body)
            )
            return (status, body), False

        return self.write(claimed)

    def _claim(self, connection: Connection, actor: str, key: str, request: str) -> None:
        """Insert the key's row; waits while another transaction holds the same key."""
        postgresql = connection.dialect.name == "postgresql"
        try:
            with connection.begin_nested():
                if postgresql:
                    wait = max(1, int(self.lock_wait * 1000))
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {wait}")
                connection.execute(
                    insert(idempotency_keys).values(
                        actor=actor, key=key, fingerprint=request, status=0, response={}
                    )
                )
        except OperationalError as error:
            if getattr(error.orig, "sqlstate", None) == "55P03":  # lock_timeout
                raise InProgress from None
            raise
        if postgresql:
            connection.exec_driver_sql("SET LOCAL lock_timeout = 0")

    def _stored(self, connection: Connection, actor: str, key: str, request: str) -> Response:
        row = connection.execute(
            select(idempotency_keys).where(
                idempotency_keys.c.actor == actor, idempotency_keys.c.key == key
            )
        ).one()
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

    def applications_of(self, connection: Connection, holder_id: str) -> list[Application]:
        rows = connection.execute(
            select(applications.c.snapshot).where(applications.c.holder_id == holder_id)
        )
        return [_load(row.snapshot, Application) for row in rows]

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
        self._append(connection, "holder", holder.holder_id, holder.history)

    def record_import(
        self, connection: Connection, holder: HolderRecord, actor: str, at: datetime, digest: str
    ) -> None:
        """Keep who imported ``holder`` whole, when, and the digest of what came in."""
        connection.execute(
            insert(imports).values(
                holder_id=holder.holder_id, actor=actor, at=at.astimezone(UTC), digest=digest,
                version=holder.version,
            )
        )  # fmt: skip

    def imports_of(self, holder_id: str) -> list[dict[str, Any]]:
        with self.reading() as connection:
            rows = connection.execute(
                select(imports).where(imports.c.holder_id == holder_id).order_by(imports.c.seq)
            ).mappings()
            return [
                {"actor": row["actor"], "at": _aware(row["at"]).isoformat(),
                 "digest": row["digest"], "version": row["version"]}
                for row in rows
            ]  # fmt: skip

    def add_file(self, connection: Connection, name: str, content: bytes) -> FileInfo:
        """Keep ``content`` (once per digest) and describe it from the bytes themselves."""
        info = FileInfo.from_content(name, content)
        if self.file_content(connection, info.sha256) is None:
            try:
                with connection.begin_nested():
                    connection.execute(
                        insert(files).values(
                            sha256=info.sha256, size_bytes=info.size_bytes, content=content
                        )
                    )
            except IntegrityError:
                pass  # the same bytes, kept meanwhile by another request
        return info

    def file_content(self, connection: Connection, sha256: str | None) -> bytes | None:
        if sha256 is None:
            return None
        row = connection.execute(select(files.c.content).where(files.c.sha256 == sha256)).first()
        return None if row is None else bytes(row.content)

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
        self._write(connection, holders, before.holder_id, before.version, {
            "version": after.version, "snapshot": permitflow.to_dict(after),
        })  # fmt: skip
        self._append(connection, "holder", after.holder_id, after.history[len(before.history) :])

    def save_application(
        self, connection: Connection, before: Application, after: Application
    ) -> None:
        if after is before:
            return
        self._write(connection, applications, before.id, before.version, {
            "state": after.state, "version": after.version,
            "snapshot": permitflow.to_dict(after),
        })  # fmt: skip
        self._append(connection, "application", after.id, after.history[len(before.history) :])

    @staticmethod
    def _write(
        connection: Connection, table: Table, key: str, expected: int, values: dict[str, Any]
    ) -> None:
        """The optimistic write: only over the version that was read."""
        result = connection.execute(
            update(table).where(table.c.id == key, table.c.version == expected).values(**values)
        )
        if result.rowcount != 1:
            raise StaleWrite(key)

    def _append(
        self, connection: Connection, subject: str, subject_id: str, entries: tuple[AuditEntry, ...]
    ) -> None:
        for entry in entries:
            connection.execute(
                insert(events).values(
                    subject=subject, subject_id=subject_id, version=entry.sequence,
                    event=entry.event, kind=entry.kind.value, rule_id=entry.rule_id,
                    from_state=entry.from_state, to_state=entry.to_state,
                    actor=entry.actor.describe(), at=entry.at.astimezone(UTC),
                    idempotency_key=entry.idempotency_key,
                    findings=[finding.to_dict() for finding in entry.findings],
                )
            )  # fmt: skip

    def events_of(self, subject: str, subject_id: str) -> list[dict[str, Any]]:
        with self.reading() as connection:
            rows = connection.execute(
                select(events)
                .where(events.c.subject == subject, events.c.subject_id == subject_id)
                .order_by(events.c.seq)
            ).mappings()
            return [
                {
                    "version": row["version"],
                    "event": row["event"],
                    "kind": row["kind"],
                    "rule_id": row["rule_id"],
                    "from_state": row["from_state"],
                    "to_state": row["to_state"],
                    "actor": row["actor"],
                    "at": _aware(row["at"]).isoformat(),
                }
                for row in rows
            ]


T = TypeVar("T", HolderRecord, Application)


def _load(data: Mapping[str, Any], kind: type[T]) -> T:
    snapshot = permitflow.from_dict(data)
    if not isinstance(snapshot, kind):
        raise TypeError(f"stored snapshot is not a {kind.__name__}")
    return snapshot


def _aware(moment: datetime) -> datetime:
    # SQLite keeps no offset: moments are written in UTC and read back as UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
