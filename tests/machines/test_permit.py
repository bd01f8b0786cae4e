"""The permit: its lifecycle through other machines' effects, the expiry timer and the sweep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from permitflow import testing
from permitflow.engine.engine import Engine
from permitflow.errors import Blocked, EventNotAllowed, NotPermitted
from permitflow.machines import HOLDER_MACHINES, sweep
from permitflow.machines.permit import PERMIT, TimerEvent
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import PermitState
from permitflow.rules.rule import BEIJING
from permitflow.testing import Case, valid_holder

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY
TIMER = Actor.system("timer")
EXPIRES = valid_holder().permit.expires_on
assert EXPIRES is not None
LAST_VALID_DAY = datetime.combine(EXPIRES, datetime.min.time(), BEIJING) + timedelta(hours=23)
DAY_AFTER = LAST_VALID_DAY + timedelta(hours=2)


def test_expired_and_cancelled_are_the_end() -> None:
    assert PERMIT.terminal_states == {"expired", "cancelled"}
    assert PERMIT in HOLDER_MACHINES


def test_the_permit_expires_only_after_its_expiry_date(rule_engine: Callable[..., Engine]) -> None:
    engine, holder = rule_engine(), valid_holder()
    with pytest.raises(Blocked) as refused:
        engine.fire_holder(holder, "expire", actor=TIMER, at=LAST_VALID_DAY)
    assert refused.value.context["rule_ids"] == ["FLOW-101"]
    expired = engine.fire_holder(holder, "expire", actor=TIMER, at=DAY_AFTER).holder
    assert expired.permit.state is PermitState.EXPIRED


def test_only_the_system_expires_a_permit(bare: Engine) -> None:
    with pytest.raises(NotPermitted):
        bare.fire_holder(valid_holder(), "expire", actor=Actor.applicant("x"), at=DAY_AFTER)


def test_an_expired_permit_never_comes_back(bare: Engine) -> None:
    holder = valid_holder(permit_state=PermitState.EXPIRED)
    for event in ("expire", "issue", "extend", "relink", "suspend", "cancel"):
        with pytest.raises(EventNotAllowed):
            bare.fire_holder(holder, event, actor=TIMER, at=DAY_AFTER)


@pytest.mark.parametrize("rules", [True, False], ids=["with rules", "bare"])
def test_lifecycle_steps_follow_only_from_their_business(rules: bool) -> None:
    engine = testing.rule_engine(()) if rules else testing.bare_engine()
    holder = valid_holder()
    for event in ("extend", "suspend", "cancel"):
        with pytest.raises(NotPermitted) as refused:
            engine.fire_holder(holder, event, actor=TIMER, at=DAY_AFTER)
        assert refused.value.context["roles"] == []


def test_the_sweep_expires_the_permit_and_closes_the_moot_renewal(
    rule_engine: Callable[..., Engine],
) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=rule_engine())
    case = case.fire("prepare", APPLICANT).fire("initiate", EMPLOYER).fire("accept", AUTHORITY)

    result = sweep(case.engine, case.holder, [case.application], DAY_AFTER)

    assert result.holder.permit.state is PermitState.EXPIRED
    assert result.holder.open_application is None
    (closed,) = result.applications
    assert closed.state == "closed"
    assert result.events == (
        TimerEvent("holder", "expire", "valid", "expired"),
        TimerEvent(case.application.id, "close_moot", "authority_review_1", "closed"),
    )


def test_the_sweep_does_nothing_before_the_expiry_date(rule_engine: Callable[..., Engine]) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=rule_engine()).fire("prepare", APPLICANT)
    result = sweep(case.engine, case.holder, [case.application], LAST_VALID_DAY)
    assert result.events == ()
    assert result.holder == case.holder
    assert result.applications == (case.application,)


def test_an_approved_renewal_keeps_the_permit_past_its_old_expiry(bare: Engine) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=bare).fire("prepare", APPLICANT)
    case = case.fire("initiate", EMPLOYER).fire("accept", AUTHORITY).fire("pass", AUTHORITY)
    case = case.fire("pass", AUTHORITY)
    result = sweep(bare, case.holder, [case.application], DAY_AFTER)
    assert result.events == ()
    assert result.holder.permit.state is PermitState.VALID


def test_a_moot_application_is_closed_only_when_the_permit_has_ended(
    rule_engine: Callable[..., Engine],
) -> None:
    case = Case.start(BusinessType.RENEWAL, engine=rule_engine()).fire("prepare", APPLICANT)
    with pytest.raises(Blocked) as refused:
        case.fire("close_moot", Role.SYSTEM)
    assert refused.value.context["rule_ids"] == ["FLOW-102"]


def test_a_suspended_permit_expires_too(bare: Engine) -> None:
    holder = valid_holder(permit_state=PermitState.SUSPENDED)
    result = sweep(bare, holder, [], DAY_AFTER)
    assert result.holder.permit.state is PermitState.EXPIRED
