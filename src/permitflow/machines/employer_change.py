"""Employer change (聘用单位变更, M§4): initiated by the new employer; approval re-links the permit.

"持证人离职的，原单位应立即在系统中办理解除员工与单位其关联，新单位……应立即与持证人进行关联，并
办理《北京市工作居住证》聘用单位变更业务" (M§4). The permit is suspended after leaving and the new
association approved before the change is filed (FLOW-003, CHG-004); several changes are made
one by one (CHG-006). The permit's own employer resumes a suspended permit the same way, once
the holder is associated with it again (a dissociation made in error, a return: 返聘). Approval
makes the permit valid again under the initiating employer; the expiry date does not change
(inferred: nothing says a change renews the permit), and a permit past its expiry is never
revived: REN-006 refuses every step from the filing to the last pass once the
expiry date has passed ("一旦过期，无法恢复", M§4 注意事项 4).
"""

from __future__ import annotations

from datetime import date

import attrs
from dateutil.relativedelta import relativedelta

from permitflow.calendar import local_date
from permitflow.engine.definition import Change, MachineDefinition
from permitflow.machines.attachments import WHOLE_RECORD
from permitflow.machines.common import (
    APPLICANT_DATA_GROUPS,
    RECORD_GROUPS,
    REVIEWED_GROUPS,
    Guards,
    application_of,
    employer_initiated,
)
from permitflow.machines.permit import permit_step
from permitflow.machines.spec import BusinessTypeSpec, Procedure
from permitflow.records.application import BusinessType, EmployerChangeForm
from permitflow.records.holder import PermitState, Requirement, Slot

GUARDS = Guards(
    start=APPLICANT_DATA_GROUPS | {"att", "doc", "emp", "chg", "ren", "can", "flow"},
    employer=RECORD_GROUPS | {"chg", "ren", "cal", "pol", "rev", "can", "flow"},
    review=REVIEWED_GROUPS | {"chg", "ren", "pol", "rev", "can", "flow"},
)
"""``ren`` brings REN-006 (an expired permit cannot be restored, M§4 注意事项 4) to every step
of the change, the authority's acceptance and each pass included."""


def _relink(change: Change) -> Change:
    holder = permit_step(
        change.holder,
        "relink",
        local_date(change.at),
        employer_credit_code=application_of(change).employer_id,
    )
    return attrs.evolve(change, holder=holder)


def employer_change_machine(levels: int) -> MachineDefinition:
    """The employer-change machine for ``levels`` authority review levels."""
    return employer_initiated(
        BusinessType.EMPLOYER_CHANGE, levels,
        guards=GUARDS, on_approve=_relink,
    )  # fmt: skip


def _sample_form(day: date) -> EmployerChangeForm:
    left = day - relativedelta(months=2)
    return EmployerChangeForm(employer_accepted=True, left_previous_on=left)


SPEC = BusinessTypeSpec(
    BusinessType.EMPLOYER_CHANGE, employer_change_machine, EmployerChangeForm,
    # Filed once leaving the former employer suspended the permit (M§4.1: 自原单位离职后，将工作
    # 居住证操作为“挂起”状态), and only then.
    Procedure.EMPLOYER_FILED, sample_form=_sample_form, permit_state=PermitState.SUSPENDED,
    new_employer=True,
    # M§4.2: “其他材料”上传原单位出具的离职证明 — the other materials are required here.
    attachments={**WHOLE_RECORD, Slot.OTHER: Requirement.REQUIRED},
)  # fmt: skip
"""聘用单位变更: filed by the new employer once the old one's dissociation suspended the permit."""
