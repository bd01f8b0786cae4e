"""Each rule judges on its declared day (issue: documents, ages and employment on the day of the
current (re)submission, timeliness on the first submission, the permit's expiry on every step).

These reproductions run the Haidian rule set through the engine, as a portal would.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Never

import attrs
import pytest

from permitflow import Engine
from permitflow.errors import Blocked
from permitflow.machines.attachments import DeleteAttachment
from permitflow.messages import Catalogue
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord
from permitflow.rules import JudgedOn, Rule, RuleContext, RuleKind, Severity, Verdict, passed
from permitflow.rules.finding import Citation
from permitflow.testing import AT, Case, holder_for
from permitflow.wiring import default_definitions

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY
HAIDIAN = Engine()
EMPLOYERS_A = "91110108MA01ABCD5T"


def expiring(holder: HolderRecord, day: date) -> HolderRecord:
    return attrs.evolve(holder, permit=attrs.evolve(holder.permit, expires_on=day))


def passed_by_the_authority(case: Case) -> Case:
    """The authority's pass at the current level, after attesting what waits for a reviewer."""
    application = case.application
    for finding in HAIDIAN.pending_attestations(
        application, "pass", at=case.at, holder=case.holder
    ):
        outcome = HAIDIAN.attest(
            application, finding.rule_id, actor=case.actor(AUTHORITY), at=case.at,
            holder=case.holder, note="核实无误",
        )  # fmt: skip
        application = outcome.application
    return attrs.evolve(case, application=application).fire("pass", AUTHORITY)


def refused_by(error: pytest.ExceptionInfo[Blocked]) -> set[str]:
    return {finding.rule_id for finding in error.value.findings}


# --- REN-006 (the permit's expiry, judged at every step) -----------------------------------------


def change_of(expires_on: date, at: datetime = AT) -> Case:
    holder = expiring(holder_for(BusinessType.EMPLOYER_CHANGE, at=at), expires_on)
    return Case.start(BusinessType.EMPLOYER_CHANGE, engine=HAIDIAN, holder=holder, at=at)


def test_an_employer_change_filed_after_expiry_is_refused() -> None:
    day = AT.date()
    with pytest.raises(Blocked) as refused:
        change_of(day - timedelta(days=1)).fire("prepare", APPLICANT)
    assert "REN-006" in refused_by(refused)
    # Valid through its expiry day: prepared on that day, the change goes on.
    assert change_of(day).fire("prepare", APPLICANT).application.state == "ready"


def test_an_employer_change_initiated_after_expiry_is_refused() -> None:
    ready = change_of(AT.date()).fire("prepare", APPLICANT)
    with pytest.raises(Blocked) as refused:
        attrs.evolve(ready, at=AT + timedelta(days=1)).fire("initiate", EMPLOYER)
    assert "REN-006" in refused_by(refused)
    assert ready.fire("initiate", EMPLOYER).application.state == "awaiting_acceptance"


def accept(case: Case) -> Case:
    return case.fire("accept", AUTHORITY)


BEFORE_EXPIRY = [BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE]


def filed(business_type: BusinessType, expires_on: date) -> Case:
    holder = expiring(holder_for(business_type), expires_on)
    case = Case.start(business_type, engine=HAIDIAN, holder=holder)
    return case.fire("prepare", APPLICANT).fire("initiate", EMPLOYER)


@pytest.mark.parametrize("business_type", BEFORE_EXPIRY)
@pytest.mark.parametrize("level", [0, 1, 2], ids=["accept", "pass level 1", "pass level 2"])
def test_an_authority_step_after_expiry_is_refused_and_revives_nothing(
    business_type: BusinessType, level: int
) -> None:
    # Filed with one more day of validity ahead; the authority's step after it is refused.
    expiry = AT.date() + timedelta(days=1)
    case = filed(business_type, expiry)
    if level:
        case = accept(case)
    for _ in range(level - 1):
        case = passed_by_the_authority(case)
    step = passed_by_the_authority if level else accept
    on_expiry_day = attrs.evolve(case, at=AT + timedelta(days=1))
    with pytest.raises(Blocked) as refused:
        step(attrs.evolve(case, at=AT + timedelta(days=2)))
    assert "REN-006" in refused_by(refused)
    done = step(on_expiry_day)
    if level == 2:
        permit = done.holder.permit
        assert done.application.state == "approved"
        assert permit.state.value == "valid"
        assert permit.expires_on is not None
        assert permit.expires_on >= done.at.date()


