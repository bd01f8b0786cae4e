"""What the six business machines share: the manual's two procedures and their effects.

Variant A, applicant-initiated (new, basic-info change, business-info change)::

    draft -submit-> employer_review -employer_approve-> awaiting_acceptance -> review levels
    employer_review -employer_return-> employer_returned -resubmit-> employer_review
    returned -resubmit (applicant)-> employer_review

"申请发起后，由聘用单位进行审核，审核通过后等待主管部门进行受理 …… 不通过的：根据主管部门出具的
审批意见进行修改，在修改完毕后再次重新发起申请事项" (M§2.4; the same in M§5.5 and M§6.4).

Variant E, employer-initiated (renewal, employer change)::

    draft -prepare (applicant)-> ready -initiate (employer)-> awaiting_acceptance -> review levels
    returned -notify_fixed (applicant)-> fixed -reinitiate (employer)-> awaiting_acceptance

"由单位确认无误后，在单位系统发起 …… 在修改完毕后告知单位再次发起申请事项" (M§3.2, M§4.3).

Every machine can be withdrawn (撤回, ``withdraw``) with a stated reason by the party that filed
it, from every state before the authority's acceptance and after a return: the applicant for
variant A; for variant E the employer, and the applicant too before the employer initiated;
for a cancellation, whoever filed it. A withdrawal ends the application (``withdrawn``) and
frees the holder's open-application marker (catalogue §3.5, inferred: the manual has no
withdrawal, but FLOW-001 would otherwise leave an abandoned case blocking every other one).
Once the authority accepted a file it can only be passed, returned or suspended (中止审核).

Every machine also has ``close_moot``: the portal's timer closes an application from any state
that has not ended once the permit it concerns has expired or been cancelled (catalogue §3.4,
inferred), guarded by FLOW-102.

While an application is with the employer or the authority, the holder's record carries it as
``open_application`` with ``under_review`` set; the profile and attachment events are locked
by FLOW-103 meanwhile (catalogue §3.7, inferred).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen

from permitflow.engine.definition import (
    Amend,
    Change,
    Effect,
    Ending,
    MachineDefinition,
    State,
    Transition,
)
from permitflow.engine.review import AWAITING_ACCEPTANCE, RETURNED, review_path
from permitflow.errors import InvalidInput
from permitflow.labels import both, enum_both
from permitflow.records.actors import Role
from permitflow.records.application import FORM_TYPES, Application, BusinessType
from permitflow.records.copying import replace
from permitflow.records.holder import OpenApplication
from permitflow.tags import Tag

APPLICANT = frozenset({Role.APPLICANT})
EMPLOYER = frozenset({Role.EMPLOYER})
SYSTEM = frozenset({Role.SYSTEM})

DRAFT = "draft"
EMPLOYER_REVIEW = "employer_review"
EMPLOYER_RETURNED = "employer_returned"
READY = "ready"
FIXED = "fixed"
CLOSED = "closed"
WITHDRAWN = "withdrawn"

_SUBMISSION = frozenset({Tag.SUBMISSION})
_RESUBMISSION = frozenset({Tag.RESUBMISSION})

RECORD_GROUPS = frozenset({"acc", "bi", "edu", "his", "att", "doc", "huk", "emp", "res", "id"})
"""The groups judging the holder's record itself: what every full filing is checked against."""
APPLICANT_DATA_GROUPS = frozenset({"id", "bi", "edu", "his"})
"""The groups judging the applicant's own data (ID-001 and the basic-information rules): they
guard every step the applicant takes, in every procedure, not only the employer's."""
REVIEWED_GROUPS = frozenset({"bi", "edu", "his", "att", "res"})
"""The groups with rules a reviewer attests at the authority's pass (catalogue §4.1-4.3)."""


@frozen
class Guards:
    """The rule groups guarding each step of a procedure."""

    start: frozenset[str]
    """The applicant's steps: submit and resubmit (A), prepare and notify_fixed (E)."""
    employer: frozenset[str]
    """The employer's steps: employer_approve (A), initiate and reinitiate (E)."""
    review: frozenset[str]
    """The authority's accept and pass: where the reviewer's attestations are asked for
    (BI-002/003, ATT-004..006, RES-001 and the human halves of the hybrid rules), recorded
    with ``Engine.attest``."""


