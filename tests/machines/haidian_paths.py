"""Driving an application through the authority's review on the full Haidian rule set.

The reviewer attests what waits for a person (a colour scan, lawful housing...) before each
pass, as a portal's reviewer does; the helpers return the case after the last step.
"""

from __future__ import annotations

from datetime import timedelta

from permitflow.engine.review import APPROVED
from permitflow.records.actors import Role
from permitflow.testing import Case


def attest_pending(case: Case) -> Case:
    """The case with every attestation the next ``pass`` waits for recorded by its reviewer."""
    reviewer = case.actor(Role.AUTHORITY)
    for finding in case.engine.pending_attestations(
        case.application, "pass", at=case.at, holder=case.holder
    ):
        outcome = case.engine.attest(
            case.application, finding.rule_id, actor=reviewer, at=case.at, holder=case.holder
        )
        later = case.at + timedelta(minutes=5)
        case = Case(case.engine, outcome.holder, outcome.application, later)
    return case


def review_to_approval(case: Case) -> Case:
    """Accept, then attest and pass at every level until the application is approved."""
    case = case.fire("accept", Role.AUTHORITY)
    while case.application.state != APPROVED:
        case = attest_pending(case).fire("pass", Role.AUTHORITY)
    return case
