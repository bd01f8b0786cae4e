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
from permitflow.records.application import FORM_TYPES, REVIEW_LEVELS, BusinessType
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
        assert dict(REVIEW_LEVELS) == {BusinessType("reviewed_1"): 1}
    assert REVIEW_LEVELS == {}
