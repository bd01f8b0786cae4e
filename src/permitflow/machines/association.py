"""The employer association (单位关联, M§2.1, M§4.1): none, requested, associated, dissociated.

The holder asks with the association code the employer's system issued ("关联码由聘用单位系统
获知"), the employer approves ("待单位进行批复后才可进行后续操作", M§2.1) or rejects (back to
none: not described, inferred). Only the employer dissociates ("员工离职解除关联应由单位系统
操作", M§7 note), which suspends a valid permit (M§4.1); CHG-005 guards it when a renewal is
due first (M§4 注意事项 3). After a dissociation the holder associates with the new employer.
"""

from __future__ import annotations

import attrs
from attrs import frozen

from permitflow.engine.definition import Change, MachineDefinition, State, Transition
from permitflow.machines.common import APPLICANT, EMPLOYER
from permitflow.machines.permit import permit_step
from permitflow.records.holder import AssociationState, Employer, PermitState
from permitflow.rules.rule import local_date

NONE, REQUESTED = AssociationState.NONE.value, AssociationState.REQUESTED.value
ASSOCIATED, DISSOCIATED = AssociationState.ASSOCIATED.value, AssociationState.DISSOCIATED.value


@frozen
class AssociationRequest:
    """The employer to associate with and the association code its system issued."""

    employer: Employer
    code: str


def _request(change: Change) -> Change:
    request: AssociationRequest = change.payload
    association = attrs.evolve(
        change.holder.association, employer=request.employer, code=request.code, since=None
    )
    return attrs.evolve(change, holder=attrs.evolve(change.holder, association=association))


def _approve(change: Change) -> Change:
    association = attrs.evolve(change.holder.association, since=change.at)
    return attrs.evolve(change, holder=attrs.evolve(change.holder, association=association))


def _reject(change: Change) -> Change:
    association = attrs.evolve(change.holder.association, employer=None, code=None, since=None)
    return attrs.evolve(change, holder=attrs.evolve(change.holder, association=association))


def _dissociate(change: Change) -> Change:
    if change.holder.permit.state is not PermitState.VALID:
        return change
    holder = permit_step(change.holder, "suspend", local_date(change.at))
    return attrs.evolve(change, holder=holder)


ASSOCIATION = MachineDefinition(
    name="association",
    label_zh="单位关联",
    label_en="Employer association",
    states=(
        State(NONE, "未关联", "Not associated"),
        State(REQUESTED, "已申请关联，待单位批复", "Requested: waiting for the employer"),
        State(ASSOCIATED, "已关联", "Associated"),
        State(DISSOCIATED, "已解除关联", "Dissociated"),
    ),
    initial=NONE,
    transitions=(
        Transition(
            "request_association", (NONE, DISSOCIATED), REQUESTED, APPLICANT,
            "凭关联码申请关联单位", "Request association with the employer's code",
            guards=frozenset({"flow"}), payload=AssociationRequest,
            payload_required=True, effect=_request,
        ),
        Transition(
            "approve_association", (REQUESTED,), ASSOCIATED, EMPLOYER, "单位批复关联",
            "Employer approves the association", effect=_approve,
        ),
        Transition(
            "reject_association", (REQUESTED,), NONE, EMPLOYER, "单位驳回关联",
            "Employer rejects the association", effect=_reject,
        ),
        Transition(
            "dissociate", (ASSOCIATED,), DISSOCIATED, EMPLOYER, "单位解除关联（证件挂起）",
            "Employer dissociates (the permit is suspended)",
            guards=frozenset({"chg", "flow"}), effect=_dissociate,
        ),
    ),
    state_path=("association", "state"),
    cyclic=True,
)  # fmt: skip
