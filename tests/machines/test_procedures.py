from __future__ import annotations

import pytest

from permitflow.machines import BusinessTypeSpec, business_type_specs
from permitflow.testing import PROCEDURE_TABLES, bare_engine, check_procedure, covers


@pytest.mark.parametrize("spec", business_type_specs(), ids=lambda spec: spec.business_type)
def test_each_business_type_follows_the_procedure_of_its_spec(spec: BusinessTypeSpec) -> None:
    check_procedure(spec.business_type)


def test_a_machine_of_another_procedure_fails_the_suite() -> None:
    new, renewal = (spec for spec in business_type_specs()[:2])
    with pytest.raises(AssertionError, match="beyond its procedure"):
        covers(bare_engine(), renewal.business_type, PROCEDURE_TABLES[new.procedure])
