"""A second life: a holder whose permit expired or was cancelled applies for a new one (新办).

FLOW-002 and REN-006 tell the holder of an ended permit 「请重新办理新办业务」; this is that path,
end to end on the Haidian rule set. The ended permit never comes back: the approval issues a
fresh permit and keeps the ended one, as it ended, among the record's former permits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, time, timedelta

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from haidian_paths import review_to_approval

from permitflow.engine.engine import Engine
from permitflow.engine.snapshot import from_dict, to_dict
from permitflow.errors import Blocked
from permitflow.machines import sweep
from permitflow.machines.attachments import DeleteAttachment
from permitflow.machines.permit import fresh_start
from permitflow.machines.status import available_business
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import PermitState
from permitflow.rules.rule import BEIJING, local_date
from permitflow.testing import AT, Case, holder_for, valid_holder

APPLICANT, EMPLOYER = Role.APPLICANT, Role.EMPLOYER
HAIDIAN = Engine()


@pytest.mark.parametrize("ended", [PermitState.EXPIRED, PermitState.CANCELLED])
def test_a_former_holder_is_told_to_apply_anew_and_that_really_works(ended: PermitState) -> None:
    holder = valid_holder(permit_state=ended)
    renewal = Case.start(BusinessType.RENEWAL, engine=HAIDIAN, holder=holder)
    with pytest.raises(Blocked) as refused:
        renewal.fire("prepare", APPLICANT)
    assert "请重新办理新办业务" in refused.value.message_zh
    listed = {line.business_type: line for line in available_business(HAIDIAN, holder, renewal.at)}
    assert listed[BusinessType.NEW].available

    case = Case.start(BusinessType.NEW, engine=HAIDIAN, holder=holder)
    case = case.fire("submit", APPLICANT).fire("employer_approve", EMPLOYER)
    case = review_to_approval(case)

    day = local_date(case.at)
    permit = case.holder.permit
    assert permit.state is PermitState.VALID
    assert permit.issued_on is not None
    assert permit.issued_on <= day
    assert permit.expires_on == permit.issued_on + relativedelta(years=3)
    assert case.holder.former_permits == (holder.permit,)
    assert case.holder.open_application is None


def test_an_ended_permit_is_kept_as_it_ended() -> None:
    holder = valid_holder(permit_state=PermitState.EXPIRED)
    restarted = fresh_start(holder, AT.date())
    assert restarted.permit.state is PermitState.NONE
    assert restarted.former_permits == (holder.permit,)
    assert fresh_start(valid_holder(), AT.date()) == valid_holder()


def test_a_permit_past_its_expiry_before_the_timer_ran_is_kept_as_expired() -> None:
    holder = valid_holder(expires_in_days=10)
    expires = holder.permit.expires_on
    assert expires is not None
    assert fresh_start(holder, expires) == holder
    restarted = fresh_start(holder, expires + timedelta(days=1))
    (former,) = restarted.former_permits
    assert former.state is PermitState.EXPIRED
    assert former.changed_on == expires + timedelta(days=1)
    assert former.expires_on == expires


def test_the_holder_applies_anew_the_day_after_expiry_even_before_the_sweep() -> None:
    holder = valid_holder(expires_in_days=-1)
    case = Case.start(BusinessType.NEW, engine=HAIDIAN, holder=holder)
    assert case.holder.permit.state is PermitState.VALID
    case = case.fire("submit", APPLICANT).fire("employer_approve", EMPLOYER)
    case = review_to_approval(case)
    assert case.holder.permit.state is PermitState.VALID
    assert case.holder.former_permits[0].state is PermitState.EXPIRED


def test_former_permits_pile_up_oldest_first(bare: Engine) -> None:
    first = valid_holder(permit_state=PermitState.CANCELLED)
    case = Case.start(BusinessType.NEW, engine=bare, holder=first).fire("submit", APPLICANT)
    case = case.fire("employer_approve", EMPLOYER).fire("accept", Role.AUTHORITY)
    case = case.fire("pass", Role.AUTHORITY).fire("pass", Role.AUTHORITY)
    second_permit = case.holder.permit
    assert second_permit.expires_on is not None
    left = second_permit.expires_on - local_date(case.at)
    after_expiry = case.at + left + timedelta(days=1)
    expired = sweep(bare, case.holder, [], after_expiry).holder

    again = Case.start(BusinessType.NEW, engine=bare, holder=expired, at=after_expiry)
    again = again.fire("submit", APPLICANT).fire("employer_approve", EMPLOYER)
    again = again.fire("accept", Role.AUTHORITY).fire("pass", Role.AUTHORITY)
    again = again.fire("pass", Role.AUTHORITY)
    assert [p.state for p in again.holder.former_permits] == [
        PermitState.CANCELLED,
        PermitState.EXPIRED,
    ]
    assert again.holder.former_permits[1].issued_on == second_permit.issued_on
    assert again.holder.permit.state is PermitState.VALID


def test_the_sweep_leaves_a_former_holders_new_application_open(
    rule_engine: Callable[..., Engine],
) -> None:
    engine = rule_engine()
    holder = valid_holder(permit_state=PermitState.EXPIRED)
    case = Case.start(BusinessType.NEW, engine=engine, holder=holder).fire("submit", APPLICANT)
    result = sweep(engine, case.holder, [case.application], case.at + timedelta(days=1))
    assert result.events == ()
    assert result.applications == (case.application,)
    with pytest.raises(Blocked) as refused:
        case.fire("close_moot", Role.SYSTEM)
    assert refused.value.context["rule_ids"] == ["FLOW-102"]


def test_a_second_life_survives_the_strict_loader(bare: Engine) -> None:
    holder = valid_holder(permit_state=PermitState.EXPIRED)
    case = Case.start(BusinessType.NEW, engine=bare, holder=holder).fire("submit", APPLICANT)
    case = case.fire("employer_approve", EMPLOYER).fire("accept", Role.AUTHORITY)
    case = case.fire("pass", Role.AUTHORITY).fire("pass", Role.AUTHORITY)
    issued = case.holder.history[-1]
    assert (issued.from_state, issued.to_state) == ("none", "valid")
    assert from_dict(json.loads(json.dumps(to_dict(case.holder)))) == case.holder


# --- an application left open when the permit expires -----------------------------------------


def _fresh_documents(case: Case) -> Case:
    """The dated documents printed again and uploaded anew on the day of ``case``."""
    day = local_date(case.at)
    for attachment in case.holder.attachments:
        if attachment.issued_on is None:
            continue
        fresh = attrs.evolve(attachment, uploaded_on=day, issued_on=day)
        case = case.fire_holder("delete_attachment", APPLICANT,
                                payload=DeleteAttachment(attachment.slot), after=timedelta(0))
        case = case.fire_holder("upload_attachment", APPLICANT, payload=fresh,
                                after=timedelta(minutes=1))  # fmt: skip
    return case


OPEN_AT_EXPIRY = {
    "ready": ("prepare",),
    "awaiting_acceptance": ("prepare", "initiate"),
    "authority_review_1": ("prepare", "initiate", "accept"),
}
"""A renewal with the holder's employer (ready, awaiting_acceptance) or with the authority."""


