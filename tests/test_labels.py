"""The label catalogue speaks every code a person can meet, and the formatter renders every fact."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from permitflow import labels
from permitflow._words import where
from permitflow.engine.definition import MachineDefinition, State, Transition
from permitflow.errors import DefinitionError, InvalidInput, UnknownEvent
from permitflow.labels import (
    VOCABULARIES,
    both,
    event_label,
    field_label,
    label,
    role_label,
    state_label,
)
from permitflow.machines import BUSINESS_MACHINES, HOLDER_MACHINES
from permitflow.messages import Catalogue, Language, words
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType, CancellationTrigger
from permitflow.records.holder import (
    Employer,
    HukouKind,
    PermitState,
    Requirement,
    Slot,
)
from permitflow.retirement import RetirementCategory
from permitflow.rules import default_family
from permitflow.rules.catalogue import rules_markdown, steps_words
from permitflow.schema import case_schema, snapshot_schema
from permitflow.tags import Tag
from permitflow.testing import wording_problems
from permitflow.text import Bytes, Labelled, Money, Quoted, organisation, render

CJK = re.compile(r"[\u3400-\u9fff]")
LEVELS = (1, 2, 4)
MEMBERS = [member for vocabulary in VOCABULARIES for member in vocabulary]


def definitions() -> list[MachineDefinition]:
    built = [factory(levels) for factory in BUSINESS_MACHINES.values() for levels in LEVELS]
    return [*built, *HOLDER_MACHINES]


def _speaks(text: str, code: str, lang: str) -> None:
    assert text.strip(), code
    assert text != code
    if lang == "zh":
        assert CJK.search(text), (code, text)
    else:
        assert not CJK.search(text), (code, text)


# --- the vocabularies ----------------------------------------------------------------------------


@pytest.mark.parametrize("member", MEMBERS, ids=lambda m: f"{type(m).__name__}.{m.name}")
def test_every_member_of_every_vocabulary_has_a_label_in_both_languages(member: Enum) -> None:
    for lang in ("zh", "en"):
        _speaks(label(member, lang), str(member.value), lang)  # type: ignore[arg-type]


def test_every_kind_of_step_reads_in_the_platform_s_words() -> None:
    assert VOCABULARIES[Tag] == "tag"
    assert {label(tag) for tag in Tag} >= {"提交", "撤回", "主管部门受理", "中止审核"}
    assert len({label(tag, "en") for tag in Tag}) == len(Tag)  # no two kinds read alike
    assert steps_words([Tag.AUTHORITY_PASS, Tag.WITHDRAWAL]) == (
        "Authority's pass (主管部门审核通过), Withdrawal (撤回)"
    )
    assert steps_words([]) == "none"


def test_the_catalogue_names_the_steps_a_rule_guards_by_their_labels() -> None:
    catalogue = rules_markdown(default_family().versions[-1])
    (line,) = [line for line in catalogue.splitlines() if line.startswith("| BI-002 |")]
    assert "<br>steps: Authority's pass (主管部门审核通过)<br>" in line
    assert "authority_pass" not in catalogue


@given(st.sampled_from(MEMBERS), st.sampled_from(list(BusinessType)))
def test_a_label_never_is_the_code_on_any_business_screen(
    member: Enum, business_type: BusinessType
) -> None:
    for lang in ("zh", "en"):
        text = label(member, lang, business_type=business_type)  # type: ignore[arg-type]
        assert text
        assert text not in (member.value, member.name)


def test_the_attachment_slots_read_as_the_manual_names_them() -> None:
    assert [label(slot) for slot in Slot] == [
        "学历证书", "学位证书", "职称证书或评审材料", "应税收入材料", "户口本首页及本人页",
        "诚信声明", "结婚证", "在京合法稳定住所证明", "其他材料",
    ]  # fmt: skip


def test_the_marriage_slot_is_proof_of_marriage_on_the_business_change_screen() -> None:
    assert label(Slot.MARRIAGE, business_type=BusinessType.BUSINESS_CHANGE) == "婚姻证明材料"
    assert label(Slot.MARRIAGE, business_type=BusinessType.NEW) == "结婚证"
    assert label(Slot.HUKOU, business_type=BusinessType.BUSINESS_CHANGE) == "户口本首页及本人页"
    title = label(Slot.TITLE_CERT, business_type=BusinessType.BUSINESS_CHANGE)
    assert title == "职称证书和评审材料"


def test_business_types_requirements_and_categories_in_the_platform_words() -> None:
    assert [label(kind) for kind in BusinessType] == [
        "新办", "续签", "聘用单位变更", "证件基础信息变更", "证件业务信息变更", "注销",
    ]  # fmt: skip
    assert label(Requirement.REQUIRED) == "必传"
    assert label(Requirement.OPTIONAL) == "非必传"
    assert label(Requirement.IF_DEGREE) == "以学位申报时须上传"
    assert label(RetirementCategory.MALE) == "原法定退休年龄60周岁的男职工"
    assert label(HukouKind.COLLECTIVE, "en") == "Collective household"


def test_roles_and_an_authority_reviewer_by_level() -> None:
    assert [label(role) for role in Role] == ["申请人", "聘用单位", "主管部门", "系统"]
    assert role_label(Role.AUTHORITY, level=2) == "主管部门第2级"
    assert role_label(Role.AUTHORITY, "en", level=3) == "the authority, review level 3"
    assert role_label(Role.EMPLOYER, level=2) == "聘用单位"
    assert Role.APPLICANT.label_zh == "申请人"


def test_an_enum_outside_the_vocabularies_is_a_definition_error() -> None:
    class Colour(Enum):
        RED = "red"

    with pytest.raises(DefinitionError) as error:
        label(Colour.RED)
    assert "Colour has no labels" in error.value.message("en")


def test_a_catalogue_missing_a_member_or_naming_a_stranger_does_not_load() -> None:
    texts = {code: (f"字{code}", f"w{code}") for code in labels.codes()}
    del texts["slot.hukou"]
    texts["slot.passport"] = ("护照", "Passport")
    texts["slot.marriage.visa"] = ("签证", "Visa")
    with pytest.raises(DefinitionError) as error:
        labels._check(Catalogue.of("labels", texts))
    problems = error.value.context["errors"]
    assert "no label for Slot.HUKOU (slot.hukou)" in problems
    assert "slot.passport is not a member of its vocabulary nor a business type's" in problems
    assert "slot.marriage.visa is not a member of its vocabulary nor a business type's" in problems


# --- the machines --------------------------------------------------------------------------------


@pytest.mark.parametrize("definition", definitions(), ids=lambda d: f"{d.name}-{len(d.states)}")
def test_every_state_and_event_of_every_built_in_machine_is_labelled(
    definition: MachineDefinition,
) -> None:
    for lang in ("zh", "en"):
        _speaks(definition.label_zh if lang == "zh" else definition.label_en, definition.name, lang)
        for state in definition.states:
            _speaks(state_label(definition, state.name, lang), state.name, lang)  # type: ignore[arg-type]
        for transition in definition.transitions:
            for source in transition.sources:
                text = event_label(definition, transition.event, lang, source=source)  # type: ignore[arg-type]
                _speaks(text, transition.event, lang)


def test_the_machines_carry_the_catalogues_words_and_no_others() -> None:
    """Every label of the machine, state and event tables is some built-in definition's, and
    every built-in definition's label is the catalogue's: one source."""
    carried: set[tuple[str, str]] = set()
    for definition in definitions():
        carried.add((definition.label_zh, definition.label_en))
        carried.update((s.label_zh, s.label_en) for s in definition.states)
        carried.update((t.label_zh, t.label_en) for t in definition.transitions)
    from_catalogue = {
        both(code, level=1) if _levelled(code) else both(code)
        for code in labels.codes()
        if code.split(".")[0] in {"machine", "state", "event"}
    }
    enums = {(label(m, "zh"), label(m, "en")) for m in MEMBERS}
    assert from_catalogue <= carried
    assert carried <= from_catalogue | enums | _levelled_words()


def _levelled(code: str) -> bool:
    return code in {
        "state.authority_review", "state.authority_suspended", "event.pass", "event.suspend",
        "event.resume", "event.return.at_level",
    }  # fmt: skip


def _levelled_words() -> set[tuple[str, str]]:
    return {
        both(code, level=level)
        for code in labels.codes()
        if _levelled(code)
        for level in range(1, max(LEVELS) + 1)
    }


def test_review_states_and_steps_are_worded_by_their_level() -> None:
    renewal = BUSINESS_MACHINES[BusinessType.RENEWAL](3)
    assert state_label(renewal, "authority_review_3") == "主管部门第3级审核"
    assert state_label(renewal, "authority_suspended_2", "en") == (
        "Authority review suspended, level 2"
    )
    assert event_label(renewal, "pass", source="authority_review_2") == "第2级审核通过"
    assert event_label(renewal, "return", source="awaiting_acceptance") == "退回（不通过）"
    assert event_label(renewal, "return", source="authority_review_1") == "第1级审核退回"


def test_a_state_or_event_a_machine_does_not_have_is_an_error_naming_what_it_has() -> None:
    renewal = BUSINESS_MACHINES[BusinessType.RENEWAL](2)
    with pytest.raises(InvalidInput):
        state_label(renewal, "limbo")
    with pytest.raises(UnknownEvent):
        event_label(renewal, "teleport")


def test_a_definition_with_a_blank_label_does_not_build() -> None:
    with pytest.raises(DefinitionError) as error:
        MachineDefinition(
            name="demo", label_zh="演示", label_en="Demo",
            states=(State("a", "甲", ""), State("b", "乙", "B", terminal=True)),
            initial="a",
            transitions=(Transition("go", ("a",), "b", frozenset({Role.SYSTEM}), "", "Go"),),
        )  # fmt: skip
    assert error.value.context["errors"] == [
        "event go has no label in zh", "state a has no label in en"
    ]


def test_a_code_without_a_label_or_with_a_stray_value_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError):
        both("state.limbo")
    with pytest.raises(DefinitionError):
        both("state.approved", level=2)


# --- the formatter -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (None, "未填写", "not given"),
        ((), "未填写", "not given"),
        (True, "是", "yes"),
        (False, "否", "no"),
        (date(2026, 5, 1), "2026-05-01", "2026-05-01"),
        (datetime(2026, 5, 1, 9, 30), "2026-05-01 09:30", "2026-05-01 09:30"),
        (2026, "2026", "2026"),
        (3_000_000, "3,000,000", "3,000,000"),
        (2.5, "2.5", "2.5"),
        (Bytes(3_000_000), "2.9 MB", "2.9 MB"),
        (Bytes(2 * 1_048_576), "2 MB", "2 MB"),
        (Bytes(2 * 1_048_576 + 1), "2.1 MB", "2.1 MB"),
        (Bytes(50_000), "49 KB", "49 KB"),
        (Bytes(512), "512 字节", "512 bytes"),
        (Money(2_500_000), "25,000.00 元", "CNY 25,000.00"),
        (Money(-5), "-0.05 元", "CNY -0.05"),
        (Slot.INTEGRITY, "诚信声明", "Integrity declaration"),
        (PermitState.SUSPENDED, "挂起", "Suspended"),
        ((Slot.EDU_CERT, Slot.DEGREE_CERT), "学历证书、学位证书",
         "Education certificate, Degree certificate"),
        (frozenset({CancellationTrigger.RETIREMENT}), "已到达法定退休年龄",
         "the statutory retirement age is reached"),
        (Labelled(Slot.MARRIAGE, BusinessType.BUSINESS_CHANGE), "婚姻证明材料",
         "Proof of marital status"),
        (Quoted("张小明"), "“张小明”", "“张小明”"),
        (Employer("91110108MA01ABCD5T", "北京海淀示例科技有限公司"),
         "北京海淀示例科技有限公司（91110108MA01ABCD5T）",
         "“北京海淀示例科技有限公司” (91110108MA01ABCD5T)"),
    ],
)  # fmt: skip
def test_facts_render_in_words(value: object, zh: str, en: str) -> None:
    assert render(value, "zh") == zh
    assert render(value, "en") == en
    assert words(value, "zh") == zh  # the message catalogue's placeholders go through it


def test_an_organisation_without_a_name_reads_by_its_code_and_without_either_as_missing() -> None:
    assert organisation(None, "91110108MA01ABCD5T", "zh") == "统一社会信用代码 91110108MA01ABCD5T"
    assert organisation(None, None, "en") == "not given"


@pytest.mark.parametrize("value", [b"\xff\xd8\xff", object(), 1j])
def test_a_value_without_words_is_refused_rather_than_dumped(value: object) -> None:
    with pytest.raises(TypeError):
        render(value, "zh")


@given(st.integers(min_value=0, max_value=50 * 1_048_576))
def test_a_size_never_reads_smaller_than_it_is(count: int) -> None:
    text = Bytes(count).words("en")
    number, unit = text.split(" ")
    scale = {"bytes": 1, "KB": 1024, "MB": 1_048_576}[unit]
    assert float(number.replace(",", "")) * scale >= count


# --- the fields of a snapshot or a case file ----------------------------------------------------


def _field_paths(schema: dict[str, object]) -> set[str]:
    """Every field path of a document of ``schema``, an index as ``[0]``."""
    defs: dict[str, Any] = schema["$defs"]  # type: ignore[assignment]
    found: set[str] = set()

    def walk(node: Any, path: str, depth: int) -> None:
        while "$ref" in node:
            node = defs[node["$ref"].rpartition("/")[2]]
        if depth > 12:  # deeper than any record: a reference back to itself
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for option in node.get(key, ()):
                walk(option, path, depth)
        for key in ("then", "else"):
            if key in node:
                walk(node[key], path, depth)
        if isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}[0]", depth + 1)
        for name, inner in node.get("properties", {}).items():
            found.add(f"{path}.{name}")
            walk(inner, f"{path}.{name}", depth + 1)

    walk(schema, "$", 0)
    return found


FIELD_PATHS = sorted(_field_paths(case_schema()) | _field_paths(snapshot_schema()))


def test_the_documents_have_their_fields_walked() -> None:
    assert len(FIELD_PATHS) > 400
    assert "$.holder.permit.children[0].birth_date" in FIELD_PATHS


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_field_a_document_error_can_name_reads_in_words(lang: Language) -> None:
    """No field path reaches a person's text alone: each field of a snapshot or a case file
    is named in words, the path only in brackets after it."""
    unnamed = [path for path in FIELD_PATHS if field_label(path, lang) is None]
    assert unnamed == []
    for path in FIELD_PATHS:
        said = where(path, None, lang)
        named = said.removesuffix(f"（{path}）" if lang == "zh" else f" ({path})")
        assert named != said, said
        assert wording_problems(said, lang) == [], said
        if lang == "zh":
            assert not re.search(r"[A-Za-z]{2,}", named.replace("CSCSE", "")), said
        else:
            assert not CJK.search(named), said
            assert "_" not in named, said


def test_a_field_reads_by_its_parent_where_the_name_is_shared() -> None:
    assert field_label("$.holder.profile.general.name") == "姓名"
    assert field_label("$.form.children[1].name") == "随往人员姓名"
    assert field_label("$.holder.association.employer.name", "en") == "employer's name"
    assert field_label("$.holder.nickname") is None
    assert where("$.holder.nickname", None, "zh") == "“nickname”（$.holder.nickname）"
    assert where("$", None, "en") == "the document ($)"


def test_labels_added_in_code_read_as_written_and_a_reworded_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(labels, "_CATALOGUE", labels._CATALOGUE)
    labels.add_labels(
        {"state.draft.replacement": ("草稿（补办申请）", "Draft: replacement"),
         "business_type.new": ("新办", "New application")}
    )  # fmt: skip
    assert labels.both("state.draft.replacement") == ("草稿（补办申请）", "Draft: replacement")
    with pytest.raises(DefinitionError, match=r"business_type\.new is written already"):
        labels.add_labels({"business_type.new": ("补办", "Replacement")})
    assert label(BusinessType.NEW, "en") == "New application"
