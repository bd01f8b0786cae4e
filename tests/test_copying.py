"""Building and copying immutable values without re-running converters."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs
import pytest

from permitflow.records.actors import Actor
from permitflow.records.audit import AuditEntry
from permitflow.records.copying import builder, make, replace

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
ENTRY = AuditEntry(1, "submit", "draft", "employer_review", Actor.applicant("x"), AT)


def test_replace_changes_only_the_named_fields_and_leaves_the_original() -> None:
    copy = replace(ENTRY, sequence=2, event="resubmit")
    assert copy == attrs.evolve(ENTRY, sequence=2, event="resubmit")
    assert ENTRY.sequence == 1
    assert copy is not ENTRY


def test_replace_refuses_a_field_the_class_does_not_have() -> None:
    with pytest.raises(TypeError, match="colour"):
        replace(ENTRY, colour="red")


def test_make_needs_every_field() -> None:
    values = attrs.asdict(ENTRY, recurse=False)
    assert make(AuditEntry, **values) == ENTRY
    del values["tips"]
    with pytest.raises(TypeError, match="needs exactly the fields"):
        make(AuditEntry, **values)


def test_a_builder_is_the_function_make_calls() -> None:
    assert builder(AuditEntry)(attrs.asdict(ENTRY, recurse=False)) == ENTRY


def test_copies_stay_frozen() -> None:
    copy = replace(ENTRY, sequence=3)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        copy.sequence = 4  # type: ignore[misc]
