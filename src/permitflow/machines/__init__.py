"""Every business type and the holder's record, as machine definitions the Engine runs.

What a new business type is made of: a ``BusinessTypeSpec`` registered with
``register_business_type``, its machine built with the procedure builders
``applicant_initiated`` (the applicant files, the employer reviews), ``employer_initiated`` (the
employer files) or, for anything else, ``business_machine`` with its own steps (``withdraw``
and ``chain`` for the shared effects), each transition tagged with the kind of step it is
(``Tag``): the rules select what they guard by tag, whatever the event is called.

Each business type is one registered spec (``permitflow.machines.spec``), registered here, by
the package defining it, or when its code is first met if an installed package publishes it
under the entry-point group ``permitflow.business_types`` (``BUSINESS_TYPES_GROUP``, see
``permitflow.machines.published``); ``BUSINESS_MACHINES``
maps each registered type to a factory taking the number of authority review levels;
``HOLDER_MACHINES`` are the parts of the holder's record and its imported facts.
Keyword arguments of the factories switch the behaviours the manual leaves open (see each
module).
"""

from __future__ import annotations

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
from permitflow.machines.common import (
    Guards,
    applicant_initiated,
    business_machine,
    chain,
    employer_initiated,
    withdraw,
)
from permitflow.machines.imports import IMPORTS
from permitflow.machines.permit import PERMIT
from permitflow.machines.profile import PROFILE
from permitflow.machines.published import ENTRY_POINT_GROUP as BUSINESS_TYPES_GROUP
from permitflow.machines.spec import (
    BUSINESS_MACHINES,
    BusinessTypeSpec,
    Procedure,
    business_type_spec,
    business_type_specs,
    register_business_type,
)
from permitflow.tags import Tag
from permitflow.views.sweep import SweepResult, TimerEvent, sweep

__all__ = [
    "BUSINESS_MACHINES",
    "BUSINESS_TYPES_GROUP",
    "HOLDER_MACHINES",
    "BusinessTypeSpec",
    "Guards",
    "Procedure",
    "SweepResult",
    "Tag",
    "TimerEvent",
    "applicant_initiated",
    "business_machine",
    "business_type_spec",
    "business_type_specs",
    "chain",
    "employer_initiated",
    "register_business_type",
    "sweep",
    "withdraw",
]

for _module in (new, renewal, employer_change, basic_change, business_change, cancellation):
    register_business_type(_module.SPEC)

HOLDER_MACHINES: tuple[MachineDefinition, ...] = (
    PROFILE, ATTACHMENTS, ASSOCIATION, PERMIT, IMPORTS,
)  # fmt: skip
