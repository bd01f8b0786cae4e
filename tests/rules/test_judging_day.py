"""Each rule judges on its declared day (issue: documents, ages and employment on the day of the
current (re)submission, timeliness on the first submission, the permit's expiry on every step).

These reproductions run the Haidian rule set through the engine, as a portal would.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest

from permitflow import Engine
from permitflow.errors import Blocked
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord
from permitflow.testing import AT, Case, holder_for

APPLICANT, EMPLOYER, AUTHORITY = Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY
HAIDIAN = Engine()


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


# --- REN-006 on an employer change (the permit's expiry, judged at every step) -----------------


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


@pytest.mark.parametrize("level", [0, 1, 2], ids=["accept", "pass level 1", "pass level 2"])
def test_an_employer_change_passing_after_expiry_is_refused_and_revives_nothing(
    level: int,
) -> None:
    # Filed with one more day of validity ahead; the authority's step after it is refused.
    expiry = AT.date() + timedelta(days=1)
    case = change_of(expiry).fire("prepare", APPLICANT).fire("initiate", EMPLOYER)
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
        assert done.application.state == "approved"
        assert done.holder.permit.state.value == "valid"
        assert done.holder.permit.expires_on == expiry