ON_THE_PERMIT = [BusinessType.BASIC_CHANGE, BusinessType.BUSINESS_CHANGE]


@pytest.mark.parametrize("business_type", ON_THE_PERMIT)
@pytest.mark.parametrize("level", [0, 1, 2], ids=["accept", "pass level 1", "pass level 2"])
def test_a_change_of_the_permit_after_its_expiry_date_is_refused_before_the_timer_runs(
    business_type: BusinessType, level: int
) -> None:
    # The permit is still marked valid (the expiry timer has not run), but its date has passed.
    expiry = AT.date() + timedelta(days=1)
    holder = expiring(holder_for(business_type), expiry)
    case = Case.start(business_type, engine=HAIDIAN, holder=holder)
    case = case.fire("submit", APPLICANT).fire("employer_approve", EMPLOYER)
    if level:
        case = accept(case)
    for _ in range(level - 1):
        case = passed_by_the_authority(case)
    step = passed_by_the_authority if level else accept
    with pytest.raises(Blocked) as refused:
        step(attrs.evolve(case, at=AT + timedelta(days=2)))
    assert refused_by(refused) == {"FLOW-002"}
    assert case.holder.permit.state.value == "valid"
    done = step(attrs.evolve(case, at=AT + timedelta(days=1)))
    assert done.application.state == ("authority_review_1", "authority_review_2", "approved")[level]


def test_a_cancellation_after_the_expiry_date_finds_nothing_left_to_cancel() -> None:
    holder = expiring(holder_for(BusinessType.CANCELLATION), AT.date() - timedelta(days=1))
    case = Case.start(BusinessType.CANCELLATION, engine=HAIDIAN, holder=holder)
    with pytest.raises(Blocked) as refused:
        case.fire("submit", EMPLOYER)
    assert "FLOW-002" in refused_by(refused)
    assert "无需再办理注销" in str(refused.value.message_zh)


# --- DOC-002 after a return (documents, judged on the day of the resubmission) ------------------

FIRST = AT  # 2026-03-16
RESUBMITTED = AT.replace(day=31)
REPRINTED = "请重新打印近一个月的应税收入材料后上传"


def returned(business_type: BusinessType, form: object = None) -> Case:
    """A file returned by the authority on the day of its first submission, 2026-03-16."""
    case = Case.start(business_type, engine=HAIDIAN, **({"form": form} if form else {}))
    if business_type is BusinessType.RENEWAL:
        case = case.fire("prepare", APPLICANT).fire("initiate", EMPLOYER)
    else:
        case = case.fire("submit", APPLICANT).fire("employer_approve", EMPLOYER)
    return case.fire("accept", AUTHORITY).fire("return", AUTHORITY, opinion=REPRINTED)


def reprinted(case: Case, issued_on: date) -> Case:
    """On 2026-03-31 the applicant uploads a taxable-income printout dated ``issued_on``."""
    old = next(a for a in case.holder.attachments if a.slot.value == "taxable_income")
    new = attrs.evolve(old, uploaded_on=RESUBMITTED.date(), issued_on=issued_on)
    case = attrs.evolve(case, at=RESUBMITTED)
    case = case.fire_holder("delete_attachment", APPLICANT, payload=DeleteAttachment(old.slot))
    return case.fire_holder("upload_attachment", APPLICANT, payload=new)


