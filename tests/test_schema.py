"""The JSON Schema of case files and snapshots: generated from the records, published in the
docs, met by every example, and checked first by the case-file loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import permitflow
from permitflow.cases import load_case
from permitflow.errors import InvalidSnapshot, Language
from permitflow.records.holder import HolderRecord, HukouKind
from permitflow.samples import holder_for
from permitflow.schema import case_schema, problems, snapshot_schema, validate
from permitflow.templates import new_case

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "cases").glob("*.json"))


def test_the_schemas_are_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(case_schema())
    jsonschema.Draft202012Validator.check_schema(snapshot_schema())


def test_the_published_schemas_are_the_generated_ones() -> None:
    published = json.loads((ROOT / "docs" / "case.schema.json").read_text("utf-8"))
    assert published == case_schema()
    published = json.loads((ROOT / "docs" / "snapshot.schema.json").read_text("utf-8"))
    assert published == snapshot_schema()


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_case_meets_the_schema(path: Path) -> None:
    body = json.loads(path.read_text("utf-8"))
    assert validate(body, case_schema()) == []
    jsonschema.Draft202012Validator(case_schema()).validate(body)


def test_snapshots_and_templates_meet_the_schemas() -> None:
    snapshot = permitflow.to_dict(holder_for("employer_change"))
    assert validate(snapshot, snapshot_schema()) == []
    jsonschema.Draft202012Validator(snapshot_schema()).validate(snapshot)
    template = new_case("business_change", state="employer_review")
    assert validate(template, case_schema()) == []
    jsonschema.Draft202012Validator(case_schema()).validate(template)


def test_every_field_of_the_records_is_in_the_schema() -> None:
    import attrs

    holder = case_schema()["$defs"]["HolderRecord"]
    assert set(holder["properties"]) == {f.name for f in attrs.fields(HolderRecord)}
    assert "description" in holder["properties"]["holder_id"]


def bad(body: dict[str, Any], lang: Language = "zh") -> list[str]:
    ours = problems(body, case_schema())
    theirs = list(jsonschema.Draft202012Validator(case_schema()).iter_errors(body))
    assert bool(ours) == bool(theirs)
    assert validate(body, case_schema()) == [str(problem) for problem in ours]
    return [problem.words(lang) for problem in ours]


def test_a_problem_names_its_path_the_value_and_the_expected_form() -> None:
    body = new_case("renewal")
    body["holder"]["permit"]["expires_on"] = "31/12/2026"
    body["holder"]["profile"]["general"]["phone"] = 13800138000
    body["expect"] = {"exit": 3}
    assert bad(body) == [
        "手机号码（$.holder.profile.general.phone）应为文字，现为“13800138000”",
        "有效期至（$.holder.permit.expires_on）应为日期，格式 YYYY-MM-DD，也可留空（“null”），"
        "现为“31/12/2026”",
        "预期退出码（$.expect.exit）应为以下之一：“0”、“1”，现为“3”",
    ]
    assert bad(body, "en") == [
        "mobile phone number ($.holder.profile.general.phone): expected text, got "
        "“13800138000”",
        "expiry date ($.holder.permit.expires_on): expected a date, YYYY-MM-DD, or null, got "
        "“31/12/2026”",
        "expected exit status ($.expect.exit): expected one of: “0”, “1”, got “3”",
    ]


def test_an_enum_value_lists_the_allowed_values_in_words_with_their_codes() -> None:
    body = new_case("renewal")
    body["holder"]["profile"]["general"]["hukou"] = {"kind": "village"}
    (said,) = bad(body)
    assert said.startswith("户口性质（$.holder.profile.general.hukou.kind）应为以下之一：")
    assert said.endswith("，现为“village”")
    assert all(f"（{kind.value}）" in said for kind in HukouKind)


def test_a_whole_snapshot_must_be_complete_and_facts_need_not_be() -> None:
    body = new_case("renewal")
    assert bad(body) == []
    body["holder"]["kind"] = "holder"
    body["holder"]["schema_version"] = 1
    assert "缺少手机号码（$.holder.profile.general.phone），应为文字" in bad(body)


def test_an_unknown_key_lists_the_known_ones() -> None:
    body = new_case("new")
    body["holder"]["profile"]["genral"] = {}
    assert bad(body) == [
        "“genral”（$.holder.profile.genral）不是此处可用的字段（可用：一般信息（general）、"
        "教育信息（education）、学习经历（study_history）、工作经历（work_history）、"
        "证件照片（photo））"
    ]


def test_check_validates_against_the_schema_first(tmp_path: Path) -> None:
    body = new_case("renewal")
    body["at"] = "yesterday"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(InvalidSnapshot) as error:
        load_case(path)
    assert [problem.words("zh") for problem in error.value.problems] == [
        "判断时间（$.at）应为日期时间，格式 YYYY-MM-DDTHH:MM+08:00，现为“yesterday”"
    ]
