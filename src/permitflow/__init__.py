"""permitflow: the Beijing Work Residence Permit procedures as declarative state machines.

``__all__`` is the core a portal starts from: the ``Engine``, the records it moves
(``HolderRecord``, ``Application``, ``Actor``, ``Role``, ``BusinessType``), what it answers
(``Outcome`` for an application, ``HolderOutcome`` for the holder's record, ``Finding``), the
snapshots' JSON (``to_dict`` / ``from_dict``, ``structure`` / ``unstructure``), the status views
and the sweep, the words (``label``, ``render``) and the errors a portal catches. Every other name
below stays importable from here; each has its home in a package with its own ``__all__``:
``permitflow.records``, ``permitflow.rules`` (rule sets, families, parameters, ``Rule``: what a
district extends), ``permitflow.machines`` (the business-type specs and the procedure builders:
what a new business type is made of), ``permitflow.errors``. The time and identity helpers are
public modules of their own: ``permitflow.calendar``, ``permitflow.deadlines``,
``permitflow.retirement``, ``permitflow.identifiers``, ``permitflow.addresses``; valid sample
records in ``permitflow.samples``; hypothesis strategies and the shipped suites in
``permitflow.testing``.
"""

# The imports below combine plain names (the core, in __all__) with `Name as Name` re-exports
# (importable, explicitly exported for mypy --strict) in one statement per module; the import
# sorter would split every alias onto a line of its own.
# ruff: noqa: I001

from permitflow.engine.definition import (
    Change as Change,
    MachineDefinition as MachineDefinition,
    State as State,
    Transition as Transition,
)
from permitflow.engine.diagrams import diagram as diagram
from permitflow.engine.engine import Engine, EventOption as EventOption, HolderOutcome, Outcome
from permitflow.engine.review import review_path as review_path
from permitflow.engine.snapshot import (
    SCHEMA_VERSION as SCHEMA_VERSION,
    from_dict,
    structure,
    to_dict,
    unstructure,
)
from permitflow.errors import (
    Blocked as Blocked,
    CalendarEstimateWarning as CalendarEstimateWarning,
    CoverageError as CoverageError,
    DefinitionError as DefinitionError,
    EventNotAllowed as EventNotAllowed,
    IdempotencyConflict as IdempotencyConflict,
    InputError as InputError,
    InvalidIdentifier as InvalidIdentifier,
    InvalidInput,
    InvalidSnapshot,
    NotPermitted as NotPermitted,
    PermitflowError,
    ProcedureError,
    RuleDataError as RuleDataError,
    RuleSetNotInForce as RuleSetNotInForce,
    UnknownEvent as UnknownEvent,
    UnknownRuleSet as UnknownRuleSet,
    VersionConflict as VersionConflict,
)
from permitflow.labels import label
from permitflow.machines.association import AssociationRequest as AssociationRequest
from permitflow.machines.attachments import DeleteAttachment as DeleteAttachment
from permitflow.machines.business_change import EmployerRemark as EmployerRemark
from permitflow.records.actors import Actor, Role
from permitflow.records.application import (
    FORM_TYPES as FORM_TYPES,
    Application,
    Attestation as Attestation,
    BasicChangeForm as BasicChangeForm,
    BasicItem as BasicItem,
    BusinessChangeForm as BusinessChangeForm,
    BusinessType,
    CancellationForm as CancellationForm,
    CancellationTrigger as CancellationTrigger,
    EmployerChangeForm as EmployerChangeForm,
    NewForm as NewForm,
    PermitType as PermitType,
    RenewalForm as RenewalForm,
    RuleSetPin as RuleSetPin,
)
from permitflow.records.audit import AuditEntry as AuditEntry
from permitflow.records.holder import (
    ApplicationBasis as ApplicationBasis,
    Association as Association,
    AssociationState as AssociationState,
    Attachment as Attachment,
    Child as Child,
    Education as Education,
    Employer as Employer,
    Employment as Employment,
    FileInfo as FileInfo,
    GeneralInfo as GeneralInfo,
    HolderRecord,
    Hukou as Hukou,
    HukouKind as HukouKind,
    IncomeMonth as IncomeMonth,
    InsuranceMonth as InsuranceMonth,
    LabourContract as LabourContract,
    MaritalStatus as MaritalStatus,
    OpenApplication as OpenApplication,
    Permit as Permit,
    PermitState as PermitState,
    Photo as Photo,
    Profile as Profile,
    ProfileState as ProfileState,
    ProofKind as ProofKind,
    PropertyUse as PropertyUse,
    ResidenceProof as ResidenceProof,
    Slot as Slot,
    StudyRecord as StudyRecord,
    StudyStage as StudyStage,
    WorkRecord as WorkRecord,
)
from permitflow.rules.finding import (
    Citation as Citation,
    Finding,
    RuleKind as RuleKind,
    Severity as Severity,
    Status as Status,
)
from permitflow.rules.rule import Rule as Rule, RuleContext as RuleContext, Verdict as Verdict
from permitflow.text import render
from permitflow.views.status import (
    Availability as Availability,
    HolderStatus as HolderStatus,
    NextStep as NextStep,
    Progress as Progress,
    Reason as Reason,
    available_business,
    confirmation_slip_available as confirmation_slip_available,
    holder_status,
    progress,
)
from permitflow.views.sweep import SweepResult as SweepResult, TimerEvent as TimerEvent, sweep

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
    "BusinessType",
    "Engine",
    "Finding",
    "HolderOutcome",
    "HolderRecord",
    "InvalidInput",
    "InvalidSnapshot",
    "Outcome",
    "PermitflowError",
    "ProcedureError",
    "Role",
    "__version__",
    "available_business",
    "from_dict",
    "holder_status",
    "label",
    "progress",
    "render",
    "structure",
    "sweep",
    "to_dict",
    "unstructure",
]
"""The core: an engine, the records it moves, the snapshots' JSON, the status views and the
errors a portal catches. Every other name imported above stays importable from here as before;
its home is the package that owns it: ``permitflow.records`` (the holder's record, applications,
forms, audit entries), ``permitflow.rules`` (findings, rules, rule sets, parameters),
``permitflow.machines`` (business-type specs and the procedure builders), ``permitflow.engine``
(definitions, outcomes, diagrams), ``permitflow.errors``, ``permitflow.views``."""
