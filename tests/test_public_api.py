"""The public surface is deliberate: adding or removing a name is a visible change."""

from __future__ import annotations

import permitflow

EXPECTED = {
    "Actor", "Application", "ApplicationBasis", "Association", "AssociationRequest",
    "AssociationState", "Attachment", "Attestation", "AuditEntry", "Availability",
    "BasicChangeForm", "BasicItem", "Blocked", "BusinessChangeForm", "BusinessType",
    "CalendarEstimateWarning", "CancellationForm", "CancellationTrigger", "Change", "Child",
    "Citation", "CoverageError", "DefinitionError", "DeleteAttachment", "Education", "Employer",
    "EmployerChangeForm", "EmployerRemark", "Employment", "Engine", "EventNotAllowed",
    "EventOption", "FORM_TYPES", "FileInfo", "Finding", "GeneralInfo", "HolderRecord",
    "HolderStatus", "Hukou", "HukouKind", "IdempotencyConflict", "IncomeMonth", "InputError",
    "InsuranceMonth", "InvalidIdentifier", "InvalidInput", "InvalidSnapshot", "LabourContract",
    "MachineDefinition", "MaritalStatus", "NewForm", "NextStep", "NotPermitted",
    "OpenApplication", "Outcome", "Permit", "PermitState", "PermitType", "PermitflowError",
    "Photo", "ProcedureError", "Profile", "ProfileState", "Progress", "ProofKind", "PropertyUse",
    "Reason", "RenewalForm", "ResidenceProof", "Role", "Rule", "RuleContext", "RuleDataError",
    "RuleKind", "RuleSetNotInForce", "RuleSetPin", "SCHEMA_VERSION", "Severity", "Slot", "State",
    "Status", "StudyRecord", "StudyStage", "SweepResult", "TimerEvent", "Transition",
    "UnknownEvent", "UnknownRuleSet", "Verdict", "VersionConflict", "WorkRecord", "__version__",
    "available_business", "confirmation_slip_available", "diagram", "from_dict", "holder_status",
    "label", "progress", "render", "review_path", "structure", "sweep", "to_dict", "unstructure",
}  # fmt: skip


def test_the_exported_names_are_exactly_the_public_surface() -> None:
    assert set(permitflow.__all__) == EXPECTED


def test_all_is_sorted_and_every_name_exists() -> None:
    assert permitflow.__all__ == sorted(permitflow.__all__)
    assert all(hasattr(permitflow, name) for name in permitflow.__all__)


def test_every_error_has_a_stable_unique_code() -> None:
    errors = [
        getattr(permitflow, name)
        for name in permitflow.__all__
        if isinstance(getattr(permitflow, name), type)
        and issubclass(getattr(permitflow, name), permitflow.PermitflowError)
    ]
    codes = [error.code for error in errors]
    assert len(codes) == len(set(codes))
    assert all(code.replace("_", "").isalpha() and code.islower() for code in codes)


def test_an_error_speaks_both_languages_and_serialises() -> None:
    error = permitflow.VersionConflict(expected_version=1, actual_version=2)
    assert error.message("zh") == error.message_zh
    assert "第1版" in error.message("zh")
    assert "第2版" in error.message("zh")
    assert error.message("en").startswith("The record changed meanwhile (you had version 1")
    assert error.to_dict("en") == {
        "code": "version_conflict",
        "message": error.message_en,
        "context": {"expected_version": 1, "actual_version": 2},
    }
    assert "version_conflict" in str(error)
