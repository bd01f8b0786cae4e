"""Cancellation due (应即时注销, M§7): nothing keeps the permit going, the status views say so.

A man born 1965-12-16 reaches the statutory retirement age (60 years 3 months) on 2026-03-16:
the day before he may still renew, from that day on the renewal and the employer change are
refused with a message pointing to 注销, and the status views say since when it is due.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest

from permitflow.cancellation_due import CancellationDue, cancellation_due
from permitflow.engine.engine import Engine
from permitflow.errors import Blocked
from permitflow.machines.status import holder_status
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType, CancellationTrigger
from permitflow.records.holder import HolderRecord, Hukou, HukouKind, PermitState
from permitflow.rules.rule import BEIJING
from permitflow.testing import Case, holder_for, valid_holder

HAIDIAN = Engine()
MAN_1965_12_16 = "420106196512160016"
RETIRES = date(2026, 3, 16)
DAY_BEFORE = datetime(2026, 3, 15, 10, 0, tzinfo=BEIJING)
RETIREMENT_DAY = DAY_BEFORE + timedelta(days=1)


def retiring(at: datetime) -> HolderRecord:
    return valid_holder(at=at, holder_id=MAN_1965_12_16)


def test_the_day_before_retirement_the_renewal_goes_ahead() -> None:
    case = Case.start(BusinessType.RENEWAL, engine=HAIDIAN, holder=retiring(DAY_BEFORE),
                      at=DAY_BEFORE)  # fmt: skip
    case = case.fire("prepare", Role.APPLICANT)
    assert case.application.state == "ready"
    status = holder_status(HAIDIAN, retiring(DAY_BEFORE), DAY_BEFORE)
    assert status.cancellation_due == ()
    assert status.cancellation_due_since is None


@pytest.mark.parametrize("kind", [BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE])
def test_from_the_retirement_day_renewal_and_employer_change_are_refused(
    kind: BusinessType,
) -> None:
    holder = holder_for(kind, at=RETIREMENT_DAY, holder_id=MAN_1965_12_16)
    case = Case.start(kind, engine=HAIDIAN, holder=holder, at=RETIREMENT_DAY)
    with pytest.raises(Blocked) as refused:
        case.fire("prepare", Role.APPLICANT)
    assert "CAN-004" in refused.value.context["rule_ids"]
    assert "请办理注销" in refused.value.message_zh


def test_a_renewal_prepared_the_day_before_is_refused_on_the_retirement_day() -> None:
    case = Case.start(BusinessType.RENEWAL, engine=HAIDIAN, holder=retiring(DAY_BEFORE),
                      at=DAY_BEFORE)  # fmt: skip
    case = case.fire("prepare", Role.APPLICANT, after=timedelta(days=1))
    with pytest.raises(Blocked) as refused:
        case.fire("initiate", Role.EMPLOYER)
    assert refused.value.context["rule_ids"] == ["CAN-004"]


def test_the_status_views_say_the_cancellation_is_due_and_since_when() -> None:
    holder = retiring(RETIREMENT_DAY)
    status = holder_status(HAIDIAN, holder, RETIREMENT_DAY + timedelta(days=30))
    assert status.cancellation_due == (CancellationDue(CancellationTrigger.RETIREMENT, RETIRES),)
    assert status.cancellation_due_since == RETIRES
    assert status.cancellation_due[0].label_zh == "已到达法定退休年龄"
    lines = {line.business_type: line for line in status.business}
    assert lines[BusinessType.CANCELLATION].available
    assert lines[BusinessType.CANCELLATION].due == status.cancellation_due
    assert not lines[BusinessType.RENEWAL].available
    assert {r.rule_id for r in lines[BusinessType.RENEWAL].reasons} >= {"CAN-004"}
    assert lines[BusinessType.RENEWAL].due == ()


def test_a_beijing_hukou_is_due_from_its_registration_day() -> None:
    holder = valid_holder()
    assert holder.profile.general is not None
    hukou = Hukou(HukouKind.FAMILY, "11", "北京市海淀区", registered_on=date(2026, 2, 1))
    general = attrs.evolve(holder.profile.general, hukou=hukou)
    holder = attrs.evolve(holder, profile=attrs.evolve(holder.profile, general=general))
    assert cancellation_due(holder, RETIRES) == (
        CancellationDue(CancellationTrigger.BEIJING_HUKOU, date(2026, 2, 1)),
    )


def test_an_employer_moved_out_is_due_from_the_day_it_moved() -> None:
    holder = valid_holder()
    assert holder.association.employer is not None
    moved = attrs.evolve(holder.association.employer, in_beijing=False,
                         moved_out_on=RETIRES)  # fmt: skip
    holder = attrs.evolve(holder, association=attrs.evolve(holder.association, employer=moved))
    assert cancellation_due(holder, RETIRES - timedelta(days=1)) == ()
    assert cancellation_due(holder, RETIRES) == (
        CancellationDue(CancellationTrigger.EMPLOYER_LEFT_BEIJING, RETIRES),
    )


@pytest.mark.parametrize("state", [PermitState.NONE, PermitState.EXPIRED, PermitState.CANCELLED])
def test_nothing_is_due_without_a_live_permit(state: PermitState) -> None:
    holder = valid_holder(at=RETIREMENT_DAY, holder_id=MAN_1965_12_16, permit_state=state)
    assert cancellation_due(holder, RETIRES) == ()
