"""When a permit has run out, and which applications that leaves without a purpose."""

from __future__ import annotations

from datetime import date

from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord, Permit, PermitState


def expiry_due(permit: Permit, on: date) -> bool:
    """The permit is still live but its expiry date has passed (it is valid through that day)."""
    return (
        permit.state in (PermitState.VALID, PermitState.SUSPENDED)
        and permit.expires_on is not None
        and on > permit.expires_on
    )


def is_moot(holder: HolderRecord, business_type: BusinessType, day: date) -> bool:
    """An application of ``business_type`` can no longer lead anywhere on ``day``: the permit it
    concerns has ended — expired or cancelled, or past its expiry date before the timer marks
    it so (一旦过期，无法恢复). A new application concerns the permit it would issue, so an ended
    one does not make it moot (it is how a former holder applies again)."""
    permit = holder.permit
    return business_type is not BusinessType.NEW and (
        permit.is_terminal or expiry_due(permit, day)
    )