def handed_in_again(case: Case) -> Case:
    if case.application.business_type is BusinessType.RENEWAL:
        return case.fire("notify_fixed", APPLICANT).fire("reinitiate", EMPLOYER)
    return case.fire("resubmit", APPLICANT)


@pytest.mark.parametrize("business_type", [BusinessType.NEW, BusinessType.RENEWAL])
def test_a_material_reprinted_after_a_return_is_accepted_on_resubmission(
    business_type: BusinessType,
) -> None:
    # Printed after the first submission (2026-03-16): within one month of the resubmission.
    case = handed_in_again(reprinted(returned(business_type), date(2026, 3, 30)))
    assert case.application.state in {"employer_review", "awaiting_acceptance"}
    first = case.application.submitted_at
    assert first is not None
    assert first.date() == FIRST.date(), "the first submission stays pinned"


@pytest.mark.parametrize("business_type", [BusinessType.NEW, BusinessType.RENEWAL])
def test_dated_within_one_month_counts_back_from_the_resubmission_day(
    business_type: BusinessType,
) -> None:
    # One month before 2026-03-31 is 2026-02-28 (end of month clamped): that day passes, the
    # day before does not — though both were within a month of the first submission.
    case = handed_in_again(reprinted(returned(business_type), date(2026, 2, 28)))
    assert case.application.state in {"employer_review", "awaiting_acceptance"}
    stale = reprinted(returned(business_type), date(2026, 2, 27))
    with pytest.raises(Blocked) as refused:
        handed_in_again(stale)
    assert "DOC-002" in refused_by(refused)


# --- CHD-001 after a return (ages, judged on the day of the resubmission) -----------------------


def with_child(born: date) -> object:
    from test_children import child

    from permitflow.testing import default_form

    form = default_form(BusinessType.BUSINESS_CHANGE)
    return attrs.evolve(form, children=(child(born),))


def test_a_child_who_turned_18_before_the_resubmission_does_not_get_onto_the_permit() -> None:
    # A minor on the first submission (2026-03-16), 18 on 2026-03-20, resubmitted 2026-03-31.
    case = attrs.evolve(returned(BusinessType.BUSINESS_CHANGE, with_child(date(2008, 3, 20))),
                        at=RESUBMITTED)  # fmt: skip
    with pytest.raises(Blocked) as refused:
        case.fire("resubmit", APPLICANT)
    assert "CHD-001" in refused_by(refused)


def test_a_child_still_a_minor_on_the_resubmission_day_stays_on_the_file() -> None:
    # 18 on 2026-04-01, the day after the resubmission.
    case = attrs.evolve(returned(BusinessType.BUSINESS_CHANGE, with_child(date(2008, 4, 1))),
                        at=RESUBMITTED)  # fmt: skip
    assert case.fire("resubmit", APPLICANT).application.state == "employer_review"


# --- the declaration itself ---------------------------------------------------------------------


def test_each_rule_reads_the_day_it_declares() -> None:
    def check(ctx: RuleContext) -> Iterable[Verdict[Never]]:
        return (passed(day=ctx.day),)

    def rule(judged_on: JudgedOn) -> Rule:
        return Rule(
            id="X-1", kind=RuleKind.MACHINE, severity=Severity.ERROR, group="doc",
            business_types=frozenset(BusinessType), citation=Citation("M§1", "…"),
            texts=Catalogue.of("test", {"X-1.title": ("日", "Day")}),
            check=check, judged_on=judged_on,
        )  # fmt: skip

    case = handed_in_again(reprinted(returned(BusinessType.RENEWAL), date(2026, 3, 30)))
    assert case.application.latest(frozenset({"reinitiate"})) is not None
    later = AT.replace(month=4, day=8)
    steps = default_definitions()[BusinessType.RENEWAL](2).tags_by_event
    ctx = RuleContext(
        case.holder, case.application, BusinessType.RENEWAL, "accept", later, {}, None, steps
    )
    days = {
        judged_on: rule(judged_on).evaluate(ctx)[0].facts_dict()["day"] for judged_on in JudgedOn
    }
    assert days == {
        JudgedOn.FIRST_SUBMISSION: "2026-03-16",
        JudgedOn.SUBMISSION: "2026-03-31",
        JudgedOn.STEP: "2026-04-08",
    }
    # A filing step is itself the (re)submission: its own day.
    ctx = RuleContext(
        case.holder, case.application, BusinessType.RENEWAL, "reinitiate", later, {}, None, steps
    )
    assert rule(JudgedOn.SUBMISSION).evaluate(ctx)[0].facts_dict()["day"] == "2026-04-08"


