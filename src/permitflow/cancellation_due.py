"""When a permit must be cancelled at once (应即时注销, M§7), and from which day.

"申请人已取得北京市户口、工作单位转至外省市或已到达法定退休年龄的，应即时注销北京市工作居住证。"
Three facts of the holder's record make the cancellation due:

* a Beijing hukou in the basic information — due from its registration day, when the record
  has it (迁入日期);
* the employer the holder is associated with recorded as moved out of Beijing — due from the
  day it moved, when the record has it;
* the statutory retirement date ([`permitflow.retirement`][permitflow.retirement]) reached — due
from that day.

A renewal or an employer change is then refused (HUK-004, CAN-004, CAN-005) and the status views
say the cancellation is due. Pure: the day is an argument.
"""

from __future__ import annotations

from datetime import date

from attrs import frozen

from permitflow.labels import label
from permitflow.records.application import CancellationTrigger
from permitflow.records.holder import AssociationState, Employer, HolderRecord, PermitState
from permitflow.retirement import Retirement, retirement_of

__all__ = ["CancellationDue", "cancellation_due", "moved_out_employer", "retirement_reached"]


@frozen
class CancellationDue:
    """One reason the permit must be cancelled now."""

    trigger: CancellationTrigger
    since: date | None
    """The day the cancellation became due, when the record tells it."""

    @property
    def label_zh(self) -> str:
        """The reason in Chinese, in the words of M§7 (已取得北京市户口 …)."""
        return label(self.trigger, "zh")

    @property
    def label_en(self) -> str:
        """The reason in English."""
        return label(self.trigger, "en")


def retirement_reached(holder: HolderRecord, on: date) -> Retirement | None:
    """The holder's statutory retirement when its date is ``on`` or earlier, else None (also
    when it cannot be told: no valid resident id, or a woman who declared no category)."""
    general = holder.profile.general
    if general is None:
        return None
    retirement = retirement_of(general.resident_id, general.retirement_category)
    if retirement is None or on < retirement.retirement_date:
        return None
    return retirement


def moved_out_employer(holder: HolderRecord, on: date) -> Employer | None:
    """The associated employer when it is recorded as moved out of Beijing by ``on``."""
    association = holder.association
    employer = association.employer
    if association.state is not AssociationState.ASSOCIATED or employer is None:
        return None
    if employer.in_beijing or (employer.moved_out_on is not None and employer.moved_out_on > on):
        return None
    return employer


def cancellation_due(holder: HolderRecord, on: date) -> tuple[CancellationDue, ...]:
    """Every reason, on ``on``, the holder's permit must be cancelled at once (none when the
    holder holds no valid or suspended permit)."""
    if holder.permit.state not in (PermitState.VALID, PermitState.SUSPENDED):
        return ()
    due = []
    general = holder.profile.general
    if general is not None and general.hukou.in_beijing:
        due.append(CancellationDue(CancellationTrigger.BEIJING_HUKOU, general.hukou.registered_on))
    employer = moved_out_employer(holder, on)
    if employer is not None:
        moved = CancellationTrigger.EMPLOYER_LEFT_BEIJING
        due.append(CancellationDue(moved, employer.moved_out_on))
    retirement = retirement_reached(holder, on)
    if retirement is not None:
        due.append(CancellationDue(CancellationTrigger.RETIREMENT, retirement.retirement_date))
    return tuple(due)
