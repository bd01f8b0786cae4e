"""Status views: the business list (可办业务列表) and each application's progress."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs
import pytest
from hypothesis import given, settings

from permitflow import testing
from permitflow.engine.definition import Ending, MachineDefinition
from permitflow.engine.engine import Engine
from permitflow.errors import DefinitionError
from permitflow.machines.new import new_machine
from permitflow.machines.status import (
    available_business,
    describe_business,
    holder_status,
    progress,
    review_level,
)
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import Hukou, HukouKind, PermitState
from permitflow.rules import haidian
from permitflow.rules.rule import local_date
from permitflow.rules.ruleset import RuleSetFamily
from permitflow.testing import AT, Case, applications, holder_for, valid_holder
from permitflow.wiring import default_definitions

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY
STARTING_POINT_RULES = ("ACC-002", "EMP-002", "FLOW-001", "FLOW-002", "FLOW-003")
"""The Haidian rules that say which state of the holder's record a business starts from."""


@pytest.fixture
def starting_points() -> Engine:
    """The default machines judged by the starting-point rules with Haidian's parameters."""
    version = haidian.ruleset.in_force_on(local_date(AT))
    rules = [version.rule(rule_id) for rule_id in STARTING_POINT_RULES]
    return testing.rule_engine(rules, version.params_on(local_date(AT)))


def listing(engine: Engine, holder: object) -> dict[BusinessType, tuple[bool, set[str]]]:
    lines = available_business(engine, holder, AT)  # type: ignore[arg-type]
    return {
        line.business_type: (line.available, {reason.rule_id for reason in line.reasons})
        for line in lines
    }


def test_a_valid_holder_can_renew_change_data_or_cancel(starting_points: Engine) -> None:
    lines = listing(starting_points, valid_holder())
    assert {kind for kind, (available, _) in lines.items() if available} == {
        BusinessType.RENEWAL,
        BusinessType.BASIC_CHANGE,
        BusinessType.BUSINESS_CHANGE,
        BusinessType.CANCELLATION,
    }
    assert lines[BusinessType.NEW] == (False, {"FLOW-003"})
    assert lines[BusinessType.EMPLOYER_CHANGE] == (False, {"FLOW-003"})


def test_a_new_applicant_can_only_apply_for_a_new_permit(starting_points: Engine) -> None:
    lines = listing(starting_points, holder_for(BusinessType.NEW))
    assert lines[BusinessType.NEW] == (True, set())
    assert lines[BusinessType.RENEWAL] == (False, {"FLOW-003"})


def test_a_suspended_holder_with_a_new_employer_can_change_employer(
    starting_points: Engine,
) -> None:
    lines = listing(starting_points, holder_for(BusinessType.EMPLOYER_CHANGE))
    assert lines[BusinessType.EMPLOYER_CHANGE] == (True, set())
    assert lines[BusinessType.CANCELLATION] == (True, set())
    assert lines[BusinessType.RENEWAL] == (False, {"FLOW-003"})


def test_a_suspended_holder_waiting_for_an_association_is_told_so(starting_points: Engine) -> None:
    lines = listing(starting_points, valid_holder(permit_state=PermitState.SUSPENDED))
    assert lines[BusinessType.EMPLOYER_CHANGE] == (False, {"EMP-002"})


@pytest.mark.parametrize("ended", [PermitState.EXPIRED, PermitState.CANCELLED])
def test_an_ended_permit_allows_only_a_new_application_and_says_why(
    starting_points: Engine, ended: PermitState
) -> None:
    lines = listing(starting_points, valid_holder(permit_state=ended))
    assert {kind for kind, (available, _) in lines.items() if available} == {BusinessType.NEW}
    assert lines[BusinessType.RENEWAL] == (False, {"FLOW-002"})


def test_an_open_application_blocks_every_other_one_but_a_cancellation(
    starting_points: Engine,
) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=starting_points).fire("prepare", APPLICANT)
    lines = listing(starting_points, case.holder)
    cancellation = lines.pop(BusinessType.CANCELLATION)
    assert all("FLOW-001" in reasons for _, reasons in lines.values())
    assert "FLOW-001" not in cancellation[1]


