"""Golden cases as data: every ``golden/*.toml`` file, one test per case.

Format of a file (strict: an unknown key fails the case with its path)::

    [[case]]
    name = "A Beijing collective hukou is outside the scope of a new application."
    at = 2026-03-16T10:00:00+08:00        # an aware TOML datetime: the moment of the event
    business_type = "new"                 # a BusinessType value
    event = "submit"                      # the machine event the rules guard
    citation = "M§2 注意事项 2"            # the source that justifies the expected outcome
    base = "valid_holder"                 # or "new_applicant" (no permit yet); optional
    remove = ["attachments.marriage"]     # dotted paths to drop; optional
    [case.holder]                         # dotted-path overrides of the base holder; optional
    "profile.general.hukou.kind" = "collective"
    "profile.general.hukou.province_code" = "11"
    [case.application]                    # optional; without it: a draft of business_type
    state = "authority_review"
    submitted_at = 2026-03-10T09:00:00+08:00
    attested = ["BI-002"]                 # rule ids a reviewer attested
    [case.application.form]               # the form fields of the business type
    permit_type = "domestic"
    [[case.expect]]
    rule_id = "HUK-001"
    status = "failed"                     # passed | failed | needs_attestation

The holder is ``rules_fixtures.valid_holder(at=..., **holder)`` (or ``new_applicant``), its dated
facts recent as of the application's ``submitted_at`` if it has one, else of ``at``; override
paths follow ``rules_fixtures.apply_overrides``. Each expected rule must guard ``event`` for
``business_type`` in the Haidian rule set, and is checked with ``rules_fixtures.expect`` — so golden
cases count as tested outcomes.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import attrs
import cattrs
import pytest
from rules_fixtures import (
    REMOVED,
    application,
    apply_overrides,
    context,
    expect,
    new_applicant,
    valid_holder,
)

from permitflow.records.application import BusinessType
from permitflow.rules.finding import Status
from permitflow.rules.haidian import ruleset
from permitflow.rules.rule import local_date

GOLDEN = Path(__file__).parent / "golden"


@attrs.frozen
class Expected:
    rule_id: str
    status: Status


@attrs.frozen
class ApplicationSpec:
    state: str = "draft"
    submitted_at: datetime | None = None
    attested: tuple[str, ...] = ()
    form: dict[str, Any] = attrs.Factory(dict)


@attrs.frozen
class Case:
    name: str
    at: datetime
    business_type: BusinessType
    event: str
    citation: str
    expect: tuple[Expected, ...]
    base: Literal["valid_holder", "new_applicant"] = "valid_holder"
    remove: tuple[str, ...] = ()
    holder: dict[str, Any] = attrs.Factory(dict)
    application: ApplicationSpec = attrs.Factory(ApplicationSpec)


_converter = cattrs.Converter(forbid_extra_keys=True)
_converter.register_structure_hook(datetime, lambda value, _: _aware(value))


def _aware(value: object) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise TypeError(f"expected a TOML datetime with an offset, got {value!r}")
    return value


def _load() -> list[Any]:
    params = []
    for path in sorted(GOLDEN.glob("*.toml")):
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
        for index, data in enumerate(raw.get("case", [])):
            label = f"{path.stem}: {data.get('name', index)}"
            try:
                case = _converter.structure(data, Case)
            except cattrs.BaseValidationError as exc:
                lines = cattrs.transform_error(exc, path=f"{path.name}$.case[{index}]")
                params.append(pytest.param(lines, id=label))
                continue
            params.append(pytest.param(case, id=label))
    return params


CASES = _load()


def test_there_are_golden_cases() -> None:
    assert (GOLDEN / "common.toml").exists()
    assert len(CASES) >= 3


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: Case | list[str]) -> None:
    assert isinstance(case, Case), "malformed golden case: " + "; ".join(case)
    assert case.name.strip().endswith("."), "a golden case's name is a full sentence"
    assert case.citation.strip(), "a golden case cites its source"
    spec = case.application
    build = valid_holder if case.base == "valid_holder" else new_applicant
    holder = build(at=spec.submitted_at or case.at, **case.holder)
    holder = apply_overrides(holder, dict.fromkeys(case.remove, REMOVED))
    app = application(
        case.business_type,
        spec.state,
        submitted_at=spec.submitted_at,
        attested=spec.attested,
        at=case.at,
        **spec.form,
    )
    ctx = context(holder, app, case.event, case.at)
    rs = ruleset.in_force_on(local_date(case.at))
    for expected in case.expect:
        rule = rs.rule(expected.rule_id)
        assert rule.applies(case.business_type, case.event, ctx.tags), (
            f"{expected.rule_id} does not guard {case.event} of {case.business_type.value}"
        )
        expect(expected.rule_id, ctx, expected.status)


def test_a_malformed_case_is_reported_with_its_path() -> None:
    data = {
        "name": "x.",
        "at": "2026-03-16",
        "business_type": "new",
        "event": "submit",
        "citation": "x",
        "expect": [{"rule_id": "BI-001", "status": "passed", "colour": "red"}],
    }
    with pytest.raises(cattrs.BaseValidationError) as caught:
        _converter.structure(data, Case)
    lines = cattrs.transform_error(caught.value, path="common.toml$.case[0]")
    assert any(line.endswith("@ common.toml$.case[0].at") for line in lines)
    assert any("colour" in line and "expect[0]" in line for line in lines)