def _open_at_expiry(kind: BusinessType, steps: tuple[str, ...]) -> Case:
    """A ``kind`` application taken through ``steps``, then the day after the permit's expiry."""
    holder = holder_for(kind, at=AT)
    holder = attrs.evolve(holder, permit=attrs.evolve(holder.permit,
                                                      expires_on=AT.date() + timedelta(days=45)))
    case = Case.start(kind, engine=HAIDIAN, holder=holder)
    roles = {"prepare": APPLICANT, "initiate": EMPLOYER, "accept": Role.AUTHORITY}
    for event in steps:
        case = case.fire(event, roles[event])
    assert case.holder.open_application is not None
    expires = case.holder.permit.expires_on
    assert expires is not None
    after = datetime.combine(expires + timedelta(days=1), time(9), tzinfo=BEIJING)
    return attrs.evolve(case, at=after)


@pytest.mark.parametrize("state", OPEN_AT_EXPIRY)
def test_a_renewal_open_at_expiry_is_closed_by_the_sweep_and_a_new_application_approved(
    state: str,
) -> None:
    renewal = _open_at_expiry(BusinessType.RENEWAL, OPEN_AT_EXPIRY[state])
    assert renewal.application.state == state
    swept = sweep(HAIDIAN, renewal.holder, [renewal.application], renewal.at)
    assert [e.event for e in swept.events] == ["expire", "close_moot"]
    assert swept.applications[0].state == "closed"
    assert (swept.holder.permit.state, swept.holder.open_application) == (
        PermitState.EXPIRED, None
    )
    ready = _fresh_documents(attrs.evolve(renewal, holder=swept.holder))
    new = Case.start(BusinessType.NEW, engine=HAIDIAN, holder=ready.holder, at=ready.at,
                     application_id="new-1")  # fmt: skip
    new = review_to_approval(new.fire("submit", APPLICANT).fire("employer_approve", EMPLOYER))
    assert new.application.state == "approved"
    assert new.holder.permit.state is PermitState.VALID
    assert [p.state for p in new.holder.former_permits] == [PermitState.EXPIRED]


