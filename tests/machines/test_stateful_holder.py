"""The whole holder record under random events from random actors, with the timers' sweep.

Invariants: a permit is never valid after its expiry date once swept (time moves only through
the sweep), never two applications open at once (a cancellation aside), an expired or
cancelled permit never comes back (a new application issues a fresh permit and keeps the ended
one among the former permits, which only grow), a refused event changes nothing, and every
snapshot survives JSON.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import event as event_note
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from permitflow.engine.review import APPROVED
from permitflow.engine.snapshot import from_dict, to_dict
from permitflow.errors import EventNotAllowed, InvalidInput, ProcedureError
from permitflow.machines import sweep
from permitflow.machines.association import AssociationRequest
from permitflow.machines.attachments import DeleteAttachment
from permitflow.machines.common import CLOSED, DRAFT, WITHDRAWN
from permitflow.records.actors import Actor
from permitflow.records.application import Application, BusinessType
from permitflow.records.holder import (
    Attachment,
    FileInfo,
    HolderRecord,
    LeavingDeclaration,
    Permit,
    PermitState,
    Slot,
)
from permitflow.rules import haidian
from permitflow.rules.haidian.timers import RULES as TIMER_RULES
from permitflow.rules.rule import local_date
from permitflow.testing import (
    AT,
    EMPLOYERS,
    actors,
    allowed_moves,
    default_form,
    holders,
    rule_engine,
)

_HAIDIAN = haidian.ruleset.in_force_on(local_date(AT))
ENGINE = rule_engine(
    (*TIMER_RULES, _HAIDIAN.rule("FLOW-001"), _HAIDIAN.rule("FLOW-004")),
    _HAIDIAN.params_on(local_date(AT)),
)
"""The machines judged by their timers and the Haidian rules of one open application at a time
(FLOW-001, and FLOW-004 once it is accepted)."""
LAST_MOMENT = AT + timedelta(days=3600)
WITHIN_TOLERANCE = timedelta(days=3600)
NOT_OPEN = frozenset({DRAFT, APPROVED, CLOSED, WITHDRAWN})
LIVE = (PermitState.VALID, PermitState.SUSPENDED)
PAYLOADS: dict[str, st.SearchStrategy[Any]] = {
    "upload_attachment": st.sampled_from(tuple(Slot)).map(
        lambda slot: Attachment(slot, FileInfo(f"{slot.value}.pdf", 1000, b"%PDF-1.7\n"), AT.date())
    ),
    "delete_attachment": st.sampled_from(tuple(Slot)).map(DeleteAttachment),
    "request_association": st.sampled_from(EMPLOYERS).map(
        lambda employer: AssociationRequest(employer, "GL-0001")
    ),
    "declare_leaving": st.integers(-400, 2).map(
        lambda days: LeavingDeclaration(AT.date() + timedelta(days=days))
    ),
}


def needs_reason(application: Application, event: str) -> bool:
    """Whether ``event`` of the application's machine asks for a stated reason."""
    definition = ENGINE.definition(application.business_type, 2)
    return any(t.reason for t in definition.transitions if t.event == event)


def round_trips(snapshot: Application | HolderRecord) -> bool:
    return bool(from_dict(json.loads(json.dumps(to_dict(snapshot)))) == snapshot)


