"""A bounded load test of the portal: uvicorn workers on loopback, concurrent clients, conflicting
and retried requests, and one worker killed with SIGKILL in the middle of the run.

    python -m portal.loadtest --database sqlite:///load.db
    python -m portal.loadtest --database postgresql+psycopg://user@127.0.0.1:5432/postgres

A PostgreSQL URL names a server: the test creates a database of its own there and drops it
afterwards; a SQLite URL names a file, replaced. Every client edits the basic information of
a few shared records, so that many requests race for the same version: each request carries an
``Idempotency-Key`` and its ``expected_version``; some are sent twice at once, and every request
that got no answer (the killed worker's) or was told to come back (``Retry-After``) is sent
again with the same key. Afterwards the database is read directly, and the run fails unless:

* every key answered 2xx has exactly one stored event, and every stored event was answered 2xx
  (nothing lost, nothing doubled);
* no answer was a 5xx;
* no request was told "changed by someone else" although it had been applied (a false conflict);
* each record's version equals its history length and its rows in the event table.

It stops by itself: a bounded number of requests per client and a deadline for the whole run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from .migrate import migrate
from .store import events, holders

EXAMPLES = Path(__file__).resolve().parents[1]
# The ready case's basic information, without its photo (a file the test would have to upload).
PROFILE: dict[str, Any] = {
    **json.loads((EXAMPLES / "cases" / "new-application-ready.json").read_text(encoding="utf-8"))[
        "holder"
    ]["profile"],
    "photo": None,
}


def resident_id(number: int) -> str:
    """A well-formed resident id (GB 11643 check digit) for the ``number``-th test holder."""
    body = f"110108199001{1 + number % 28:02d}{100 + number:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    replayed: int = 0
    """2xx answers that were a stored response (Idempotent-Replayed)."""
    cut: int = 0
    """Requests that got no answer (the killed worker's, mostly), sent again."""
    applied: set[str] = field(default_factory=set)
    """Keys answered 2xx."""
    conflicted: set[str] = field(default_factory=set)
    """Keys answered 409 version_conflict."""
    unresolved: set[str] = field(default_factory=set)
    """Keys still without a final answer when their attempts ran out."""
    sent: int = 0
    done: int = 0

    def saw(self, response: httpx.Response) -> None:
        with self.lock:
            self.sent += 1
            self.statuses[response.status_code] += 1
            self.replayed += response.headers.get("idempotent-replayed") == "true"
            if response.status_code >= 400:
                self.codes[f"{response.status_code} {response.json().get('code')}"] += 1


@dataclass(frozen=True)
class Plan:
    url: str
    holders: tuple[str, ...]
    clients: int
    requests: int
    deadline: float
    seed: int


def _answer_is_final(response: httpx.Response) -> bool:
    return not (response.status_code in (409, 503) and "retry-after" in response.headers)


def _send(client: httpx.Client, tally: Tally, key: str, holder_id: str, body: Any) -> None:
    """One request, sent again with its key until it has a final answer."""
    headers = {"X-Actor-Role": "applicant", "X-Actor-Id": holder_id, "Idempotency-Key": key}
    for _ in range(20):
        try:
            response = client.post(f"/holders/{holder_id}/events", json=body, headers=headers)
        except httpx.TransportError:
            with tally.lock:
                tally.sent += 1
                tally.cut += 1
            time.sleep(0.2)
            continue
        tally.saw(response)
        if not _answer_is_final(response):
            time.sleep(float(response.headers["retry-after"]) / 4)
            continue
        with tally.lock:
            if 200 <= response.status_code < 300:
                tally.applied.add(key)
            elif response.json().get("code") == "version_conflict":
                tally.conflicted.add(key)
        return
    with tally.lock:
        tally.unresolved.add(key)


def _client(plan: Plan, tally: Tally, number: int) -> None:
    chance = random.Random(plan.seed + number)
    with httpx.Client(base_url=plan.url, timeout=15) as client:
        for _ in range(plan.requests):
            if time.monotonic() > plan.deadline:
                return
            holder_id = chance.choice(plan.holders)
            headers = {"X-Actor-Role": "applicant", "X-Actor-Id": holder_id}
            try:
                view = client.get(f"/holders/{holder_id}", headers=headers)
            except httpx.TransportError:
                continue  # the killed worker's: read again with the next operation
            if view.status_code != 200:
                tally.saw(view)  # a read refused is a finding too (a 5xx above all)
                continue
            version = view.json()["holder"]["version"]
            phone = f"139{chance.randrange(10**8):08d}"
            profile = {**PROFILE, "general": {**PROFILE["general"], "phone": phone}}
            body = {"event": "edit_profile", "expected_version": version, "payload": profile}
            key = uuid.uuid4().hex
            if chance.random() < 0.25:
                # The same request twice at once, as a client that timed out too early would.
                twin = threading.Thread(target=_send, args=(client, tally, key, holder_id, body))
                twin.start()
                _send(client, tally, key, holder_id, body)
                twin.join()
            else:
                _send(client, tally, key, holder_id, body)
            with tally.lock:
                tally.done += 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _sockets(pid: int) -> int:
    descriptors = Path(f"/proc/{pid}/fd")
    count = 0
    for descriptor in descriptors.iterdir():
        try:
            count += os.readlink(descriptor).startswith("socket:")
        except OSError:
            continue
    return count


@contextmanager
def _server(database: str, workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "portal.app:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    environment = {**os.environ, "PORTAL_DATABASE_URL": database}
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(EXAMPLES), environment.get("PYTHONPATH")])
    )
    process = subprocess.Popen(command, env=environment, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while len(_children(process.pid)) < workers or not _answers(url):
            if process.poll() is not None or time.monotonic() - started > 60:
                raise RuntimeError("the portal did not start")
            time.sleep(0.2)
        yield url, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@contextmanager
def _fresh_database(url: str) -> Iterator[str]:
    """A new, migrated database on the server ``url`` names (or a new SQLite file)."""
    if url.startswith("sqlite"):
        path = Path(make_url(url).database or Path(tempfile.mkdtemp()) / "load.db")
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        migrate(f"sqlite:///{path}")
        yield f"sqlite:///{path}"
        return
    name = f"portal_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    fresh = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        migrate(fresh)
        yield fresh
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.dispose()


def _stored(database: str) -> tuple[Counter[str], list[str]]:
    """The idempotency keys of the stored events, and the records whose counts disagree."""
    engine = create_engine(database)
    with engine.connect() as connection:
        keys = Counter(
            row.idempotency_key
            for row in connection.execute(
                select(events.c.idempotency_key).where(
                    events.c.event == "edit_profile", events.c.idempotency_key.is_not(None)
                )
            )
        )
        inconsistent = []
        for row in connection.execute(select(holders.c.id, holders.c.version, holders.c.snapshot)):
            rows = connection.execute(
                select(events.c.version).where(events.c.subject_id == row.id)
            ).all()
            history = row.snapshot.get("history", [])
            if not row.version == len(history) == len(rows):
                inconsistent.append(row.id)
    engine.dispose()
    return keys, inconsistent


def run(server: str, *, workers: int, clients: int, requests: int, seconds: float) -> int:
    started = time.monotonic()
    with _fresh_database(server) as database, _server(database, workers) as (url, process):
        shared = tuple(resident_id(number) for number in range(max(2, clients // 4)))
        for holder_id in shared:
            created = httpx.post(
                f"{url}/holders", json={"holder_id": holder_id, "profile": PROFILE},
                headers={"X-Actor-Role": "applicant", "X-Actor-Id": holder_id}, timeout=15,
            )  # fmt: skip
            if created.status_code != 201:
                raise RuntimeError(f"could not create {holder_id}: {created.text}")
        plan = Plan(url, shared, clients, requests, time.monotonic() + seconds, seed=14)
        tally = Tally()
        threads = [threading.Thread(target=_client, args=(plan, tally, n)) for n in range(clients)]
        for thread in threads:
            thread.start()
        while tally.done < clients * requests // 3 and any(t.is_alive() for t in threads):
            time.sleep(0.05)
        # The worker holding the most connections: the one with requests in flight.
        victim = max(_children(process.pid), key=_sockets)
        os.kill(victim, signal.SIGKILL)
        for thread in threads:
            thread.join()
        stored, inconsistent = _stored(database)
    applied_stored = set(stored)
    lost = tally.applied - applied_stored
    phantom = applied_stored - tally.applied
    doubled = sum(count - 1 for count in stored.values() if count > 1)
    false_conflicts = tally.conflicted & applied_stored
    server_errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    backend = make_url(server).get_backend_name()
    elapsed = time.monotonic() - started
    print(
        f"portal load test on {backend}: {workers} workers x {clients} clients, "
        f"{len(shared)} shared records, worker {victim} killed (SIGKILL) after "
        f"{clients * requests // 3} operations, {elapsed:.1f} s"
    )
    print(
        f"  operations {tally.done}, writes sent {tally.sent} (answers by status "
        f"{dict(sorted(tally.statuses.items()))}, of the 2xx {tally.replayed} replayed), "
        f"cut by the kill and sent again {tally.cut}"
    )
    print(f"  refusals {dict(sorted(tally.codes.items()))}")
    print(f"  applied (2xx) {len(tally.applied)}, true conflicts {len(tally.conflicted)}, "
          f"events stored {sum(stored.values())}")  # fmt: skip
    print(
        f"  lost {len(lost)}, doubled {doubled}, stored without a 2xx {len(phantom)}, "
        f"false conflicts {len(false_conflicts)}, 5xx {server_errors}, "
        f"unresolved {len(tally.unresolved)}, inconsistent records {len(inconsistent)}"
    )
    failed = (lost or phantom or doubled or false_conflicts or server_errors
              or tally.unresolved or inconsistent or not tally.applied)  # fmt: skip
    print("  FAILED" if failed else "  ok")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.loadtest", description=__doc__)
    parser.add_argument("--database", required=True, metavar="URL")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--requests", type=int, default=20, help="operations per client")
    parser.add_argument("--seconds", type=float, default=60, help="deadline of the clients")
    arguments = parser.parse_args(argv)
    return run(
        arguments.database, workers=arguments.workers, clients=arguments.clients,
        requests=arguments.requests, seconds=arguments.seconds,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