def test_an_employer_change_open_at_expiry_is_closed_by_the_sweep_too() -> None:
    change = _open_at_expiry(BusinessType.EMPLOYER_CHANGE, ("prepare", "initiate"))
    swept = sweep(HAIDIAN, change.holder, [change.application], change.at)
    assert [e.event for e in swept.events] == ["expire", "close_moot"]
    assert swept.holder.open_application is None


def test_before_any_sweep_the_refusal_says_to_withdraw_the_moot_renewal_then_it_works() -> None:
    renewal = _open_at_expiry(BusinessType.RENEWAL, ("prepare", "initiate"))
    with pytest.raises(Blocked) as refused:
        renewal.fire("accept", Role.AUTHORITY)
    (ren_006,) = (f for f in refused.value.findings if f.rule_id == "REN-006")
    said = "请由聘用单位撤回该申请，或待系统自动结束该申请后，再重新办理新办业务"
    assert said in ren_006.message_zh

    new = Case.start(BusinessType.NEW, engine=HAIDIAN, holder=renewal.holder, at=renewal.at,
                     application_id="new-1")  # fmt: skip
    with pytest.raises(Blocked) as refused:
        new.fire("submit", APPLICANT)
    (flow_001,) = (f for f in refused.value.findings if f.rule_id == "FLOW-001")
    assert "由聘用单位将其撤回，或待系统自动结束该申请后" in flow_001.message_zh

    withdrawn = renewal.fire("withdraw", EMPLOYER, reason="证件已过期")
    assert withdrawn.holder.open_application is None
    ready = _fresh_documents(withdrawn)
    new = Case.start(BusinessType.NEW, engine=HAIDIAN, holder=ready.holder, at=ready.at,
                     application_id="new-1")  # fmt: skip
    assert new.fire("submit", APPLICANT).application.state == "employer_review"


def test_before_the_timer_the_system_may_close_a_renewal_past_the_expiry_date() -> None:
    renewal = _open_at_expiry(BusinessType.RENEWAL, ("prepare", "initiate", "accept"))
    assert renewal.holder.permit.state is PermitState.VALID
    closed = renewal.fire("close_moot", Role.SYSTEM)
    assert closed.application.state == "closed"
    assert closed.holder.open_application is None
    on_expiry = attrs.evolve(renewal, at=renewal.at - timedelta(days=1))
    with pytest.raises(Blocked) as refused:
        on_expiry.fire("close_moot", Role.SYSTEM)
    assert refused.value.context["rule_ids"] == ["FLOW-102"]