def test_the_catalogue_says_which_day_each_rule_judges_on() -> None:
    from permitflow.rules.haidian import ruleset

    described = {rule.id: rule.judged_on.value for rule in ruleset.versions[0].describe()}
    assert described["REN-005"] == described["CHG-009"] == "first_submission"
    assert described["REN-006"] == described["FLOW-101"] == "step"
    assert described["DOC-001"] == described["DOC-002"] == described["CHD-001"] == "submission"


# --- scope by business type: an information change judges what it hands in ---------------------


def with_old_income_printout(business_type: BusinessType) -> Case:
    holder = holder_for(business_type)
    attachments = tuple(
        attrs.evolve(a, issued_on=date(2025, 12, 1)) if a.slot.value == "taxable_income" else a
        for a in holder.attachments
    )
    holder = attrs.evolve(holder, attachments=attachments)
    return Case.start(business_type, engine=HAIDIAN, holder=holder)


@pytest.mark.parametrize("business_type", [BusinessType.BASIC_CHANGE, BusinessType.BUSINESS_CHANGE])
def test_an_old_income_printout_does_not_refuse_an_information_change(
    business_type: BusinessType,
) -> None:
    case = with_old_income_printout(business_type).fire("submit", APPLICANT)
    assert case.application.state == "employer_review"


def test_an_old_income_printout_still_refuses_a_new_application() -> None:
    with pytest.raises(Blocked) as refused:
        with_old_income_printout(BusinessType.NEW).fire("submit", APPLICANT)
    assert "DOC-002" in refused_by(refused)


# --- one by one, really: A → B → C filed as B, then C (EMP-005 on B's own months) ---------------


def a_to_b_to_c() -> HolderRecord:
    """Left A (the permit's employer) for B in September 2025, B for C in January 2026; the
    permit is suspended and the holder associated with B, which has yet to file its change."""
    from dateutil.relativedelta import relativedelta

    from permitflow.records.holder import (
        Association,
        AssociationState,
        LabourContract,
        WorkRecord,
    )
    from permitflow.testing import EMPLOYERS, STRANGER_EMPLOYER

    a, b = EMPLOYERS[0], EMPLOYERS[1]
    c = attrs.evolve(b, credit_code=STRANGER_EMPLOYER, name="北京西城示例有限公司")
    holder = holder_for(BusinessType.EMPLOYER_CHANGE)
    joined_b, joined_c = date(2025, 9, 1), date(2026, 1, 1)

    def payer(month: date) -> str:
        if month >= joined_c:
            return c.credit_code
        return b.credit_code if month >= joined_b else a.credit_code

    employment = attrs.evolve(
        holder.employment,
        contract=LabourContract(c.credit_code, joined_c, joined_c + relativedelta(years=3)),
        income=tuple(attrs.evolve(m, withholder_credit_code=payer(m.month))
                     for m in holder.employment.income),
        insurance=tuple(attrs.evolve(m, payer_credit_code=payer(m.month))
                        for m in holder.employment.insurance),
    )  # fmt: skip
    history = (
        WorkRecord(a.name, date(2015, 7, 1), joined_b - timedelta(days=1), a.credit_code),
        WorkRecord(b.name, joined_b, joined_c - timedelta(days=1), b.credit_code),
        WorkRecord(c.name, joined_c, None, c.credit_code),
    )
    return attrs.evolve(
        holder,
        employment=employment,
        profile=attrs.evolve(holder.profile, work_history=history),
        association=Association(AssociationState.ASSOCIATED, b, "GL-B", AT - timedelta(days=3)),
    )


