"""A second life: a holder whose permit expired or was cancelled applies for a new one (新办).

FLOW-002 and REN-006 tell the holder of an ended permit 「请重新办理新办业务」; this is that path,
end to end on the Haidian rule set. The ended permit never comes back: the approval issues a
fresh permit and keeps the ended one, as it ended, among the record's former permits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from haidian_paths import review_to_approval

from permitflow.engine.engine import Engine
from permitflow.engine.snapshot import from_dict, to_dict
from permitflow.errors import Blocked
from permitflow.machines import sweep
from permitflow.machines.permit import fresh_start
from permitflow.machines.status import available_business
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import PermitState
from permitflow.rules.rule import local_date
from permitflow.testing import AT, Case, valid_holder

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
