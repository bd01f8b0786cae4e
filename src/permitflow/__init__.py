"""permitflow: the Beijing Work Residence Permit procedures as declarative state machines.

The public surface is re-exported here; everything else is implementation. The time and
identity helpers are public modules of their own: ``permitflow.calendar``,
``permitflow.deadlines``, ``permitflow.retirement``, ``permitflow.identifiers``,
``permitflow.addresses``; the platform's words for every code in ``permitflow.labels``
(``label`` here) and the one formatter of facts in ``permitflow.text`` (``render`` here); valid
sample records (no hypothesis needed) in ``permitflow.samples``; hypothesis strategies in
``permitflow.testing``.
"""

from permitflow.engine.definition import Change, MachineDefinition, State, Transition
from permitflow.engine.diagrams import diagram
from permitflow.engine.engine import Engine, EventOption, Outcome
from permitflow.engine.review import review_path
from permitflow.engine.snapshot import SCHEMA_VERSION, from_dict, structure, to_dict, unstructure
from permitflow.errors import (
    Blocked,
    CalendarEstimateWarning,
    CoverageError,
    DefinitionError,
    EventNotAllowed,
    IdempotencyConflict,
    InputError,
    InvalidIdentifier,
    InvalidInput,
    InvalidSnapshot,
    NotPermitted,
    PermitflowError,
    ProcedureError,
    RuleDataError,
    RuleSetNotInForce,
    UnknownEvent,
    UnknownRuleSet,
    VersionConflict,
)
from permitflow.labels import label
from permitflow.machines.association import AssociationRequest
from permitflow.machines.attachments import DeleteAttachment
from permitflow.machines.business_change import EmployerRemark
from permitflow.records.actors import Actor, Role
from permitflow.records.application import (
    FORM_TYPES,
    Application,
    Attestation,
    BasicChangeForm,
    BasicItem,
    BusinessChangeForm,
    BusinessType,
    CancellationForm,
    CancellationTrigger,
    EmployerChangeForm,
    NewForm,
    PermitType,
    RenewalForm,
    RuleSetPin,
)
from permitflow.records.audit import AuditEntry
from permitflow.records.holder import (
    ApplicationBasis,
    Association,
    AssociationState,
    Attachment,
    Child,
    Education,
    Employer,
    Employment,
    FileInfo,
    GeneralInfo,
    HolderRecord,
    Hukou,
    HukouKind,
    IncomeMonth,
    InsuranceMonth,
    LabourContract,
    MaritalStatus,
    OpenApplication,
    Permit,
    PermitState,
    Photo,
    Profile,
    ProfileState,
    ProofKind,
    PropertyUse,
    ResidenceProof,
    Slot,
    StudyRecord,
    StudyStage,
    WorkRecord,
)
from permitflow.rules.finding import Citation, Finding, RuleKind, Severity, Status
from permitflow.rules.rule import Rule, RuleContext, Verdict
from permitflow.text import render
from permitflow.views.status import (
    Availability,
    HolderStatus,
    NextStep,
    Progress,
    Reason,
    available_business,
    confirmation_slip_available,
    holder_status,
    progress,
)
from permitflow.views.sweep import SweepResult, TimerEvent, sweep

__version__: str
"""The installed distribution's version; ``pyproject.toml`` is its only source."""


def __getattr__(name: str) -> str:
    # The version is read from the installed distribution when first asked for:
    # importlib.metadata alone takes longer to import than the engine.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import version

    found = globals()["__version__"] = version("permitflow")
    return found

__all__ = [
    "Actor",
    "Application",
    "ApplicationBasis",
    "Association",
    "AssociationRequest",
    "AssociationState",
    "Attachment",
    "Attestation",
    "AuditEntry",
    "Availability",
    "BasicChangeForm",
    "BasicItem",
    "Blocked",
    "BusinessChangeForm",
    "BusinessType",
    "CalendarEstimateWarning",
    "CancellationForm",
    "CancellationTrigger",
    "Change",
    "Child",
    "Citation",
    "CoverageError",
    "DefinitionError",
    "DeleteAttachment",
    "Education",
    "Employer",
    "EmployerChangeForm",
    "EmployerRemark",
    "Employment",
    "Engine",
    "EventNotAllowed",
    "EventOption",
    "FORM_TYPES",
    "FileInfo",
    "Finding",
    "GeneralInfo",
    "HolderRecord",
    "HolderStatus",
    "Hukou",
    "HukouKind",
    "IdempotencyConflict",
    "IncomeMonth",
    "InputError",
    "InsuranceMonth",
    "InvalidIdentifier",
    "InvalidInput",
    "InvalidSnapshot",
    "LabourContract",
    "MachineDefinition",
    "MaritalStatus",
    "NewForm",
    "NextStep",
    "NotPermitted",
    "OpenApplication",
    "Outcome",
    "Permit",
    "PermitState",
    "PermitType",
    "PermitflowError",
    "Photo",
    "ProcedureError",
    "Profile",
    "ProfileState",
    "Progress",
    "ProofKind",
    "PropertyUse",
    "Reason",
    "RenewalForm",
    "ResidenceProof",
    "Role",
    "Rule",
    "RuleContext",
    "RuleDataError",
    "RuleKind",
    "RuleSetNotInForce",
    "RuleSetPin",
    "SCHEMA_VERSION",
    "Severity",
    "Slot",
    "State",
    "Status",
    "StudyRecord",
    "StudyStage",
    "SweepResult",
    "TimerEvent",
    "Transition",
    "UnknownEvent",
    "UnknownRuleSet",
    "Verdict",
    "VersionConflict",
    "WorkRecord",
    "__version__",
    "available_business",
    "confirmation_slip_available",
    "diagram",
    "from_dict",
    "holder_status",
    "label",
    "progress",
    "render",
    "review_path",
    "structure",
    "sweep",
    "to_dict",
    "unstructure",
]
