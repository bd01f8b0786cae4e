from __future__ import annotations

import pytest

from permitflow.machines import BusinessTypeSpec, Procedure, business_type_specs
from permitflow.records.application import BusinessType
from permitflow.testing import (
    PROCEDURE_TABLES,
    bare_engine,
    check_procedure,
    covers,
    procedure_table,
)


@pytest.mark.parametrize("spec", business_type_specs(), ids=lambda spec: spec.business_type)
def test_each_business_type_follows_the_procedure_of_its_spec(spec: BusinessTypeSpec) -> None:
    check_procedure(spec.business_type)


def test_a_machine_of_another_procedure_fails_the_suite() -> None:
    new, renewal = (spec for spec in business_type_specs()[:2])
    with pytest.raises(AssertionError, match="beyond its procedure"):
        covers(bare_engine(), renewal.business_type, PROCEDURE_TABLES[new.procedure])


def test_the_tables_follow_the_number_of_review_levels() -> None:
    one = procedure_table(Procedure.APPLICANT_FILED, 1)
    assert ("authority_review_1", "pass") in one
    assert one["authority_review_1", "pass"][0] == "approved"
    covers(bare_engine(1), BusinessType.NEW, one, levels=1)
    with pytest.raises(AssertionError, match="lacks"):
        covers(bare_engine(), BusinessType.NEW, procedure_table(Procedure.APPLICANT_FILED, 3))
