"""The portal's storage: migrations run once, idempotency under concurrency, locks and retries.

Every test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from portal.app import create_app
from portal.migrate import migrate
from portal.store import (
    InProgress,
    Response,
    SchemaMissing,
    Store,
    events,
    fingerprint,
    metadata,
)
from portal_support import APPLICANT, EXAMPLES, HOLDER_ID, READY, TestClient, import_holder
from sqlalchemy import Connection, create_engine, func, select

import permitflow
from permitflow import HolderRecord

# --- migrations ---------------------------------------------------------------------------------


def test_the_service_does_not_create_its_schema(empty_database: str) -> None:
    with pytest.raises(SchemaMissing, match="python -m portal migrate"):
        create_app(empty_database)
    migrate(empty_database)
    create_app(empty_database).state.store.engine.dispose()


def test_the_migrations_build_the_schema_the_code_expects(empty_database: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    migrate(empty_database)
    migrate(empty_database)  # a second run finds the head and changes nothing
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []


def test_the_event_rows_of_attestations_say_so_once_migrated(empty_database: str) -> None:
    from sqlalchemy import text

    migrate(empty_database, "0002")
    engine = create_engine(empty_database)
    row = {"subject": "application", "subject_id": "A-1", "from_state": "authority_review_1",
           "to_state": "authority_review_1", "actor": "authority", "at": "2026-03-16 10:00:00",
           "findings": "[]"}  # fmt: skip
    with engine.begin() as connection:
        for version, event in enumerate(("accept", "attest:RES-001"), start=1):
            connection.execute(text(
                "INSERT INTO events (subject, subject_id, version, event, from_state, to_state,"
                " actor, at, findings) VALUES (:subject, :subject_id, :version, :event,"
                " :from_state, :to_state, :actor, :at, :findings)"
            ), {**row, "version": version, "event": event})  # fmt: skip
    migrate(empty_database)
    with engine.connect() as connection:
        rows = connection.execute(
            select(events.c.event, events.c.kind, events.c.rule_id).order_by(events.c.version)
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        ("accept", "event", None), ("attest", "attestation", "RES-001")
    ]


def test_migrations_started_together_run_once(empty_database: str) -> None:
    if empty_database.startswith("sqlite"):
        pytest.skip("SQLite has no advisory lock: a single machine migrates once, before starting")
    command = [sys.executable, "-m", "portal", "migrate", "--database", empty_database]
    runs = [
        subprocess.Popen(command, cwd=EXAMPLES, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    outcomes = [run.communicate(timeout=120) for run in runs]
    for run, (out, err) in zip(runs, outcomes, strict=True):
        assert run.returncode == 0, err.decode()
        assert b"up to date" in out
    Store(empty_database).engine.dispose()


# --- idempotency under concurrency --------------------------------------------------------------


def _holder_work(store: Store, started: threading.Event, hold: float) -> Any:
    calls: list[int] = []

    def work(connection: Connection) -> Response:
        calls.append(1)
        started.set()
        store.add_holder(connection, HolderRecord(HOLDER_ID))
        time.sleep(hold)
        return 201, {"created": HOLDER_ID}

    return work, calls


def test_concurrent_retries_wait_for_the_first_and_answer_what_it_answered(
    database: str,
) -> None:
    store = Store(database)
    started = threading.Event()
    work, calls = _holder_work(store, started, hold=0.5)
    request = fingerprint("POST", "/holders", b"{}")
    answers: list[tuple[Response, bool]] = []

    def run() -> None:
        answers.append(store.idempotent("applicant", "key-1", request, work))

    first = threading.Thread(target=run)
    first.start()
    started.wait(5)
    retries = [threading.Thread(target=run) for _ in range(8)]
    for thread in retries:
        thread.start()
    for thread in (first, *retries):
        thread.join(30)
    assert len(calls) == 1
    assert sorted(replayed for _, replayed in answers) == [False] + [True] * 8
    assert [response for response, _ in answers] == [(201, {"created": HOLDER_ID})] * 9
    store.engine.dispose()


def test_a_retry_that_waits_too_long_hears_the_first_is_in_progress(database: str) -> None:
    if not database.startswith("postgresql"):
        pytest.skip("SQLite takes one writer at a time: a waiting retry is a busy database")
    store = Store(database, lock_wait=0.2)
    started = threading.Event()
    work, calls = _holder_work(store, started, hold=1.5)
    request = fingerprint("POST", "/holders", b"{}")
    first = threading.Thread(target=store.idempotent, args=("applicant", "key-1", request, work))
    first.start()
    started.wait(5)
    with pytest.raises(InProgress):
        store.idempotent("applicant", "key-1", request, work)
    first.join(30)
    assert len(calls) == 1
    assert store.idempotent("applicant", "key-1", request, work)[1] is True
    store.engine.dispose()


def test_a_refused_request_leaves_its_key_free(database: str) -> None:
    store = Store(database)
    request = fingerprint("POST", "/holders", b"{}")

    def refused(connection: Connection) -> Response:
        store.add_holder(connection, HolderRecord(HOLDER_ID))
        raise LookupError

    with pytest.raises(LookupError):
        store.idempotent("applicant", "key-1", request, refused)
    done = store.idempotent("applicant", "key-1", request, lambda _: (200, {"ok": True}))
    assert done == ((200, {"ok": True}), False)
    with store.reading() as connection:
        assert connection.execute(select(func.count()).select_from(events)).scalar() == 0
    store.engine.dispose()


# --- a locked SQLite database -------------------------------------------------------------------


@contextmanager
def locked(path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's write transaction on the SQLite file, held until the block ends."""
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield blocker
    finally:
        if blocker.in_transaction:
            blocker.execute("ROLLBACK")
        blocker.close()


def test_a_locked_sqlite_database_answers_503_with_retry_after(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    migrate(url)
    app = create_app(url, lock_wait=0.05)
    with TestClient(app) as client:
        with locked(tmp_path / "portal.db"):
            response = client.post("/holders", json={"holder_id": HOLDER_ID}, headers=APPLICANT)
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.json()["code"] == "database_busy"
        assert client.get(f"/holders/{HOLDER_ID}", headers=APPLICANT).status_code == 404
        released = client.post("/holders", json={"holder_id": HOLDER_ID}, headers=APPLICANT)
        assert released.status_code == 201
    app.state.store.engine.dispose()


def test_a_write_that_finds_sqlite_locked_for_a_moment_is_tried_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'portal.db'}"
    migrate(url)
    store = Store(url, lock_wait=0.05)
    record = permitflow.from_dict(READY["holder"])
    assert isinstance(record, HolderRecord)
    with locked(tmp_path / "portal.db") as blocker:
        threading.Timer(0.1, lambda: blocker.execute("ROLLBACK")).start()
        store.write(lambda connection: store.add_holder(connection, record))
    with store.reading() as connection:
        assert store.holder(connection, HOLDER_ID) == record
    store.engine.dispose()


def test_the_same_key_over_http_fires_once(client: TestClient) -> None:
    import_holder(client, READY["holder"])
    request = {"event": "dissociate", "expected_version": 0}
    headers = {"X-Actor-Role": "employer", "Idempotency-Key": "leave-1",
               "X-Actor-Id": READY["holder"]["association"]["employer"]["credit_code"]}  # fmt: skip
    answers = [client.post(f"/holders/{HOLDER_ID}/events", json=request, headers=headers)
               for _ in range(3)]  # fmt: skip
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers.get("idempotent-replayed") for a in answers] == [None, "true", "true"]
    holder = client.get(f"/holders/{HOLDER_ID}", headers=APPLICANT).json()["holder"]
    assert holder["version"] == 1
