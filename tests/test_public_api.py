"""The public surface is deliberate: adding or removing a name is a visible change."""

from __future__ import annotations

import importlib

import permitflow
import permitflow.errors
import permitflow.machines
import permitflow.records
import permitflow.rules

CORE = {
    "Actor", "Application", "BusinessType", "Engine", "Finding", "HolderOutcome", "HolderRecord",
    "InvalidInput", "InvalidSnapshot", "Outcome", "PermitflowError", "ProcedureError", "Role",
    "__version__",
    "available_business", "from_dict", "holder_status", "label", "progress", "render",
    "structure", "sweep", "to_dict", "unstructure",
}  # fmt: skip

STILL_IMPORTABLE = {
    "ApplicationBasis", "Association", "AssociationRequest", "AssociationState", "Attachment",
    "Attestation", "AuditEntry", "Availability", "BasicChangeForm", "BasicItem", "Blocked",
    "BusinessChangeForm", "CalendarEstimateWarning", "CancellationForm", "CancellationTrigger",
    "Change", "Child", "Citation", "CoverageError", "DefinitionError", "DeleteAttachment",
    "Education", "Employer", "EmployerChangeForm", "EmployerRemark", "Employment",
    "EventNotAllowed", "EventOption", "FORM_TYPES", "FileInfo", "GeneralInfo", "HolderStatus",
    "Hukou", "HukouKind", "IdempotencyConflict", "IncomeMonth", "InputError", "InsuranceMonth",
    "InvalidIdentifier", "LabourContract", "MachineDefinition", "MaritalStatus", "NewForm",
    "NextStep", "NotPermitted", "OpenApplication", "Permit", "PermitState", "PermitType", "Photo",
    "Profile", "ProfileState", "Progress", "ProofKind", "PropertyUse", "Reason", "RenewalForm",
    "ResidenceProof", "Rule", "RuleContext", "RuleDataError", "RuleKind", "RuleSetNotInForce",
    "RuleSetPin", "SCHEMA_VERSION", "Severity", "Slot", "State", "Status", "StudyRecord",
    "StudyStage", "SweepResult", "TimerEvent", "Transition", "UnknownEvent", "UnknownRuleSet",
    "Verdict", "VersionConflict", "WorkRecord", "confirmation_slip_available", "diagram",
    "review_path",
}  # fmt: skip
"""The names the top level exported before it had a core: still importable from it."""

EXTENSION_POINTS = {
    permitflow.rules: {"Rule", "RuleSet", "RuleSetFamily", "ParameterTable", "register"},
    permitflow.machines: {
        "BusinessTypeSpec", "Guards", "applicant_initiated", "employer_initiated",
        "register_business_type",
    },
    permitflow.records: {"HolderRecord", "Application", "AuditEntry", "Finding"},
}  # fmt: skip


def test_the_core_is_exactly_the_top_level_surface() -> None:
    assert set(permitflow.__all__) == CORE
    assert len(CORE) <= 25


def test_all_is_sorted_and_every_name_exists() -> None:
    assert permitflow.__all__ == sorted(permitflow.__all__)
    assert all(hasattr(permitflow, name) for name in permitflow.__all__)


def test_every_name_exported_before_stays_importable_from_the_top() -> None:
    namespace: dict[str, object] = {}
    exec(f"from permitflow import {', '.join(sorted(STILL_IMPORTABLE))}", namespace)
    assert namespace.keys() >= STILL_IMPORTABLE


def test_the_extension_points_are_public_in_their_packages() -> None:
    for package, names in EXTENSION_POINTS.items():
        assert names <= set(package.__all__), package.__name__
        assert all(getattr(package, name) is not None for name in package.__all__)


def test_each_package_name_is_the_same_object_as_in_its_module() -> None:
    from permitflow.records.holder import HolderRecord
    from permitflow.rules.ruleset import RuleSet

    assert permitflow.records.HolderRecord is HolderRecord is permitflow.HolderRecord
    assert permitflow.rules.RuleSet is RuleSet
    assert importlib.import_module("permitflow.records").__all__ == permitflow.records.__all__


def _errors() -> list[type[permitflow.PermitflowError]]:
    return [
        error
        for error in vars(permitflow.errors).values()
        if isinstance(error, type)
        and issubclass(error, permitflow.PermitflowError)
        and error.__module__ == "permitflow.errors"
    ]


def test_every_error_has_a_stable_unique_code() -> None:
    codes = [error.code for error in _errors() if "code" in vars(error)]
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
