"""Withdrawal (撤回): by the party that filed the application, before the authority accepts it.

Variant A (新办, 基础信息变更, 业务信息变更): the applicant. Variant E (续签, 聘用单位变更): the
employer, and the applicant before the employer initiated. A cancellation (注销): whoever filed
it. A withdrawal ends the application, frees the holder's open-application marker and is one
audit entry carrying its reason.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from permitflow.engine.engine import Engine
from permitflow.errors import Blocked, EventNotAllowed, InvalidInput, NotPermitted
from permitflow.machines import sweep
from permitflow.machines.common import CLOSED, WITHDRAWN
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.rules import haidian
from permitflow.rules.haidian.timers import RULES as TIMER_RULES
from permitflow.rules.rule import local_date
from permitflow.testing import AT, Case, default_form

A, E, L = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY
APPLICANT_INITIATED = (BusinessType.NEW, BusinessType.BASIC_CHANGE, BusinessType.BUSINESS_CHANGE)
EMPLOYER_INITIATED = (BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE)

Path = tuple[tuple[str, Role], ...]
A_PATHS: dict[str, Path] = {
    "draft": (),
    "employer_review": (("submit", A),),
    "employer_returned": (("submit", A), ("employer_return", E)),
    "awaiting_acceptance": (("submit", A), ("employer_approve", E)),
    "returned": (("submit", A), ("employer_approve", E), ("return", L)),
}
E_PATHS: dict[str, Path] = {
    "draft": (),
    "ready": (("prepare", A),),
    "awaiting_acceptance": (("prepare", A), ("initiate", E)),
    "returned": (("prepare", A), ("initiate", E), ("return", L)),
    "fixed": (("prepare", A), ("initiate", E), ("return", L), ("notify_fixed", A)),
}
E_WITHDRAWERS = {
    "draft": {A, E}, "ready": {A, E}, "awaiting_acceptance": {E}, "returned": {E}, "fixed": {E},
}  # fmt: skip
ACCEPTED: Path = (("accept", L),)
REASON = "已另行安排，不再办理"


def reach(engine: Engine, kind: BusinessType, path: Path, *, start: Case | None = None) -> Case:
    case = start or Case.start(kind, engine=engine)
    for event, role in path:
        case = case.fire(event, role)
    return case


def withdrawal_cases() -> list[tuple[BusinessType, str, Path, Role]]:
    cases = [
        (kind, state, path, A)
        for kind in APPLICANT_INITIATED
        for state, path in A_PATHS.items()
    ]
    cases += [
        (kind, state, path, role)
        for kind in EMPLOYER_INITIATED
        for state, path in E_PATHS.items()
        for role in sorted(E_WITHDRAWERS[state])
    ]
    return cases


@pytest.mark.parametrize(("kind", "state", "path", "by"), withdrawal_cases())
def test_the_filing_party_withdraws_before_acceptance(
    bare: Engine, kind: BusinessType, state: str, path: Path, by: Role
) -> None:
    case = reach(bare, kind, path)
    assert case.application.state == state
    withdrawn = case.fire("withdraw", by, reason=REASON)
    assert withdrawn.application.state == WITHDRAWN
    entry = withdrawn.application.history[-1]
    assert (entry.event, entry.from_state, entry.reason) == ("withdraw", state, REASON)
    assert entry.actor.role is by
    assert len(withdrawn.application.history) == len(case.application.history) + 1
    assert withdrawn.holder.open_application is None


@pytest.mark.parametrize(
    ("kind", "state", "path", "by"),
    [(kind, state, path, role) for kind in APPLICANT_INITIATED
     for state, path in A_PATHS.items() for role in (E, L)]
    + [(kind, state, path, role) for kind in EMPLOYER_INITIATED
       for state, path in E_PATHS.items() for role in {A, E, L} - E_WITHDRAWERS[state]],
)  # fmt: skip
def test_no_other_party_withdraws(
    bare: Engine, kind: BusinessType, state: str, path: Path, by: Role
) -> None:
    case = reach(bare, kind, path)
    with pytest.raises(NotPermitted):
        case.fire("withdraw", by, reason=REASON)


@pytest.mark.parametrize("kind", [*APPLICANT_INITIATED, *EMPLOYER_INITIATED])
@pytest.mark.parametrize(
    "after", [ACCEPTED, (*ACCEPTED, ("pass", L)), (*ACCEPTED, ("suspend", L))],
    ids=["level 1", "level 2", "suspended"],
)  # fmt: skip
def test_an_accepted_application_cannot_be_withdrawn(
    bare: Engine, kind: BusinessType, after: Path
) -> None:
    path = A_PATHS if kind in APPLICANT_INITIATED else E_PATHS
    case = reach(bare, kind, (*path["awaiting_acceptance"], *after))
    for role in (A, E):
        with pytest.raises(EventNotAllowed):
            case.fire("withdraw", role, reason=REASON)


@pytest.mark.parametrize("kind", [*APPLICANT_INITIATED, *EMPLOYER_INITIATED])
def test_an_approved_application_cannot_be_withdrawn(bare: Engine, kind: BusinessType) -> None:
    path = A_PATHS if kind in APPLICANT_INITIATED else E_PATHS
    case = reach(bare, kind, (*path["awaiting_acceptance"], *ACCEPTED, ("pass", L), ("pass", L)))
    assert case.application.state == "approved"
    with pytest.raises(EventNotAllowed):
        case.fire("withdraw", E, reason=REASON)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_withdrawal_needs_a_reason(bare: Engine, reason: str | None) -> None:
    case = reach(bare, BusinessType.NEW, A_PATHS["employer_review"])
    with pytest.raises(InvalidInput) as refused:
        bare.fire(case.application, "withdraw", actor=case.actor(A), at=case.at,
                  holder=case.holder, reason=reason)  # fmt: skip
    assert refused.value.context["field"] == "reason"


def test_a_reason_goes_only_with_the_events_that_take_one(bare: Engine) -> None:
    case = Case.start(BusinessType.NEW, engine=bare)
    with pytest.raises(InvalidInput):
        bare.fire(case.application, "submit", actor=case.actor(A), at=case.at,
                  holder=case.holder, reason=REASON)  # fmt: skip


@pytest.mark.parametrize("filer", [A, E])
@pytest.mark.parametrize("state", ["awaiting_acceptance", "returned"])
def test_a_cancellation_is_withdrawn_by_its_filer_only(
    bare: Engine, filer: Role, state: str
) -> None:
    path: Path = (("submit", filer),) + ((("return", L),) if state == "returned" else ())
    case = reach(bare, BusinessType.CANCELLATION, path)
    other = E if filer is A else A
    with pytest.raises(NotPermitted) as refused:
        case.fire("withdraw", other, reason=REASON)
    assert filer.label_zh in refused.value.message_zh
    withdrawn = case.fire("withdraw", filer, reason=REASON)
    assert withdrawn.application.state == WITHDRAWN
    assert withdrawn.application.history[-1].reason == REASON


@pytest.mark.parametrize("by", [A, E])
def test_a_cancellation_draft_is_discarded_by_either_filer(bare: Engine, by: Role) -> None:
    case = Case.start(BusinessType.CANCELLATION, engine=bare)
    assert case.fire("withdraw", by, reason=REASON).application.state == WITHDRAWN


def test_a_cancellation_cannot_be_withdrawn_once_accepted(bare: Engine) -> None:
    case = reach(bare, BusinessType.CANCELLATION, (("submit", A), ("accept", L)))
    with pytest.raises(EventNotAllowed):
        case.fire("withdraw", A, reason=REASON)


# --- the open-application marker, FLOW-001 and FLOW-004 ---------------------------------------

_HAIDIAN = haidian.ruleset.in_force_on(local_date(AT))


@pytest.fixture
def one_at_a_time(rule_engine: Callable[..., Engine]) -> Engine:
    """The machines judged by the timers and the one-open-application rules."""
    return rule_engine(rules=(*TIMER_RULES, _HAIDIAN.rule("FLOW-001"), _HAIDIAN.rule("FLOW-004")))


def second(case: Case, kind: BusinessType, application_id: str = "second-1") -> Case:
    application = case.engine.start(
        kind, holder=case.holder, application_id=application_id, at=case.at,
        form=default_form(kind, at=case.at),
    )  # fmt: skip
    return Case(case.engine, case.holder, application, case.at)


def test_the_marker_names_the_state_and_who_may_withdraw(bare: Engine) -> None:
    case = reach(bare, BusinessType.RENEWAL, E_PATHS["ready"])
    marker = case.holder.open_application
    assert marker is not None
    assert (marker.state, marker.business_zh, marker.state_zh) == (
        "ready", "续签", "材料已备妥，待单位发起"
    )
    assert marker.withdrawable_by == (A, E)
    case = case.fire("initiate", E)
    assert case.holder.open_application is not None
    assert case.holder.open_application.withdrawable_by == (E,)
    case = case.fire("accept", L)
    assert case.holder.open_application is not None
    assert case.holder.open_application.withdrawable_by == ()


def test_flow_001_names_the_open_business_its_state_and_the_withdrawal(
    one_at_a_time: Engine,
) -> None:
    renewal = reach(one_at_a_time, BusinessType.RENEWAL, E_PATHS["returned"])
    change = second(renewal, BusinessType.BASIC_CHANGE)
    with pytest.raises(Blocked) as refused:
        change.fire("submit", A)
    assert refused.value.context["rule_ids"] == ["FLOW-001"]
    message = refused.value.findings[0].message_zh
    for words in ("续签", "不通过（退回修改）", "聘用单位", "撤回", renewal.application.id):
        assert words in message
    assert "returned" not in message
    assert "employer" not in message


def test_after_a_withdrawal_flow_001_lets_the_other_business_start(
    one_at_a_time: Engine,
) -> None:
    renewal = reach(one_at_a_time, BusinessType.RENEWAL, E_PATHS["returned"])
    withdrawn = renewal.fire("withdraw", E, reason=REASON)
    change = second(withdrawn, BusinessType.BASIC_CHANGE)
    assert change.fire("submit", A).application.state == "employer_review"


def test_flow_004_an_accepted_application_is_waited_for(one_at_a_time: Engine) -> None:
    basic = reach(one_at_a_time, BusinessType.BASIC_CHANGE, (*A_PATHS["awaiting_acceptance"],
                                                              *ACCEPTED))  # fmt: skip
    renewal = second(basic, BusinessType.RENEWAL)
    with pytest.raises(Blocked) as refused:
        renewal.fire("prepare", A)
    assert refused.value.context["rule_ids"] == ["FLOW-004"]
    message = refused.value.findings[0].message_zh
    assert "证件基础信息变更" in message
    assert "主管部门第1级审核" in message
    assert "不能撤回" in message


def test_a_cancellation_is_not_held_back_by_another_open_application(
    one_at_a_time: Engine,
) -> None:
    basic = reach(one_at_a_time, BusinessType.BASIC_CHANGE, A_PATHS["returned"])
    cancellation = second(basic, BusinessType.CANCELLATION).fire("submit", A)
    assert cancellation.application.state == "awaiting_acceptance"
    marker = cancellation.holder.open_application
    assert marker is not None
    assert marker.id == basic.application.id


def test_a_cancellation_holds_nothing_back(one_at_a_time: Engine) -> None:
    cancellation = reach(one_at_a_time, BusinessType.CANCELLATION, (("submit", A),))
    assert cancellation.holder.open_application is None
    basic = second(cancellation, BusinessType.BASIC_CHANGE).fire("submit", A)
    assert basic.application.state == "employer_review"


def test_an_approved_cancellation_names_the_applications_it_made_moot(
    one_at_a_time: Engine,
) -> None:
    basic = reach(one_at_a_time, BusinessType.BASIC_CHANGE, A_PATHS["returned"])
    cancellation = second(basic, BusinessType.CANCELLATION).fire("submit", A)
    cancellation = cancellation.fire("accept", L).fire("pass", L)
    outcome = one_at_a_time.fire(
        cancellation.application, "pass", actor=cancellation.actor(L, 2), at=cancellation.at,
        holder=cancellation.holder,
    )  # fmt: skip
    assert outcome.moot == (basic.application.id,)
    # The portal hands the moot application to the sweep: FLOW-102 lets close_moot end it.
    result = sweep(one_at_a_time, outcome.holder, (basic.application,), cancellation.at)
    assert [a.state for a in result.applications] == [CLOSED]
    assert result.holder.open_application is None


def test_an_approval_that_ends_nothing_makes_nothing_moot(bare: Engine) -> None:
    case = reach(bare, BusinessType.RENEWAL, E_PATHS["awaiting_acceptance"])
    case = case.fire("accept", L).fire("pass", L)
    outcome = bare.fire(case.application, "pass", actor=case.actor(L, 2), at=case.at,
                        holder=case.holder)  # fmt: skip
    assert outcome.moot == ()


def test_the_reason_and_the_marker_survive_a_snapshot(bare: Engine) -> None:
    from permitflow.engine.snapshot import from_dict, to_dict

    case = reach(bare, BusinessType.RENEWAL, E_PATHS["ready"])
    holder = to_dict(case.holder)
    assert holder["open_application"]["withdrawable_by"] == ["applicant", "employer"]
    assert from_dict(holder) == case.holder
    withdrawn = case.fire("withdraw", A, reason=REASON).application
    data = to_dict(withdrawn)
    assert data["history"][-1]["reason"] == REASON
    assert from_dict(data) == withdrawn