def approved_change(case: Case) -> Case:
    case = case.fire("prepare", APPLICANT).fire("initiate", EMPLOYER).fire("accept", AUTHORITY)
    return passed_by_the_authority(passed_by_the_authority(case))


def test_successive_employer_changes_are_filed_one_by_one() -> None:
    holder = a_to_b_to_c()
    to_b = approved_change(Case.start(BusinessType.EMPLOYER_CHANGE, engine=HAIDIAN, holder=holder))
    b = holder.association.employer
    assert b is not None
    assert to_b.application.state == "approved"
    assert to_b.holder.permit.employer_credit_code == b.credit_code
    # B ends the association (the permit is suspended again); the holder associates with C.
    from permitflow.machines.association import AssociationRequest
    from permitflow.records.actors import Actor
    from permitflow.testing import STRANGER_EMPLOYER

    c = next(r for r in holder.profile.work_history if r.employer_uscc == STRANGER_EMPLOYER)
    moved = to_b.fire_holder("dissociate", Actor.employer(b.credit_code))
    assert moved.holder.permit.state.value == "suspended"
    request = AssociationRequest(
        attrs.evolve(b, credit_code=STRANGER_EMPLOYER, name=c.employer_name), "GL-C"
    )
    moved = moved.fire_holder("request_association", APPLICANT, payload=request)
    moved = moved.fire_holder("approve_association", Actor.employer(STRANGER_EMPLOYER))
    to_c = approved_change(
        Case.start(BusinessType.EMPLOYER_CHANGE, engine=HAIDIAN, holder=moved.holder,
                   at=moved.at, application_id="employer_change-2")
    )  # fmt: skip
    assert to_c.application.state == "approved"
    assert to_c.holder.permit.employer_credit_code == STRANGER_EMPLOYER
    assert to_c.holder.permit.state.value == "valid"


def test_the_change_to_an_intermediate_employer_is_judged_on_its_own_months() -> None:
    holder = a_to_b_to_c()
    case = Case.start(BusinessType.EMPLOYER_CHANGE, engine=HAIDIAN, holder=holder)
    case = case.fire("prepare", APPLICANT)
    # B paid the holder's tax in September to December 2025; one month of it paid by another
    # withholder breaks the rule for B, as it would for the current employer.
    income = tuple(
        attrs.evolve(m, withholder_credit_code=EMPLOYERS_A)
        if m.month == date(2025, 12, 1) else m
        for m in holder.employment.income
    )  # fmt: skip
    broken = attrs.evolve(holder, employment=attrs.evolve(holder.employment, income=income))
    with pytest.raises(Blocked) as refused:
        attrs.evolve(case, holder=broken).fire("initiate", EMPLOYER)
    assert "EMP-005" in refused_by(refused)
    assert case.fire("initiate", EMPLOYER).application.state == "awaiting_acceptance"


# --- NEW-003 at every step: the association on the day of each step ----------------------------


@pytest.mark.parametrize("steps", [(), ("accept",)], ids=["at acceptance", "at the pass"])
def test_a_new_application_is_not_approved_once_the_employer_ended_the_association(
    steps: tuple[str, ...],
) -> None:
    from permitflow.records.actors import Actor

    case = Case.start(BusinessType.NEW, engine=HAIDIAN).fire("submit", APPLICANT)
    case = case.fire("employer_approve", EMPLOYER)
    for event in steps:
        case = case.fire(event, AUTHORITY)
    step = passed_by_the_authority if steps else (lambda c: c.fire("accept", AUTHORITY))
    assert step(case).application.state.startswith("authority_review")
    employer = case.holder.association.employer
    assert employer is not None
    left = case.fire_holder("dissociate", Actor.employer(employer.credit_code))
    with pytest.raises(Blocked) as refused:
        step(left)
    assert "NEW-003" in refused_by(refused)
