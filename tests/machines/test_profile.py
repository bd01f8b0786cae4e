"""The basic-information record: incomplete until previewed and submitted; edits reopen it."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from permitflow.engine.engine import Engine
from permitflow.errors import Blocked, EventNotAllowed, InvalidInput, NotPermitted
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord, Profile, ProfileState
from permitflow.testing import AT, STRANGER_ID, Case, valid_holder

APPLICANT = Role.APPLICANT


def fresh(holder: HolderRecord) -> HolderRecord:
    return HolderRecord(holder.holder_id)


def test_a_new_record_is_filled_in_then_previewed_and_submitted(bare: Engine) -> None:
    full = valid_holder()
    holder = fresh(full)
    assert holder.profile_state is ProfileState.INCOMPLETE
    outcome = bare.fire_holder(
        holder, "edit_profile", actor=Actor.applicant(holder.holder_id), at=AT,
        payload=full.profile,
    )  # fmt: skip
    assert outcome.holder.profile == full.profile
    assert outcome.holder.profile_state is ProfileState.INCOMPLETE
    outcome = bare.fire_holder(
        outcome.holder, "complete_profile", actor=Actor.applicant(holder.holder_id), at=AT
    )
    assert outcome.holder.profile_state is ProfileState.COMPLETE
    assert [e.event for e in outcome.holder.history] == ["edit_profile", "complete_profile"]


def test_an_edit_after_submission_reopens_the_record(bare: Engine) -> None:
    case = Case.start(BusinessType.NEW, engine=bare)
    edited = attrs.evolve(case.holder.profile, work_history=case.holder.profile.work_history[:1])
    case = case.fire_holder("edit_profile", APPLICANT, payload=edited)
    assert case.holder.profile_state is ProfileState.INCOMPLETE
    with pytest.raises(EventNotAllowed):
        case.fire_holder("upload_attachment", APPLICANT)


def test_an_edit_needs_the_profile(bare: Engine) -> None:
    case = Case.start(BusinessType.NEW, engine=bare)
    with pytest.raises(InvalidInput):
        case.fire_holder("edit_profile", APPLICANT)
    with pytest.raises(InvalidInput):
        case.fire_holder("edit_profile", APPLICANT, payload="地址")


def test_only_the_holder_edits_its_record(bare: Engine) -> None:
    case = Case.start(BusinessType.NEW, engine=bare)
    with pytest.raises(NotPermitted):
        case.fire_holder("edit_profile", Actor.applicant(STRANGER_ID), payload=Profile())
    with pytest.raises(NotPermitted):
        case.fire_holder("edit_profile", Role.EMPLOYER, payload=Profile())


def test_edits_are_locked_while_an_application_is_under_review(
    rule_engine: Callable[..., Engine],
) -> None:
    case = Case.start(BusinessType.NEW, engine=rule_engine()).fire("submit", APPLICANT)
    with pytest.raises(Blocked) as refused:
        case.fire_holder("edit_profile", APPLICANT, payload=case.holder.profile)
    assert refused.value.context["rule_ids"] == ["FLOW-103"]


def test_edits_are_open_again_after_a_return(rule_engine: Callable[..., Engine]) -> None:
    case = Case.start(BusinessType.NEW, engine=rule_engine()).fire("submit", APPLICANT)
    case = case.fire("employer_return", Role.EMPLOYER, opinion="请更新工作经历")
    case = case.fire_holder("edit_profile", APPLICANT, payload=case.holder.profile)
    assert case.holder.profile_state is ProfileState.INCOMPLETE


def test_the_lock_is_a_rule_that_can_be_switched_off(rule_engine: Callable[..., Engine]) -> None:
    from permitflow.rules.haidian.timers import RULES

    engine = rule_engine(rules=[rule for rule in RULES if rule.id != "FLOW-103"])
    case = Case.start(BusinessType.NEW, engine=engine).fire("submit", APPLICANT)
    case = case.fire_holder("edit_profile", APPLICANT, payload=case.holder.profile)
    assert case.holder.profile_state is ProfileState.INCOMPLETE


HAIDIAN = Engine()


@pytest.mark.parametrize(
    ("missing", "rule_id"),
    [({"photo": None}, "BI-001"), ({"education": None}, "BI-001"),
     ({"work_history": ()}, "BI-001")],
)  # fmt: skip
def test_no_complete_profile_without_photo_education_or_work_history(
    missing: dict[str, object], rule_id: str
) -> None:
    full = valid_holder()
    holder = fresh(full)
    case = Case.start(BusinessType.NEW, engine=HAIDIAN, holder=holder)
    case = case.fire_holder("edit_profile", APPLICANT,
                            payload=attrs.evolve(full.profile, **missing))  # fmt: skip
    with pytest.raises(Blocked) as refused:
        case.fire_holder("complete_profile", APPLICANT)
    assert rule_id in refused.value.context["rule_ids"]
    assert case.holder.profile_state is ProfileState.INCOMPLETE


def test_a_whole_profile_is_previewed_and_submitted_under_the_haidian_rules() -> None:
    full = valid_holder()
    case = Case.start(BusinessType.NEW, engine=HAIDIAN, holder=fresh(full))
    case = case.fire_holder("edit_profile", APPLICANT, payload=full.profile)
    case = case.fire_holder("complete_profile", APPLICANT)
    assert case.holder.profile_state is ProfileState.COMPLETE


def test_an_untidy_education_record_is_not_complete() -> None:
    full = valid_holder()
    assert full.profile.education is not None
    titled = attrs.evolve(full.profile.education, title_name="工程师")
    case = Case.start(BusinessType.NEW, engine=HAIDIAN, holder=fresh(full))
    case = case.fire_holder("edit_profile", APPLICANT,
                            payload=attrs.evolve(full.profile, education=titled))  # fmt: skip
    with pytest.raises(Blocked) as refused:
        case.fire_holder("complete_profile", APPLICANT)
    assert refused.value.context["rule_ids"] == ["EDU-003"]
