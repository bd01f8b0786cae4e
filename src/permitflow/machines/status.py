"""The status views, importable here as before; they live in ``permitflow.views.status``."""

from __future__ import annotations

from permitflow.views.status import (
    PROBE_ID,
    Availability,
    HolderStatus,
    NextStep,
    Progress,
    Reason,
    available_business,
    confirmation_slip_available,
    describe_business,
    holder_status,
    progress,
    review_level,
)

__all__ = [
    "PROBE_ID",
    "Availability",
    "HolderStatus",
    "NextStep",
    "Progress",
    "Reason",
    "available_business",
    "confirmation_slip_available",
    "describe_business",
    "holder_status",
    "progress",
    "review_level",
]