def test_rule_findings_of_the_first_event_are_reasons_too(
    rule_engine: Callable[..., Engine],
) -> None:
    from permitflow.rules.haidian.timers import RULES

    lines = available_business(rule_engine(rules=RULES), valid_holder(), AT)
    assert all(line.starter is Role.APPLICANT for line in lines)
    assert {line.first_event for line in lines} == {"submit", "prepare"}


def test_progress_names_the_level_and_who_acts_next(bare: Engine) -> None:
    case = Case.start(BusinessType.NEW, engine=bare)
    seen = progress(bare, case.application, case.at, holder=case.holder)
    assert seen.state == "draft"
    assert seen.next_roles == (Role.APPLICANT,)
    assert seen.review_due is None

    case = case.fire("submit", APPLICANT)
    seen = progress(bare, case.application, case.at, holder=case.holder)
    assert seen.next_roles == (Role.EMPLOYER,)
    assert {step.event for step in seen.next_steps} == {"employer_approve", "employer_return"}
    assert seen.review_due is not None
    assert seen.review_due.date == date(2026, 4, 14)

    case = case.fire("employer_approve", EMPLOYER).fire("accept", AUTHORITY)
    seen = progress(bare, case.application, case.at, holder=case.holder)
    assert (seen.level, seen.levels) == (1, 2)
    assert seen.state_zh == "主管部门第1级审核"
    assert {(step.role, step.level) for step in seen.next_steps} == {(Role.AUTHORITY, 1)}


def test_progress_shows_the_latest_opinion_and_tips(bare: Engine) -> None:
    case = Case.start(BusinessType.NEW, engine=bare).fire("submit", APPLICANT)
    case = case.fire("employer_approve", EMPLOYER)
    case = case.fire("return", AUTHORITY, opinion="请补充学位证书", tips=("照片请用白底",))
    seen = progress(bare, case.application, case.at, holder=case.holder)
    assert seen.opinion == "请补充学位证书"
    assert seen.tips == ("照片请用白底",)
    assert seen.returned_by is not None
    assert seen.returned_by.level == 1
    assert seen.next_roles == (Role.APPLICANT,)
    assert not seen.confirmation_slip_available


def test_an_approved_application_offers_the_confirmation_slip(bare: Engine) -> None:
    case = Case.start(BusinessType.CANCELLATION, engine=bare).fire("submit", APPLICANT)
    case = case.fire("accept", AUTHORITY).fire("pass", AUTHORITY).fire("pass", AUTHORITY)
    seen = progress(bare, case.application, case.at, holder=case.holder)
    assert seen.ended
    assert seen.confirmation_slip_available
    assert seen.next_steps == ()
    assert seen.review_due is None


def test_holder_status_gives_the_latest_renewal_submission(bare: Engine) -> None:
    status = holder_status(bare, valid_holder(), AT)
    assert status.expires_on == date(2026, 12, 11)
    assert status.latest_renewal_submission is not None
    assert status.latest_renewal_submission.date == date(2026, 11, 13)
    assert status.permit_state is PermitState.VALID
    assert len(status.business) == len(BusinessType)


def test_review_levels_are_data_on_the_states(bare: Engine) -> None:
    definition = bare.definition(BusinessType.NEW, 3)
    assert review_level(definition, "awaiting_acceptance") == 1
    assert review_level(definition, "authority_review_3") == 3
    assert review_level(definition, "authority_suspended_2") == 2
    assert review_level(definition, "returned") is None


@settings(max_examples=40, deadline=None)
@given(case=applications())
def test_progress_agrees_with_the_engine_in_every_reachable_state(case: Case) -> None:
    seen = progress(case.engine, case.application, case.at, holder=case.holder)
    definition = case.engine.definition(case.application.business_type, 2)
    assert seen.state_zh == definition.state(case.application.state).label_zh
    assert seen.confirmation_slip_available == (case.application.state == "approved")
    assert seen.ended == (case.application.state in definition.terminal_states)
    for step in seen.next_steps:
        actor = case.actor(step.role, step.level)
        options = case.engine.allowed_events(case.application, actor, case.at, holder=case.holder)
        assert any(o.event == step.event and o.allowed != step.blocked for o in options)


