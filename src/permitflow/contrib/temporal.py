"""permitflow inside Temporal: one durable workflow per application (the ``temporal`` extra).

``ApplicationWorkflow`` holds one application and its holder's record and moves them only
through the engine:

* every event is a Temporal **Update** (``ApplicationWorkflow.fire``, and
  ``ApplicationWorkflow.attest`` for attestations) whose **validator** is
  ``Engine.allowed_events``: an event the procedure refuses now (not from this state, not
  by this actor, blocked by the rules) is rejected before it enters the workflow's history,
  with the error's code and its Chinese and English message; an accepted one returns the
  findings that came with it;
* **Queries** answer the snapshots (``ApplicationWorkflow.snapshot``) and where the
  application stands (``ApplicationWorkflow.progress``, the portal's 在办业务进度);
* two **durable timers**: the permit's expiry sweep (the day after the expiry date, at
  ``sweep_time`` Beijing time: the permit expires and an application it makes moot is closed,
  ``permitflow.machines.permit.sweep``) and the review due date (the day after the
  prescribed review period ends, the overdue day is recorded for the progress query);
* **continue-as-new** once a run has taken ``events_per_run`` events (or Temporal suggests
  it): the next run starts from the current snapshots, so a long procedure keeps a short
  Temporal history while permitflow's own audit trail stays whole in the snapshot.

Time: an event's moment is the one its request names, else the workflow's clock
(``workflow.now()``, which Temporal replays deterministically); timers are measured on that
clock. permitflow itself reads no clock.

The worker runs the workflow in Temporal's default sandbox with only permitflow (and the
``holidays`` data it reads) passed through (``sandbox_runner``): permitflow calls no gettext,
locale, platform or clock at import or run time, and keeps no state between workflow runs
except compiled machines.

This is a library module rather than an example so that a deployment imports the workflow
and its messages from an installed, typed package and registers them on its own workers,
the way it imports the engine; the core never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from permitflow.engine.engine import Engine
from permitflow.engine.snapshot import from_dict, structure, to_dict, unstructure
from permitflow.errors import InvalidInput, PermitflowError
from permitflow.records.actors import Actor
from permitflow.records.application import Application
from permitflow.records.holder import HolderRecord, PermitState
from permitflow.rules.rule import BEIJING
from permitflow.views.status import progress
from permitflow.views.sweep import sweep

__all__ = [
    "ApplicationStart",
    "ApplicationWorkflow",
    "AttestRequest",
    "EventRequest",
    "Snapshots",
    "TASK_QUEUE",
    "sandbox_runner",
]

TASK_QUEUE = "permitflow"
"""The task queue the workers of this module poll by default."""

_LIVE = (PermitState.VALID, PermitState.SUSPENDED)


# --- messages: plain data that Temporal's JSON converter carries --------------------------------


@dataclass(frozen=True)
class ApplicationStart:
    """What a run starts from: the snapshots (``permitflow.to_dict``) and the settings."""

    application: dict[str, Any]
    holder: dict[str, Any]
    ruleset: str | None = None
    """The rule-set family name (None: the default, Haidian)."""
    sweep_time: str = "00:00:00"
    """The Beijing time of day the timers fire, on the day after the day they are due."""
    events_per_run: int = 500
    """Events one run takes before it continues as new."""
    timers: list[str] = field(default_factory=list)
    """What the timers have done so far (carried across runs)."""
    review_overdue_on: str | None = None
    """The last review due date found exceeded by the review timer (carried across runs)."""


@dataclass(frozen=True)
class EventRequest:
    """One event for ``ApplicationWorkflow.fire`` (the arguments of ``Engine.fire``)."""

    event: str
    actor: dict[str, Any]
    """``permitflow.unstructure(actor)``."""
    at: str | None = None
    """ISO 8601 moment with its offset; None: the workflow's clock."""
    payload: dict[str, Any] | None = None
    """``permitflow.unstructure`` of the event's payload, if it takes one."""
    opinion: str | None = None
    tips: list[str] = field(default_factory=list)
    expected_version: int | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class AttestRequest:
    """One attestation for ``ApplicationWorkflow.attest`` (``Engine.attest``)."""

    rule_id: str
    actor: dict[str, Any]
    at: str | None = None
    note: str = ""
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Snapshots:
    """The application and the holder's record as they stand, with the latest findings."""

    application: dict[str, Any]
    holder: dict[str, Any]
    findings: list[dict[str, Any]] = field(default_factory=list)
    """The findings of the latest accepted event or attestation."""
    timers: list[str] = field(default_factory=list)
    """What the timers have done: ``holder:expire``, ``<application id>:close_moot``,
    ``review_overdue:<due date>``."""