class HolderLife(RuleBasedStateMachine):
    @initialize(
        holder=holders(
            (PermitState.NONE, PermitState.VALID, PermitState.SUSPENDED, PermitState.EXPIRED)
        )
    )
    def begin(self, holder: HolderRecord) -> None:
        self.holder = holder
        self.applications: list[Application] = []
        self.moment = AT
        self.ended: Permit | None = holder.permit if holder.permit.is_terminal else None
        self.former: tuple[Permit, ...] = holder.former_permits

    def _tick(self) -> None:
        self.moment += timedelta(minutes=20)

    def _snapshot(self) -> tuple[Any, ...]:
        return (to_dict(self.holder), *(to_dict(a) for a in self.applications))

    @rule(kind=st.sampled_from(tuple(BusinessType)))
    def start(self, kind: BusinessType) -> None:
        self.applications.append(
            ENGINE.start(
                kind, holder=self.holder, application_id=f"A{len(self.applications) + 1}",
                at=self.moment, form=default_form(kind, at=self.moment),
            )
        )  # fmt: skip

    @rule(data=st.data())
    def fire_application(self, data: st.DataObject) -> None:
        if not self.applications:
            return
        index = data.draw(st.integers(0, len(self.applications) - 1))
        application = self.applications[index]
        event = data.draw(st.sampled_from(ENGINE.definition(application.business_type, 2).events))
        actor = data.draw(st.one_of(actors(application), actors(application, right=False)))
        before = self._snapshot()
        self._tick()
        try:
            outcome = ENGINE.fire(
                application, event, actor=actor, at=self.moment, holder=self.holder,
                opinion="请按意见修改" if "return" in event else None,
                reason="另有安排" if needs_reason(application, event) else None,
            )  # fmt: skip
        except (ProcedureError, InvalidInput):
            assert self._snapshot() == before
            return
        event_note(f"accepted {event}")
        self.holder = outcome.holder
        self.applications[index] = outcome.application

    @rule(data=st.data(), steps=st.integers(min_value=1, max_value=8))
    def advance_application(self, data: st.DataObject, steps: int) -> None:
        """Steps the engine allows, so that procedures get somewhere."""
        if not self.applications:
            return
        index = data.draw(st.integers(0, len(self.applications) - 1))
        for _ in range(steps):
            application = self.applications[index]
            self._tick()
            moves = allowed_moves(ENGINE, application, self.holder, self.moment)
            if not moves:
                return
            event, actor = data.draw(st.sampled_from(moves))
            before = self._snapshot()
            try:
                outcome = ENGINE.fire(
                    application, event, actor=actor, at=self.moment, holder=self.holder,
                    opinion="请按意见修改" if "return" in event else None,
                    reason="另有安排" if needs_reason(application, event) else None,
                )  # fmt: skip
            except EventNotAllowed:
                # the permit's own lifecycle refuses it (a renewal of a suspended permit)
                assert self._snapshot() == before
                return
            event_note(f"advanced {event}")
            self.holder = outcome.holder
            self.applications[index] = outcome.application

    @rule(data=st.data(), event=st.sampled_from(ENGINE.holder_events))
    def fire_holder(self, data: st.DataObject, event: str) -> None:
        actor: Actor = data.draw(st.one_of(actors(self.holder), actors(self.holder, right=False)))
        payload = (
            self.holder.profile if event == "edit_profile"
            else data.draw(PAYLOADS[event]) if event in PAYLOADS else None
        )  # fmt: skip
        before = self._snapshot()
        self._tick()
        try:
            outcome = ENGINE.fire_holder(self.holder, event, actor=actor, at=self.moment,
                                         payload=payload)  # fmt: skip
        except (ProcedureError, InvalidInput):
            assert self._snapshot() == before
            return
        event_note(f"accepted {event}")
        self.holder = outcome.holder

    @rule(days=st.integers(min_value=0, max_value=500))
    def sweep_later(self, days: int) -> None:
        # Time moves on, but stays within the ten years a record accepts after its latest event.
        latest = max(
            (entry.at for record in (self.holder, *self.applications) for entry in record.history),
            default=self.moment,
        )
        bound = min(LAST_MOMENT, latest + WITHIN_TOLERANCE)
        self.moment = max(self.moment, min(self.moment + timedelta(days=days), bound))
        result = sweep(ENGINE, self.holder, self.applications, self.moment)
        self.holder, self.applications = result.holder, list(result.applications)
        permit = self.holder.permit
        if permit.state in LIVE and permit.expires_on is not None:
            assert local_date(self.moment) <= permit.expires_on

    @invariant()
    def never_two_open_applications(self) -> None:
        """One open application at a time; a cancellation stands outside the rule (it neither
        waits for another nor holds the marker)."""
        open_ids = [
            a.id for a in self.applications
            if a.state not in NOT_OPEN and a.business_type is not BusinessType.CANCELLATION
        ]  # fmt: skip
        assert len(open_ids) <= 1, open_ids
        marker = self.holder.open_application
        assert ([marker.id] if marker else []) == open_ids

    @invariant()
    def an_ended_permit_never_comes_back(self) -> None:
        former = self.holder.former_permits
        assert former[: len(self.former)] == self.former
        assert all(permit.is_terminal for permit in former)
        if self.ended is not None:
            # Still the current permit, as it ended, or moved to the former ones as it ended.
            assert self.ended in (self.holder.permit, *former[len(self.former) :])
        self.ended = self.holder.permit if self.holder.permit.is_terminal else None
        self.former = former

    @invariant()
    def snapshots_round_trip(self) -> None:
        assert round_trips(self.holder)
        assert all(round_trips(application) for application in self.applications)

    @invariant()
    def versions_count_history(self) -> None:
        assert self.holder.version == len(self.holder.history)
        assert all(a.version == len(a.history) for a in self.applications)


HolderLife.TestCase.settings = settings(
    max_examples=100, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)  # fmt: skip
TestHolderLife = HolderLife.TestCase