def test_an_engine_without_rules_judges_nothing_so_lists_everything(bare: Engine) -> None:
    lines = listing(bare, valid_holder(permit_state=PermitState.EXPIRED))
    assert all(available for available, _ in lines.values())


# --- in words -----------------------------------------------------------------------------------


def test_a_business_that_cannot_start_says_why_in_the_rules_own_sentences(
    starting_points: Engine,
) -> None:
    listed = available_business(starting_points, valid_holder(), AT)
    lines = {line.business_type: line for line in listed}
    renewal, new = lines[BusinessType.RENEWAL], lines[BusinessType.NEW]
    assert renewal.words("zh") == "续签：可以办理"
    assert renewal.words("en") == "Renewal: can be started now"
    zh = new.words("zh")
    assert zh.startswith("新办：暂不能办理。已持有有效的工作居住证，不能再办理新办业务")
    assert zh.endswith("（FLOW-003）。")
    assert new.words("en").startswith("New application: cannot be started now. ")
    assert new.reasons[0].words("en").endswith(" (FLOW-003).")


def test_the_business_list_names_each_reason_once_with_what_it_holds_back(
    starting_points: Engine,
) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=starting_points).fire("prepare", APPLICANT)
    said = describe_business(available_business(starting_points, case.holder, AT), "zh")
    assert said[0] == "可以办理：注销"
    (open_one,) = [line for line in said if line.endswith("（FLOW-001）。")]
    held = "新办、续签、聘用单位变更、证件基础信息变更、证件业务信息变更"
    assert open_one.startswith(f"暂不能办理{held}：")
    english = describe_business(available_business(starting_points, case.holder, AT), "en")
    assert english[0] == "Can be started now: Cancellation"


def test_progress_and_holder_status_read_in_labels(bare: Engine) -> None:
    case = Case.start(BusinessType.NEW, engine=bare).fire("submit", APPLICANT)
    seen = progress(bare, case.application, case.at, holder=case.holder)
    zh = seen.words("zh")
    assert zh.startswith(f"新办 {case.application.id}：聘用单位审核中；应于 2026-04-14 前审核完毕")
    assert "下一步由聘用单位办理：" in zh
    assert "单位审核通过" in zh
    assert "employer_approve" not in zh
    assert seen.words("en").startswith(f"New application {case.application.id}: With the employer")
    status = holder_status(bare, valid_holder(), AT)
    assert status.lines("zh")[:2] == ("工作居住证：有效", f"有效期至：{status.expires_on}")
    assert status.lines("en")[0] == "Permit: Valid"


def test_a_cancellation_no_reason_fits_is_one_reason_naming_the_manuals_three() -> None:
    engine = Engine()
    line = next(
        line
        for line in available_business(engine, valid_holder(), AT)
        if line.business_type is BusinessType.CANCELLATION
    )
    assert not line.available
    (reason,) = line.reasons
    assert reason.rule_id == "CAN-001, CAN-002, CAN-003"
    assert reason.words("zh") == (
        "办理注销须符合以下情形之一：已取得北京市户口、工作单位已转至外省市、已到达法定退休年龄；"
        "目前均不符合（CAN-001、CAN-002、CAN-003）。"
    )
    assert reason.words("en").endswith("; none applies now (CAN-001, CAN-002, CAN-003).")


def test_a_cancellation_whose_reason_fits_is_available() -> None:
    holder = valid_holder()
    general = attrs.evolve(
        holder.profile.general, hukou=Hukou(HukouKind.FAMILY, "11", "北京市海淀区")
    )
    holder = attrs.evolve(holder, profile=attrs.evolve(holder.profile, general=general))
    (line,) = (
        line
        for line in available_business(Engine(), holder, AT)
        if line.business_type is BusinessType.CANCELLATION
    )
    assert (line.available, line.reasons) == (True, ())


def test_a_cancellation_without_a_permit_says_only_that() -> None:
    (line,) = (
        line
        for line in available_business(Engine(), holder_for(BusinessType.NEW), AT)
        if line.business_type is BusinessType.CANCELLATION
    )
    assert [reason.rule_id for reason in line.reasons] == ["FLOW-003"]


