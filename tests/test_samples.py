"""The sample records are public library code: valid, and built without hypothesis."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from permitflow import BusinessType, Engine
from permitflow.samples import AT, default_form, holder_for

ROOT = Path(__file__).resolve().parents[1]


def test_the_samples_import_without_hypothesis() -> None:
    code = (
        "import sys; sys.modules['hypothesis'] = None; "
        "from permitflow.samples import holder_for; print(holder_for('renewal').holder_id)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "42010619900515001X"


@pytest.mark.parametrize("business_type", list(BusinessType))
def test_the_sample_holder_and_form_pass_every_rule_of_the_filing(
    business_type: BusinessType,
) -> None:
    engine = Engine()
    holder = holder_for(business_type)
    application = engine.start(business_type, holder=holder, application_id="A-1", at=AT,
                               form=default_form(business_type))  # fmt: skip
    event = next(
        t.event for t in engine.definition_for(application, AT).transitions
        if application.state in t.sources
    )  # fmt: skip
    findings = engine.check(application, event, at=AT, holder=holder)
    # The sample cancellation is for retirement, which 张伟 (born 1990) has not reached.
    expected = ["CAN-003"] if business_type is BusinessType.CANCELLATION else []
    assert [f.rule_id for f in findings if f.blocks] == expected