# --- the workflow -------------------------------------------------------------------------------


_ENGINES: dict[str | None, Engine] = {}


def _engine(ruleset: str | None) -> Engine:
    # Engines keep only compiled machines: sharing one per rule set across runs is deterministic.
    engine = _ENGINES.get(ruleset)
    if engine is None:
        engine = _ENGINES[ruleset] = Engine(ruleset)
    return engine


def _rejected(error: PermitflowError) -> ApplicationError:
    """A permitflow refusal as Temporal carries it: the code as its type, both messages."""
    return ApplicationError(
        error.message("en"), error.to_dict(), type=error.code, non_retryable=True
    )


@workflow.defn(name="permitflow.Application")
class ApplicationWorkflow:
    """One application of one holder, from its draft to its end."""

    @workflow.init
    def __init__(self, start: ApplicationStart) -> None:
        self._start = start
        self._engine = _engine(start.ruleset)
        application = from_dict(start.application)
        holder = from_dict(start.holder)
        if not isinstance(application, Application) or not isinstance(holder, HolderRecord):
            raise ApplicationError(
                "An application workflow starts from an application and a holder snapshot.",
                type=InvalidInput.code,
                non_retryable=True,
            )
        self._application = application
        self._holder = holder
        self._findings: list[dict[str, Any]] = []
        self._timers = list(start.timers)
        self._review_overdue_on = start.review_overdue_on
        self._sweep_time = time.fromisoformat(start.sweep_time)
        self._events_this_run = 0

    @workflow.run
    async def run(self, start: ApplicationStart) -> Snapshots:
        while not self._ended():
            due = self._next_timer()
            if due is not None and due <= workflow.now():
                self._on_timer()  # already due when the run (re)started: no timer to wait for
                continue
            try:
                await workflow.wait_condition(
                    self._moved(self._events_this_run),
                    timeout=None if due is None else due - workflow.now(),
                )
            except TimeoutError:
                self._on_timer()
            if self._events_this_run >= start.events_per_run or (
                workflow.info().is_continue_as_new_suggested()
            ):
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(self._next_start())
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.snapshot()

    # --- events --------------------------------------------------------------------------------

    @workflow.update
    def fire(self, request: EventRequest) -> Snapshots:
        """Fire an event; a refusal found only now (a stale version, an earlier moment) fails
        the update with the error's code and messages, and changes nothing."""
        at = self._moment(request.at)
        try:
            outcome = self._engine.fire(
                self._application,
                request.event,
                actor=structure(request.actor, Actor),
                at=at,
                holder=self._holder,
                expected_version=request.expected_version,
                idempotency_key=request.idempotency_key,
                payload=self._payload(request, at),
                opinion=request.opinion,
                tips=request.tips,
            )
        except PermitflowError as error:
            raise _rejected(error) from None
        self._accept(outcome.application, outcome.holder, outcome.findings, outcome.replayed)
        return self.snapshot()

    @fire.validator
    def _validate_fire(self, request: EventRequest) -> None:
        """Rejects what ``Engine.allowed_events`` does not allow now (a retried request whose
        idempotency key is already in the history is let through: the engine replays it)."""
        if request.idempotency_key is not None and any(
            entry.idempotency_key == request.idempotency_key
            for entry in self._application.history
        ):
            return
        try:
            at = self._moment(request.at)
            actor = structure(request.actor, Actor)
            options = self._engine.allowed_events(self._application, actor, at,
                                                  holder=self._holder)  # fmt: skip
            option = next((o for o in options if o.event == request.event), None)
            if option is None:
                # Unknown here: the engine's own check names the events there are.
                self._engine.check(self._application, request.event, at=at, holder=self._holder)
        except PermitflowError as error:
            raise _rejected(error) from None
        if option is not None and not option.allowed:
            details = {"code": option.reason, "message_zh": option.reason_zh,
                       "message_en": option.reason_en, "event": option.event,
                       "findings": [f.to_dict() for f in option.findings]}  # fmt: skip
            raise ApplicationError(
                option.reason_en, details, type=option.reason, non_retryable=True
            )

    @workflow.update
    def attest(self, request: AttestRequest) -> Snapshots:
        """Record a person's attestation of a rule (``Engine.attest``)."""
        try:
            outcome = self._engine.attest(
                self._application,
                request.rule_id,
                actor=structure(request.actor, Actor),
                at=self._moment(request.at),
                holder=self._holder,
                note=request.note,
                idempotency_key=request.idempotency_key,
            )
        except PermitflowError as error:
            raise _rejected(error) from None
        self._accept(outcome.application, outcome.holder, outcome.findings, outcome.replayed)
        return self.snapshot()

    # --- queries -------------------------------------------------------------------------------

    @workflow.query
    def snapshot(self) -> Snapshots:
        return Snapshots(to_dict(self._application), to_dict(self._holder),
                         list(self._findings), list(self._timers))  # fmt: skip

    @workflow.query
    def progress(self, at: str | None = None) -> dict[str, Any]:
        """``permitflow.progress`` at ``at`` (None: the workflow's clock), as plain data, with
        ``review_overdue_on``: the due date the review timer found exceeded, if any."""
        seen = progress(self._engine, self._application, self._moment(at), holder=self._holder)
        answer: dict[str, Any] = unstructure(seen)
        answer["review_overdue_on"] = self._review_overdue_on
        return answer

    # --- timers --------------------------------------------------------------------------------

    def _next_timer(self) -> datetime | None:
        """When the next timer fires: the expiry sweep or the review due date, if any."""
        candidates: list[datetime] = []
        permit = self._holder.permit
        if permit.state in _LIVE and permit.expires_on is not None:
            candidates.append(self._day_after(permit.expires_on))
        due = self._review_due()
        if due is not None and due.isoformat() != self._review_overdue_on:
            candidates.append(self._day_after(due))
        return min(candidates, default=None)

    def _on_timer(self) -> None:
        at = self._moment(None)
        result = sweep(self._engine, self._holder, [self._application], at)
        self._holder, (self._application,) = result.holder, result.applications
        self._timers.extend(f"{event.subject}:{event.event}" for event in result.events)
        due = self._review_due()
        if due is not None and self._day_after(due) <= at:
            self._review_overdue_on = due.isoformat()
            self._timers.append(f"review_overdue:{due.isoformat()}")

    def _review_due(self) -> date | None:
        if self._ended():
            return None
        seen = progress(self._engine, self._application, self._moment(None), holder=self._holder)
        if seen.review_due is None or seen.review_paused:
            return None
        return seen.review_due.date

    def _day_after(self, day: date) -> datetime:
        return datetime.combine(day + timedelta(days=1), self._sweep_time, BEIJING)

    # --- helpers -------------------------------------------------------------------------------

    def _moved(self, taken: int) -> Callable[[], bool]:
        """Whether an event was taken since ``taken`` events, or the application ended."""
        return lambda: self._events_this_run != taken or self._ended()

    def _ended(self) -> bool:
        definition = self._engine.definition_for(self._application, self._moment(None))
        return self._application.state in definition.terminal_states

    def _moment(self, text: str | None) -> datetime:
        if text is None:
            return workflow.now().astimezone(BEIJING)
        return datetime.fromisoformat(text)

    def _payload(self, request: EventRequest, at: datetime) -> Any:
        if request.payload is None:
            return None
        definition = self._engine.definition_for(self._application, at)
        kind = next((t.payload for t in definition.transitions
                     if t.event == request.event and t.payload is not None), None)  # fmt: skip
        return request.payload if kind is None else structure(request.payload, kind)

    def _accept(
        self, application: Application, holder: HolderRecord, findings: Any, replayed: bool
    ) -> None:
        self._application, self._holder = application, holder
        self._findings = [finding.to_dict() for finding in findings]
        if not replayed:
            self._events_this_run += 1

    def _next_start(self) -> ApplicationStart:
        return replace(
            self._start,
            application=to_dict(self._application),
            holder=to_dict(self._holder),
            timers=list(self._timers),
            review_overdue_on=self._review_overdue_on,
        )


def sandbox_runner() -> SandboxedWorkflowRunner:
    """Temporal's default workflow sandbox with permitflow passed through, so that its modules
    and compiled machines are loaded once per worker; with it the ``holidays`` data, which
    permitflow imports the first time it counts a working day (perhaps inside a workflow)."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(
            "permitflow", "holidays"
        )
    )
