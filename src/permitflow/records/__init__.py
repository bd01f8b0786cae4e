"""Immutable values: actors, the holder's record, applications and their audit trail.

Every name loads on first use: the modules below import one another and the rule engine's
finding, so the package itself imports nothing eagerly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from permitflow.records.actors import (
        Actor,
        Role,
    )
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
    from permitflow.records.audit import (
        ATTESTATION_EVENT,
        AuditEntry,
        EntryKind,
    )
    from permitflow.records.finding import (
        Citation,
        Finding,
        RuleKind,
        Severity,
        Status,
    )
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

__all__ = [
    "ATTESTATION_EVENT",
    "Actor",
    "Application",
    "ApplicationBasis",
    "Association",
    "AssociationState",
    "Attachment",
    "Attestation",
    "AuditEntry",
    "BasicChangeForm",
    "BasicItem",
    "BusinessChangeForm",
    "BusinessType",
    "CancellationForm",
    "CancellationTrigger",
    "Child",
    "Citation",
    "Education",
    "Employer",
    "EmployerChangeForm",
    "Employment",
    "EntryKind",
    "FORM_TYPES",
    "FileInfo",
    "Finding",
    "GeneralInfo",
    "HolderRecord",
    "Hukou",
    "HukouKind",
    "IncomeMonth",
    "InsuranceMonth",
    "LabourContract",
    "MaritalStatus",
    "NewForm",
    "OpenApplication",
    "Permit",
    "PermitState",
    "PermitType",
    "Photo",
    "Profile",
    "ProfileState",
    "ProofKind",
    "PropertyUse",
    "RenewalForm",
    "ResidenceProof",
    "Role",
    "RuleKind",
    "RuleSetPin",
    "Severity",
    "Slot",
    "Status",
    "StudyRecord",
    "StudyStage",
    "WorkRecord",
]

_LAZY = {
    **dict.fromkeys(
        (
            "Actor",
            "Role",
        ),
        "permitflow.records.actors",
    ),
    **dict.fromkeys(
        (
            "Application",
            "Attestation",
            "BasicChangeForm",
            "BasicItem",
            "BusinessChangeForm",
            "BusinessType",
            "CancellationForm",
            "CancellationTrigger",
            "EmployerChangeForm",
            "FORM_TYPES",
            "NewForm",
            "PermitType",
            "RenewalForm",
            "RuleSetPin",
        ),
        "permitflow.records.application",
    ),
    **dict.fromkeys(
        ("ATTESTATION_EVENT", "AuditEntry", "EntryKind"),
        "permitflow.records.audit",
    ),
    **dict.fromkeys(
        (
            "Citation",
            "Finding",
            "RuleKind",
            "Severity",
            "Status",
        ),
        "permitflow.records.finding",
    ),
    **dict.fromkeys(
        (
            "ApplicationBasis",
            "Association",
            "AssociationState",
            "Attachment",
            "Child",
            "Education",
            "Employer",
            "Employment",
            "FileInfo",
            "GeneralInfo",
            "HolderRecord",
            "Hukou",
            "HukouKind",
            "IncomeMonth",
            "InsuranceMonth",
            "LabourContract",
            "MaritalStatus",
            "OpenApplication",
            "Permit",
            "PermitState",
            "Photo",
            "Profile",
            "ProfileState",
            "ProofKind",
            "PropertyUse",
            "ResidenceProof",
            "Slot",
            "StudyRecord",
            "StudyStage",
            "WorkRecord",
        ),
        "permitflow.records.holder",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