def application_of(change: Change) -> Application:
    """The application an effect of a business machine works on (always there)."""
    if change.application is None:
        raise InvalidInput("no_application", field="application")
    return change.application


def chain(*effects: Effect) -> Effect:
    """One effect applying ``effects`` in order."""

    def run(change: Change) -> Change:
        for effect in effects:
            change = effect(change)
        return change

    return run


def param(change: Change, name: str, default: Any) -> Any:
    """A rule-set parameter in force, or the machine's own default when the set has none."""
    params: Mapping[str, Any] = change.params
    return params.get(name, default)


def keep_open(*, under_review: bool) -> Effect:
    """Marks the application as the holder's one open application, with the employer or the
    authority (``under_review``) or back with the holder."""

    def effect(change: Change) -> Change:
        application = application_of(change)
        current = change.holder.open_application
        if current is None:
            marker = OpenApplication(application.id, application.business_type.value, under_review)
        elif current.id != application.id:
            # Another application holds the marker (only without the rules: FLOW-001 lets
            # nothing else start): it is never displaced.
            return change
        elif current.under_review == under_review:
            return change
        else:
            marker = replace(current, under_review=under_review)
        return replace(change, holder=replace(change.holder, open_application=marker))

    return effect


def release(change: Change) -> Change:
    """The application has ended: the holder may start another one."""
    application = application_of(change)
    current = change.holder.open_application
    if current is None or current.id != application.id:
        return change
    return replace(change, holder=replace(change.holder, open_application=None))


def withdraw(
    sources: tuple[str, ...], roles: frozenset[Role], *, by_filer: frozenset[str] = frozenset()
) -> Transition:
    """``withdraw`` (撤回) from ``sources`` by ``roles``: the application ends, the holder may
    start another one."""
    return Transition(
        "withdraw", sources, WITHDRAWN, roles, *both("event.withdraw"),
        reason=True, by_filer=by_filer, effect=release,
        tags=frozenset({Tag.WITHDRAWAL}),
    )  # fmt: skip


def close_moot(sources: tuple[str, ...]) -> Transition:
    return Transition(
        "close_moot", sources, CLOSED, SYSTEM, *both("event.close_moot"),
        guards=frozenset({"flow"}), effect=release, tags=frozenset({Tag.CLOSING}),
    )  # fmt: skip


CLOSED_STATE = State(CLOSED, *both("state.closed"), terminal=True, ending=Ending.CLOSED)
WITHDRAWN_STATE = State(
    WITHDRAWN, *both("state.withdrawn"), terminal=True, ending=Ending.WITHDRAWN
)


def business_machine(
    business_type: BusinessType,
    states: tuple[State, ...],
    transitions: tuple[Transition, ...],
) -> MachineDefinition:
    """The machine of ``business_type``, named as the business: starting in ``draft``, with
    ``close_moot`` from every open state.

    ``transitions`` include the machine's ``withdraw`` steps (see
    [`withdraw`][permitflow.machines.common.withdraw])."""
    open_states = tuple(state.name for state in states if not state.terminal)
    label_zh, label_en = enum_both(business_type)
    return MachineDefinition(
        name=business_type.value,
        label_zh=label_zh,
        label_en=label_en,
        states=(*states, WITHDRAWN_STATE, CLOSED_STATE),
        initial=DRAFT,
        transitions=(*transitions, close_moot(open_states)),
    )


