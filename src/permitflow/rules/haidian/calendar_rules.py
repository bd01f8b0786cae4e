"""The renewal deadline of the holder's permit in working days (CAL, M§3 注意事项 3, §9).

CAL-001 computes the last day a renewal or employer change of the holder's permit can be
submitted, the ``renewal.working_days_before_expiry``-th working day strictly before the
expiry date (official make-up working days count). Whether a given submission met it is
judged by the renewal and employer-change rules (REN-005, CHG-009), which use the same
``permitflow.deadlines`` functions. CAL-002 says when that date is an estimate.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from attrs import frozen

from permitflow.deadlines import Deadline, latest_renewal_submission
from permitflow.errors import CalendarEstimateWarning
from permitflow.records.application import BusinessType
from permitflow.records.holder import PermitState
from permitflow.rules.facts import Facts, Plain
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import TEXTS, cite
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed

_DEADLINE_BUSINESS = frozenset({BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE})
_FIELD = "permit.expires_on"
_PASS = (passed(_FIELD),)
_QUOTE = "申请办理续签业务需至少提前 20 个工作日（规定审核周期）提交"


@lru_cache(maxsize=1024)
def _deadline(expiry: date, working_days: int) -> Deadline:
    # An estimate is reported as a CAL-002 finding, the place a person sees it; the warning
    # would only repeat it in the logs.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarEstimateWarning)
        return latest_renewal_submission(expiry, working_days=working_days)


def _permit_deadline(ctx: RuleContext) -> Deadline | None:
    permit = ctx.holder.permit
    if permit.expires_on is None:
        return None
    return _deadline(permit.expires_on, ctx.params["renewal.working_days_before_expiry"])


def _has_deadline(ctx: RuleContext) -> bool:
    return ctx.holder.permit.state in (PermitState.VALID, PermitState.SUSPENDED)


# M§3 注意事项 3: 申请办理续签业务需至少提前 20 个工作日（规定审核周期）提交 — the latest
# submission day is the 20th working day before the expiry date, the expiry day not counted,
# and early enough that the 20 working days of review after it end by the expiry.
def _latest_submission(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    if not _has_deadline(ctx):
        return (passed(_FIELD, permit=ctx.holder.permit.state.value),)
    deadline = _permit_deadline(ctx)
    if deadline is None:
        return (failed(_FIELD),)
    return (
        passed(
            _FIELD,
            expiry=deadline.reference.isoformat(),
            latest_submission=deadline.date.isoformat(),
            working_days=deadline.working_days,
            basis=deadline.basis_en,
        ),
    )


CAL_001 = Rule(
    id="CAL-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="cal",
    business_types=_DEADLINE_BUSINESS,
    citation=cite("M§3 注意事项 3; M§4 注意事项 4", _QUOTE),
    texts=TEXTS,
    parameters={"renewal.working_days_before_expiry": int},
    check=_latest_submission,
)


# Catalogue §9.2: a year without the State Council's holiday arrangement in the data is counted
# with statutory holidays only; say so rather than guess silently.
@frozen
class Estimated(Facts):
    years: tuple[int, ...]
    latest_submission: date


def _official_calendar(ctx: RuleContext) -> Iterable[Verdict[Estimated]]:
    deadline = _permit_deadline(ctx) if _has_deadline(ctx) else None
    if deadline is None or not deadline.estimated:
        return _PASS
    return (failed(_FIELD, Estimated(tuple(deadline.estimated_years), deadline.date)),)


CAL_002 = Rule(
    id="CAL-002",
    kind=RuleKind.MACHINE,
    severity=Severity.WARNING,
    group="cal",
    business_types=_DEADLINE_BUSINESS,
    citation=cite(
        "M§3 注意事项 3; 规则目录 §9（节假日数据）",
        _QUOTE,
    ),
    texts=TEXTS,
    parameters={"renewal.working_days_before_expiry": int},
    check=_official_calendar,
)

RULES: tuple[Rule, ...] = (CAL_001, CAL_002)
