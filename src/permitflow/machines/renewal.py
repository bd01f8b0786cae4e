"""Renewal (续签, M§3): initiated by the current employer; approval extends the expiry.

"由单位确认无误后，在单位系统发起“续签” …… 不通过的：根据主管部门出具的审批意见进行修改，在修改
完毕后告知单位再次发起申请事项" (M§3.2). It must be submitted at least 20 working days before the
expiry date (M§3 注意事项 3, REN-005 / CAL-001).

How the new expiry date is set is not stated anywhere we could read (catalogue §12.3): the
rule-set parameter ``renewal.new_expiry_from`` chooses ``"expiry"`` (the old expiry date plus
the validity period, the default) or ``"approval"`` (the approval day plus the validity period).
"""

from __future__ import annotations

from enum import StrEnum

import attrs
from dateutil.relativedelta import relativedelta

from permitflow.calendar import local_date
from permitflow.engine.definition import Change, MachineDefinition
from permitflow.errors import Expected, Problem, RuleDataError
from permitflow.machines.attachments import WHOLE_RECORD
from permitflow.machines.common import (
    APPLICANT_DATA_GROUPS,
    RECORD_GROUPS,
    REVIEWED_GROUPS,
    Guards,
    employer_initiated,
    param,
)
from permitflow.machines.permit import permit_step, validity_years
from permitflow.machines.spec import BusinessTypeSpec, Procedure
from permitflow.records.application import BusinessType, RenewalForm

GUARDS = Guards(
    start=APPLICANT_DATA_GROUPS | {"att", "doc", "emp", "ren", "can", "flow"},
    employer=RECORD_GROUPS | {"ren", "cal", "pol", "rev", "can", "flow"},
    review=REVIEWED_GROUPS | {"ren", "pol", "rev", "can", "flow"},
)

NEW_EXPIRY_PARAMETER = "renewal.new_expiry_from"


class NewExpiryFrom(StrEnum):
    EXPIRY = "expiry"
    """The old expiry date plus the validity period."""
    APPROVAL = "approval"
    """The approval day plus the validity period."""


DEFAULT_NEW_EXPIRY_FROM = NewExpiryFrom.EXPIRY


def _new_expiry_from(change: Change) -> NewExpiryFrom:
    raw = param(change, NEW_EXPIRY_PARAMETER, DEFAULT_NEW_EXPIRY_FROM)
    try:
        return NewExpiryFrom(raw)
    except ValueError:
        wrong = Problem(
            "wrong", f"$.{NEW_EXPIRY_PARAMETER}", raw,
            Expected("one_of", tuple(kind.value for kind in NewExpiryFrom)),
        )  # fmt: skip
        raise RuleDataError("value", problems=[wrong]) from None


def _extend(change: Change) -> Change:
    day = local_date(change.at)
    old_expiry = change.holder.permit.expires_on
    base = (
        day
        if _new_expiry_from(change) is NewExpiryFrom.APPROVAL or old_expiry is None
        else old_expiry
    )
    holder = permit_step(
        change.holder, "extend", day, expires_on=base + relativedelta(years=validity_years(change))
    )
    return attrs.evolve(change, holder=holder)


def renewal_machine(levels: int) -> MachineDefinition:
    """The renewal machine for ``levels`` authority review levels."""
    return employer_initiated(
        BusinessType.RENEWAL, levels, guards=GUARDS, on_approve=_extend
    )


SPEC = BusinessTypeSpec(
    BusinessType.RENEWAL, renewal_machine, RenewalForm, Procedure.EMPLOYER_FILED,
    sample_form=lambda day: RenewalForm(employer_checked=True), attachments=WHOLE_RECORD,
)  # fmt: skip
"""续签: filed by the employer on a valid permit."""
