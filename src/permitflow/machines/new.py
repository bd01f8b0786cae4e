"""New application (新办, M§2): applicant-initiated; approval issues the permit.

"与聘用单位进行关联 …… 再次确认附件均按要求上传齐全后，发起申请事项 …… 由聘用单位进行审核，
审核通过后等待主管部门进行受理 …… 经主管部门多级逐一审核，全部审核通过的业务办理完成，此时可在
系统打印确认单" (M§2.1-2.4). The permit runs from the approval day for ``permit.validity_years``
(3 years by secondary sources only; a rule-set parameter). A holder whose permit expired or was
cancelled applies again the same way; the approval issues a fresh permit and keeps the ended one
in the record's former permits (``fresh_start``).
"""

from __future__ import annotations

import attrs
from dateutil.relativedelta import relativedelta

from permitflow.calendar import local_date
from permitflow.engine.definition import Change, MachineDefinition
from permitflow.machines.attachments import WHOLE_RECORD
from permitflow.machines.common import (
    RECORD_GROUPS,
    REVIEWED_GROUPS,
    Guards,
    applicant_initiated,
    application_of,
)
from permitflow.machines.permit import fresh_start, permit_step, validity_years
from permitflow.machines.spec import BusinessTypeSpec, Procedure
from permitflow.records.application import BusinessType, NewForm
from permitflow.records.holder import PermitState

GUARDS = Guards(
    start=RECORD_GROUPS | {"new", "chd", "cal", "pol", "rev", "flow"},
    employer=frozenset({"emp", "new", "flow"}),
    review=REVIEWED_GROUPS | {"new", "pol", "rev", "flow"},
)
"""``new`` at the employer's and the authority's steps brings NEW-003: the employer that
reviews is still the one the holder is associated with, on the day of each step."""


def _issue(change: Change) -> Change:
    application = application_of(change)
    form = application.form
    assert isinstance(form, NewForm)  # the engine keeps the form of the business type
    day = local_date(change.at)
    holder = permit_step(
        fresh_start(change.holder, day),
        "issue",
        day,
        permit_type=form.permit_type.value,
        employer_credit_code=application.employer_id,
        issued_on=day,
        expires_on=day + relativedelta(years=validity_years(change)),
        children=form.children,
    )
    return attrs.evolve(change, holder=holder)


def new_machine(
    levels: int, *, employer_can_return: bool = True, resubmit_via_employer: bool = True
) -> MachineDefinition:
    """The new-application machine for ``levels`` authority review levels."""
    return applicant_initiated(
        BusinessType.NEW, levels,
        guards=GUARDS, on_approve=_issue, employer_can_return=employer_can_return,
        resubmit_via_employer=resubmit_via_employer,
    )  # fmt: skip


SPEC = BusinessTypeSpec(
    BusinessType.NEW, new_machine, NewForm, Procedure.APPLICANT_FILED,
    sample_form=lambda day: NewForm(), permit_state=PermitState.NONE, attachments=WHOLE_RECORD,
    # "一旦过期，无法恢复 …… 请重新办理新办业务" (M§3 注意事项 3; catalogue §3.6, I): the holder
    # of an expired or cancelled permit files 新办 again, the ended permit kept in the record's
    # former permits, as FLOW-002 and REN-006 tell them.
    permit_states={PermitState.NONE, PermitState.EXPIRED, PermitState.CANCELLED},
)  # fmt: skip
"""新办: filed by the applicant before any permit, or after one ended."""
