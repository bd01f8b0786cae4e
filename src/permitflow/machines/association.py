"""The employer association (单位关联, M§2.1, M§4.1): none, requested, associated, dissociated.

The holder asks with the association code the employer's system issued ("关联码由聘用单位系统
获知"), the employer approves ("待单位进行批复后才可进行后续操作", M§2.1) or rejects (back to
none: not described, inferred). The association ends in one of two ways, with one effect — a
valid permit is suspended (挂起) and the leaving day is recorded:

* the employer dissociates ("员工离职解除关联应由单位系统操作", M§7 note), on that day;
* the holder declares having left, with the leaving day ("自原单位离职后，将工作居住证操作为
  “挂起”状态", a step of the personal procedure, M§4.1); the resignation certificate goes to
  其他材料 as for the employer change (CHG-003).

The declared day is neither after today nor before the association began (CHG-011). Neither
way is possible while a renewal is open (CHG-010: "证件续签手续完成后再办理解除员工与单位
关联", M§4); CHG-005 warns when leaving now leaves too little time for the employer change before
expiry, and CHG-012 warns an employer dissociating a holder whose labour contract with it has not
ended (dissociation is for a holder who left, M§7 note). After either, the holder associates
with the new employer — or with the same one again, after a dissociation made in error or on a
return (返聘), and that employer takes the suspended permit back with an employer change.
"""

from __future__ import annotations

from datetime import date

import attrs
from attrs import frozen

from permitflow.calendar import local_date
from permitflow.engine.definition import Change, MachineDefinition, State, Transition
from permitflow.labels import both, enum_both
from permitflow.machines.common import APPLICANT, EMPLOYER
from permitflow.machines.permit import permit_step
from permitflow.records.holder import (
    AssociationState,
    Employer,
    LeavingDeclaration,
    PermitState,
)
from permitflow.tags import Tag

NONE, REQUESTED = AssociationState.NONE.value, AssociationState.REQUESTED.value
ASSOCIATED, DISSOCIATED = AssociationState.ASSOCIATED.value, AssociationState.DISSOCIATED.value


@frozen
class AssociationRequest:
    """The employer to associate with and the association code its system issued."""

    employer: Employer
    """The employer asked for (聘用单位)."""
    code: str
    """The association code (关联码) the employer's system issued, e.g. ``GL-CD5T``."""


def _request(change: Change) -> Change:
    request: AssociationRequest = change.payload
    association = attrs.evolve(
        change.holder.association,
        employer=request.employer,
        code=request.code,
        since=None,
        left_on=None,
    )
    return attrs.evolve(change, holder=attrs.evolve(change.holder, association=association))


def _approve(change: Change) -> Change:
    association = attrs.evolve(change.holder.association, since=change.at)
    return attrs.evolve(change, holder=attrs.evolve(change.holder, association=association))


def _reject(change: Change) -> Change:
    association = attrs.evolve(change.holder.association, employer=None, code=None, since=None)
    return attrs.evolve(change, holder=attrs.evolve(change.holder, association=association))


def _end(change: Change, left_on: date) -> Change:
    """The association ends on ``left_on``; a valid permit is suspended today."""
    association = attrs.evolve(change.holder.association, left_on=left_on)
    holder = attrs.evolve(change.holder, association=association)
    if holder.permit.state is PermitState.VALID:
        holder = permit_step(holder, "suspend", local_date(change.at))
    return attrs.evolve(change, holder=holder)


def _dissociate(change: Change) -> Change:
    return _end(change, local_date(change.at))


def _declare_leaving(change: Change) -> Change:
    declared: LeavingDeclaration = change.payload
    return _end(change, declared.left_on)


_NAME = both("machine.association")
_ASSOCIATION = frozenset({Tag.ASSOCIATION})
_LEAVING = frozenset({Tag.LEAVING})

ASSOCIATION = MachineDefinition(
    name="association",
    label_zh=_NAME[0],
    label_en=_NAME[1],
    states=tuple(State(state.value, *enum_both(state)) for state in AssociationState),
    initial=NONE,
    transitions=(
        Transition(
            "request_association", (NONE, DISSOCIATED), REQUESTED, APPLICANT,
            *both("event.association.request_association"),
            guards=frozenset({"flow"}), payload=AssociationRequest,
            payload_required=True, effect=_request, tags=_ASSOCIATION,
        ),
        Transition(
            "approve_association", (REQUESTED,), ASSOCIATED, EMPLOYER,
            *both("event.association.approve_association"), effect=_approve,
            tags=_ASSOCIATION,
        ),
        Transition(
            "reject_association", (REQUESTED,), NONE, EMPLOYER,
            *both("event.association.reject_association"), effect=_reject,
            tags=_ASSOCIATION,
        ),
        Transition(
            "dissociate", (ASSOCIATED,), DISSOCIATED, EMPLOYER,
            *both("event.association.dissociate"), guards=frozenset({"chg", "flow"}),
            effect=_dissociate, tags=_LEAVING,
        ),
        Transition(
            "declare_leaving", (ASSOCIATED,), DISSOCIATED, APPLICANT,
            *both("event.association.declare_leaving"), guards=frozenset({"chg", "flow"}),
            payload=LeavingDeclaration, payload_required=True, effect=_declare_leaving,
            tags=_LEAVING,
        ),
    ),
    state_path=("association", "state"),
    cyclic=True,
)  # fmt: skip
