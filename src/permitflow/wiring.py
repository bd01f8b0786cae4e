"""Where the engine gets the machines it runs when it is handed none: the registered ones.

The engine names no business type and no machine module; it asks here, and this module is the
one place that joins the machine definitions to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from permitflow.engine.definition import MachineDefinition
from permitflow.records.application import BusinessType


def default_definitions() -> Mapping[BusinessType, Callable[[int], MachineDefinition]]:
    """Each registered business type's machine factory, by the number of review levels."""
    from permitflow.machines import BUSINESS_MACHINES

    return BUSINESS_MACHINES


def default_holder_definitions() -> tuple[MachineDefinition, ...]:
    """The machines of the holder's record and its imported facts."""
    from permitflow.machines import HOLDER_MACHINES

    return HOLDER_MACHINES
