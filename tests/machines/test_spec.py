from __future__ import annotations

from datetime import date

import attrs
import pytest

from permitflow.engine.review import AWAITING_ACCEPTANCE
from permitflow.errors import DefinitionError, InvalidInput
from permitflow.machines import (
    BUSINESS_MACHINES,
    BusinessTypeSpec,
    Procedure,
    business_type_spec,
    business_type_specs,
    register_business_type,
)
from permitflow.machines.common import EMPLOYER_REVIEW
from permitflow.records.actors import Role
from permitflow.records.application import (
    FORM_TYPES,
    TRAITS,
    BasicChangeForm,
    BasicItem,
    BusinessType,
)
from permitflow.records.holder import Requirement, Slot
from permitflow.samples import EMPLOYERS, default_form, holder_for
from permitflow.testing import registries_restored

DAY = date(2026, 3, 2)


def test_the_six_business_types_are_registered_in_their_order() -> None:
    assert [spec.business_type for spec in business_type_specs()] == list(BusinessType)


def test_the_per_type_tables_are_read_from_the_specs() -> None:
    for spec in business_type_specs():
        assert BUSINESS_MACHINES[spec.business_type] is spec.machine
        assert FORM_TYPES[spec.business_type] is spec.form_type
        assert isinstance(spec.sample_form(DAY), spec.form_type)
    assert list(BUSINESS_MACHINES) == list(BusinessType)
    assert len(BUSINESS_MACHINES) == len(business_type_specs())


@pytest.mark.parametrize("spec", business_type_specs(), ids=lambda spec: spec.business_type)
def test_the_procedure_names_who_files_and_where_the_filing_goes(spec: BusinessTypeSpec) -> None:
    filer, first_step = {
        Procedure.APPLICANT_FILED: (Role.APPLICANT, EMPLOYER_REVIEW),
        Procedure.EMPLOYER_FILED: (Role.EMPLOYER, AWAITING_ACCEPTANCE),
        Procedure.DIRECT: (Role.APPLICANT, AWAITING_ACCEPTANCE),
    }[spec.procedure]
    filings = [t for t in spec.machine(2).transitions if t.submits]
    assert filings
    assert all(filer in t.roles and t.dest == first_step for t in filings)


def test_the_sample_holder_starts_from_the_specs_permit_and_employer() -> None:
    for spec in business_type_specs():
        holder = holder_for(spec.business_type)
        assert holder.permit.state is spec.permit_state
        assert holder.association.employer == EMPLOYERS[1 if spec.new_employer else 0]


@pytest.mark.parametrize("lookup", [business_type_spec, default_form, holder_for])
def test_an_unknown_business_type_is_a_named_error(lookup: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        lookup("reissue")  # type: ignore[operator]
    assert caught.value.context["field"] == "business_type"
    assert "new" in str(caught.value.context["expected"])


def test_a_business_type_is_registered_once() -> None:
    spec = business_type_spec(BusinessType.NEW)
    with pytest.raises(InvalidInput) as caught:
        register_business_type(spec)
    assert caught.value.variant == "registered_twice"
    assert business_type_specs().count(spec) == 1


def test_a_spec_reviewed_at_no_level_is_refused() -> None:
    new = business_type_spec(BusinessType.NEW)
    with registries_restored():
        for levels in (0, 1):
            spec = attrs.evolve(new, business_type=f"reviewed_{levels}", review_levels=levels)
            if levels:
                register_business_type(spec)
                continue
            with pytest.raises(DefinitionError) as caught:
                register_business_type(spec)
            assert caught.value.variant == "review_levels"
        assert [s.business_type for s in business_type_specs()][-1] == "reviewed_1"
        assert TRAITS[BusinessType("reviewed_1")].review_levels == 1
    assert len(TRAITS) == len(BusinessType)


# The matrix Haidian's rule set held before the business types said it themselves (M§1.6,
# M§4.2; catalogue §6), one column per slot in the order of ``Slot``: R required, O optional,
# - not asked for, D/T by degree or title, M when married, E/H/A when education, hukou or
# address change.
MATRIX = {
    "new": "RDTRRRMRO",
    "renewal": "RDTRRRMRO",
    "employer_change": "RDTRRRMRR",
    "basic_change": "EEE-H--AO",
    "business_change": "--------O",
    "cancellation": "---------",
}
CELLS = {
    "R": Requirement.REQUIRED, "O": Requirement.OPTIONAL, "-": Requirement.NOT_APPLICABLE,
    "D": Requirement.IF_DEGREE, "T": Requirement.IF_TITLE, "M": Requirement.IF_MARRIED,
    "E": Requirement.IF_EDUCATION_CHANGED, "H": Requirement.IF_HUKOU_CHANGED,
    "A": Requirement.IF_ADDRESS_CHANGED,
}  # fmt: skip


@pytest.mark.parametrize("kind", list(MATRIX))
def test_the_six_ask_for_the_attachments_the_haidian_matrix_asked_for(kind: str) -> None:
    own = business_type_spec(kind).attachments
    row = {slot: own.get(slot, Requirement.NOT_APPLICABLE) for slot in Slot}
    assert row == dict(zip(Slot, (CELLS[cell] for cell in MATRIX[kind]), strict=True))


def test_the_changes_hand_in_only_some_slots_the_others_the_whole_record() -> None:
    hands_in = {spec.business_type: spec.hands_in for spec in business_type_specs()}
    basic, business = hands_in.pop(BusinessType.BASIC_CHANGE), hands_in.pop(
        BusinessType.BUSINESS_CHANGE
    )  # fmt: skip
    assert set(hands_in.values()) == {None}
    assert basic is not None
    assert business is not None
    changed = BasicChangeForm(changed_items=(BasicItem.EDUCATION, BasicItem.RESIDENCE_ADDRESS))
    assert basic(changed) == {Slot.EDU_CERT, Slot.DEGREE_CERT, Slot.TITLE_CERT, Slot.RESIDENCE}
    assert basic(BasicChangeForm(changed_items=(BasicItem.OTHER,))) == frozenset()
    assert basic(None) == frozenset()
    assert business(None) == {Slot.MARRIAGE}


def test_a_spec_s_attachments_are_read_as_slots_and_requirements() -> None:
    spec = attrs.evolve(business_type_spec(BusinessType.NEW), attachments={"hukou": "optional"})
    assert spec.attachments == {Slot.HUKOU: Requirement.OPTIONAL}
    assert type(next(iter(spec.attachments))) is Slot
    with pytest.raises(ValueError, match="sometimes"):
        attrs.evolve(spec, attachments={"hukou": "sometimes"})