def applicant_initiated(
    business_type: BusinessType,
    levels: int,
    *,
    guards: Guards,
    on_approve: Effect,
    employer_payload: type | None = None,
    employer_amend: Amend | None = None,
    employer_can_return: bool = True,
    resubmit_via_employer: bool = True,
) -> MachineDefinition:
    """Variant A for ``levels`` authority review levels.

    ``employer_can_return``: whether the employer's review can return a file (catalogue §12.5,
    assumed yes). ``resubmit_via_employer``: whether a resubmission after the authority's
    return goes through the employer's review again (catalogue §3.5, inferred) or straight to
    the authority.
    """
    form = FORM_TYPES[business_type]
    lock, unlock = keep_open(under_review=True), keep_open(under_review=False)
    path = review_path(
        levels, guards=guards.review, on_approve=chain(on_approve, release), on_return=unlock
    )
    states = [
        State(DRAFT, *both("state.draft")),
        State(EMPLOYER_REVIEW, *both("state.employer_review")),
    ]
    transitions = [
        Transition(
            "submit", (DRAFT,), EMPLOYER_REVIEW, APPLICANT, *both("event.submit"),
            guards=guards.start, payload=form, effect=lock, tags=_SUBMISSION,
        ),
        Transition(
            "employer_approve", (EMPLOYER_REVIEW,), AWAITING_ACCEPTANCE, EMPLOYER,
            *both("event.employer_approve"), guards=guards.employer,
            payload=employer_payload, amend=employer_amend,
            tags=frozenset({Tag.EMPLOYER_APPROVAL}),
        ),
    ]  # fmt: skip
    resubmit_from = [RETURNED]
    before_acceptance = [DRAFT, EMPLOYER_REVIEW, AWAITING_ACCEPTANCE, RETURNED]
    if employer_can_return:
        states.append(State(EMPLOYER_RETURNED, *both("state.employer_returned")))
        transitions.append(
            Transition(
                "employer_return", (EMPLOYER_REVIEW,), EMPLOYER_RETURNED, EMPLOYER,
                *both("event.employer_return"), opinion=True, effect=unlock,
                tags=frozenset({Tag.EMPLOYER_RETURN}),
            )
        )  # fmt: skip
        resubmit_from.insert(0, EMPLOYER_RETURNED)
        before_acceptance.insert(2, EMPLOYER_RETURNED)
    transitions.append(withdraw(tuple(before_acceptance), APPLICANT))
    if resubmit_via_employer:
        transitions.append(
            Transition(
                "resubmit", tuple(resubmit_from), EMPLOYER_REVIEW, APPLICANT,
                *both("event.resubmit"), guards=guards.start, payload=form,
                effect=lock, tags=_RESUBMISSION,
            )
        )  # fmt: skip
    else:
        if employer_can_return:
            transitions.append(
                Transition(
                    "resubmit", (EMPLOYER_RETURNED,), EMPLOYER_REVIEW, APPLICANT,
                    *both("event.resubmit"), guards=guards.start,
                    payload=form, effect=lock, tags=_RESUBMISSION,
                )
            )  # fmt: skip
        transitions.append(
            Transition(
                "resubmit", (RETURNED,), AWAITING_ACCEPTANCE, APPLICANT,
                *both("event.resubmit"), guards=guards.start, payload=form,
                effect=lock, tags=_RESUBMISSION,
            )
        )  # fmt: skip
    return business_machine(
        business_type, (*states, *path.states), (*transitions, *path.transitions)
    )


def employer_initiated(
    business_type: BusinessType,
    levels: int,
    *,
    guards: Guards,
    on_approve: Effect,
) -> MachineDefinition:
    """Variant E for ``levels`` authority review levels."""
    form = FORM_TYPES[business_type]
    lock, unlock = keep_open(under_review=True), keep_open(under_review=False)
    path = review_path(
        levels, guards=guards.review, on_approve=chain(on_approve, release), on_return=unlock
    )
    states = (
        State(DRAFT, *both("state.draft.employer_initiated")),
        State(READY, *both("state.ready")),
        State(FIXED, *both("state.fixed")),
    )  # fmt: skip
    transitions = (
        Transition(
            "prepare", (DRAFT,), READY, APPLICANT, *both("event.prepare"),
            guards=guards.start, effect=unlock, tags=frozenset({Tag.FILING}),
        ),
        Transition(
            "initiate", (READY,), AWAITING_ACCEPTANCE, EMPLOYER, *both("event.initiate"),
            guards=guards.employer, payload=form, effect=lock, tags=_SUBMISSION,
        ),
        Transition(
            "notify_fixed", (RETURNED,), FIXED, APPLICANT, *both("event.notify_fixed"),
            guards=guards.start, payload=form, tags=frozenset({Tag.REFILING}),
        ),
        Transition(
            "reinitiate", (FIXED,), AWAITING_ACCEPTANCE, EMPLOYER, *both("event.reinitiate"),
            guards=guards.employer, payload=form,
            effect=lock, tags=_RESUBMISSION,
        ),
        withdraw((DRAFT, READY), APPLICANT | EMPLOYER),
        withdraw((AWAITING_ACCEPTANCE, RETURNED, FIXED), EMPLOYER),
    )  # fmt: skip
    return business_machine(
        business_type, (*states, *path.states), (*transitions, *path.transitions)
    )