def test_the_review_clock_and_the_renewal_deadline_are_the_rule_sets(bare: Engine) -> None:
    shorter = haidian.ruleset.versions[0].derive(
        name="shorter", version="1", since=date(2024, 1, 1), citation="a shorter review",
        parameters={"review.cycle_working_days": 10, "renewal.working_days_before_expiry": 15},
    )  # fmt: skip
    engine = Engine(RuleSetFamily("shorter", (shorter,)), rules=False)
    for each, due, latest in ((bare, date(2026, 4, 14), 20), (engine, date(2026, 3, 30), 15)):
        case = Case.start(BusinessType.NEW, engine=each).fire("submit", APPLICANT)
        seen = progress(each, case.application, case.at, holder=case.holder)
        assert seen.review_due is not None
        assert seen.review_due.date == due
        status = holder_status(each, valid_holder(), AT).latest_renewal_submission
        assert status is not None
        assert status.working_days == latest


def test_a_business_the_procedure_refuses_lists_only_that_refusal() -> None:
    """While FLOW-003 refuses the employer change of a valid permit, its missing resignation
    certificate (ATT-007) is no second task; before any permit, the renewal is refused only for
    lack of a permit, not for the new application's address faults."""
    engine = Engine(ruleset=haidian.ruleset)
    lines = listing(engine, valid_holder())
    assert lines[BusinessType.EMPLOYER_CHANGE] == (False, {"FLOW-003"})

    new_applicant = holder_for(BusinessType.NEW)
    profile = new_applicant.profile
    assert profile is not None
    general = profile.general
    doubled = attrs.evolve(general, address="海淀区" + general.address)
    blocked = attrs.evolve(new_applicant, profile=attrs.evolve(profile, general=doubled))
    lines = listing(engine, blocked)
    assert lines[BusinessType.RENEWAL] == (False, {"FLOW-003"})
    available, reasons = lines[BusinessType.NEW]
    assert not available
    assert reasons == {"BI-004", "BI-005"}


RENAMED = {"approved": "granted", "withdrawn": "pulled_back", "closed": "dropped"}


def _renamed(levels: int) -> MachineDefinition:
    """The new application's machine with its ends spelt otherwise."""
    machine = new_machine(levels)

    def name(state: str) -> str:
        return RENAMED.get(state, state)

    return attrs.evolve(
        machine,
        states=tuple(attrs.evolve(s, name=name(s.name)) for s in machine.states),
        transitions=tuple(
            attrs.evolve(t, sources=tuple(map(name, t.sources)), dest=name(t.dest))
            for t in machine.transitions
        ),
    )


def test_the_views_read_how_a_state_ends_the_procedure_not_its_name() -> None:
    engine = Engine(rules=False, definitions={BusinessType.NEW: _renamed}, review_levels=2)
    case = Case.start(BusinessType.NEW, engine=engine)
    shown = progress(engine, case.application, case.at, holder=case.holder)
    # The ways out (withdrawn, closed as moot) are not next steps, however they are called.
    assert [step.event for step in shown.next_steps] == ["submit"]
    case = case.fire("submit", APPLICANT).fire("employer_approve", EMPLOYER)
    case = case.fire("accept", AUTHORITY).fire("pass", AUTHORITY).fire("pass", AUTHORITY)
    assert case.application.state == "granted"
    shown = progress(engine, case.application, case.at, holder=case.holder)
    assert shown.ended
    assert shown.confirmation_slip_available
    definition = engine.definition_for(case.application, case.at)
    assert definition.ending("granted") is Ending.APPROVED
    assert definition.ending("pulled_back") is Ending.WITHDRAWN
    assert definition.ending("draft") is None


def test_every_end_of_every_business_says_how_it_ends() -> None:
    for kind, factory in default_definitions().items():
        definition = factory(2)
        assert all(
            state.ending is not None for state in definition.states if state.terminal
        ), kind
        assert {definition.ending(name) for name in definition.terminal_states} == set(Ending)


def test_a_state_that_ends_the_procedure_must_be_terminal() -> None:
    machine = new_machine(2)
    states = tuple(
        attrs.evolve(s, ending=Ending.APPROVED) if s.name == "returned" else s
        for s in machine.states
    )
    with pytest.raises(DefinitionError) as caught:
        attrs.evolve(machine, states=states)
    assert caught.value.variant == "ending_not_terminal"
    assert "returned" in caught.value.message("en")
