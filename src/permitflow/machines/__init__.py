"""Every business type and the holder's record, as machine definitions the Engine runs.

``BUSINESS_MACHINES`` maps each business type to a factory taking the number of authority
review levels; ``HOLDER_MACHINES`` are the parts of the holder's record and its imported facts.
Keyword arguments of the factories switch the behaviours the manual leaves open (see each
module).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from permitflow.engine.definition import MachineDefinition
from permitflow.machines import (
    basic_change,
    business_change,
    cancellation,
    employer_change,
    new,
    renewal,
)
from permitflow.machines.association import ASSOCIATION
from permitflow.machines.attachments import ATTACHMENTS
from permitflow.machines.imports import IMPORTS
from permitflow.machines.permit import PERMIT
from permitflow.machines.profile import PROFILE
from permitflow.records.application import BusinessType
from permitflow.views.sweep import SweepResult, TimerEvent, sweep

__all__ = [
    "BUSINESS_MACHINES",
    "HOLDER_MACHINES",
    "SweepResult",
    "TimerEvent",
    "sweep",
]

BUSINESS_MACHINES: Mapping[BusinessType, Callable[[int], MachineDefinition]] = {
    BusinessType.NEW: new.new_machine,
    BusinessType.RENEWAL: renewal.renewal_machine,
    BusinessType.EMPLOYER_CHANGE: employer_change.employer_change_machine,
    BusinessType.BASIC_CHANGE: basic_change.basic_change_machine,
    BusinessType.BUSINESS_CHANGE: business_change.business_change_machine,
    BusinessType.CANCELLATION: cancellation.cancellation_machine,
}

HOLDER_MACHINES: tuple[MachineDefinition, ...] = (
    PROFILE, ATTACHMENTS, ASSOCIATION, PERMIT, IMPORTS,
)  # fmt: skip
