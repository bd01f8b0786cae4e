"""The parameter loader: strict schema, path-precise errors, resolution by date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from permitflow.errors import RuleDataError, RuleSetNotInForce
from permitflow.rules.haidian import PARAMETERS_DIR, parameters
from permitflow.rules.parameters import Confidence, load_parameters

GOOD = """
[renewal.working_days_before_expiry]
label_zh = "续签至少提前提交的工作日数"
label_en = "Working days before expiry by which a renewal must be submitted"
unit = "working_days"
confidence = "C"
[[renewal.working_days_before_expiry.values]]
since = 2021-01-01
value = 20
citation = "M§3 注意事项 3"
quote = "申请办理续签业务需至少提前 20 个工作日（规定审核周期）提交"
[[renewal.working_days_before_expiry.values]]
since = 2026-07-01
value = 25
citation = "a later notice"
"""


def write(tmp_path: Path, text: str, name: str = "params.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> RuleDataError:
    with pytest.raises(RuleDataError) as caught:
        load_parameters([write(tmp_path, text)])
    return caught.value


def test_a_good_file_loads_with_labels_confidence_and_cited_values(tmp_path: Path) -> None:
    table = load_parameters([write(tmp_path, GOOD)])
    (parameter,) = table.describe()
    assert parameter.name == "renewal.working_days_before_expiry"
    assert parameter.confidence is Confidence.CONFIRMED
    assert parameter.unit == "working_days"
    assert parameter.file == "params.toml"
    assert [v.since for v in parameter.values] == [date(2021, 1, 1), date(2026, 7, 1)]
    assert parameter.values[0].citation == "M§3 注意事项 3"
    assert parameter.values[1].quote == ""


def test_the_value_in_force_is_the_latest_since_on_or_before_the_day(tmp_path: Path) -> None:
    table = load_parameters([write(tmp_path, GOOD)])
    name = "renewal.working_days_before_expiry"
    assert table.on(date(2021, 1, 1))[name] == 20
    assert table.on(date(2026, 6, 30))[name] == 20
    assert table.on(date(2026, 7, 1))[name] == 25
    assert table.get(name).value_on(date(2030, 1, 1)) == 25


def test_asking_before_the_first_since_raises_instead_of_answering_zero(tmp_path: Path) -> None:
    table = load_parameters([write(tmp_path, GOOD)])
    name = "renewal.working_days_before_expiry"
    with pytest.raises(RuleSetNotInForce, match="2021-01-01"):
        table.get(name).value_on(date(2020, 12, 31))
    resolved = table.on(date(2020, 12, 31))
    assert name not in resolved
    with pytest.raises(RuleSetNotInForce):
        resolved[name]
    with pytest.raises(KeyError):
        resolved["no.such.parameter"]


def test_one_resolution_serves_every_day_of_a_period(tmp_path: Path) -> None:
    table = load_parameters([write(tmp_path, GOOD)])
    assert table.on(date(2022, 3, 1)) is table.on(date(2025, 12, 31))
    assert table.on(date(2026, 7, 1)) is not table.on(date(2026, 6, 30))


def test_an_unknown_key_names_the_file_and_the_path(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD.replace('quote = "申请', 'qoute = "申请'))
    assert error.context["file"].endswith("params.toml")
    assert any(
        "$.renewal.working_days_before_expiry.values[0]" in line for line in error.context["errors"]
    )
    assert "params.toml" in error.message_en


def test_a_since_given_as_a_string_is_a_type_error_at_its_path(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD.replace("since = 2026-07-01", 'since = "2026-07-01"'))
    assert any(
        line.endswith("@ $.renewal.working_days_before_expiry.values[1].since")
        for line in error.context["errors"]
    )


def test_a_label_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD.replace('label_en = "Working', 'label_en = 5\nx_ = "'))
    assert any("label_en" in line for line in error.context["errors"])


def test_an_unknown_confidence_is_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD.replace('confidence = "C"', 'confidence = "maybe"'))
    assert any(
        line.endswith("$.renewal.working_days_before_expiry.confidence")
        for line in error.context["errors"]
    )


def test_a_missing_citation_is_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD.replace('citation = "a later notice"\n', ""))
    assert any(
        "$.renewal.working_days_before_expiry.values[1].citation" in line
        for line in error.context["errors"]
    )


def test_an_empty_citation_is_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD.replace('"a later notice"', '"  "'))
    assert "values[1].citation" in error.message_en


def test_two_values_with_the_same_since_are_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD.replace("2026-07-01", "2021-01-01"))
    assert "($.renewal.working_days_before_expiry.values[1].since)" in error.message_en


def test_values_of_different_types_within_one_parameter_are_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD.replace("value = 25", 'value = "25"'))
    assert "values[1].value" in error.message_en


def test_a_parameter_without_values_is_refused(tmp_path: Path) -> None:
    text = GOOD.split("[[renewal")[0]
    error = load_error(tmp_path, text)
    assert "$.renewal.working_days_before_expiry.values" in error.message_en


def test_a_bare_value_outside_a_parameter_table_is_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, GOOD + "\n[renewal.misc]\nthreshold = 3\n")
    assert "$.renewal.misc.threshold" in error.message_en


def test_a_parameter_defined_in_two_files_is_refused(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD, "a.toml")
    second = write(tmp_path, GOOD, "b.toml")
    with pytest.raises(RuleDataError) as caught:
        load_parameters([first, second])
    assert "a.toml" in caught.value.message_en
    assert caught.value.context["file"].endswith("b.toml")


def test_a_file_that_is_not_toml_is_refused_with_its_name(tmp_path: Path) -> None:
    error = load_error(tmp_path, "[broken\n")
    assert "params.toml" in error.message_en


def test_a_string_that_looks_like_code_stays_a_string(tmp_path: Path) -> None:
    text = GOOD.replace("value = 25", "value = 26").replace("value = 20", "value = 20") + (
        '\n[evil.parameter]\nlabel_zh = "x"\nlabel_en = "x"\nconfidence = "U"\n'
        "[[evil.parameter.values]]\nsince = 2021-01-01\n"
        "value = \"__import__('os').system('exit 1')\"\ncitation = \"none\"\n"
    )
    table = load_parameters([write(tmp_path, text)])
    assert table.on(date(2022, 1, 1))["evil.parameter"] == "__import__('os').system('exit 1')"


def test_the_haidian_files_load_and_cover_the_general_parameters() -> None:
    names = {p.name for p in parameters.describe()}
    assert {
        "review.authority_levels",
        "review.cycle_working_days",
        "permit.validity_years",
        "documents.validity_months",
        "documents.dated_within_months",
        "attachments.max_bytes",
        "attachments.required",
        "renewal.working_days_before_expiry",
        "rules.overrides",
    } <= names
    assert all(p.values and all(v.citation for v in p.values) for p in parameters.describe())
    assert (PARAMETERS_DIR / "general.toml").exists()


def test_the_two_megabyte_limit_is_two_mebibytes_and_flagged_unknown() -> None:
    limits = parameters.get("attachments.max_bytes")
    assert limits.confidence is Confidence.UNKNOWN
    value = limits.value_on(date(2026, 1, 1))
    assert value["degree_cert"] == 2 * 1024 * 1024
    assert value["residence"] == 5 * 1024 * 1024
