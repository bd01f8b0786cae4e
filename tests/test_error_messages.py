"""Every error message read as a person would: each code and variant, each problem of a document
and each phrase, rendered in both languages from sample facts, with no code name, no Python
literal, no byte dump, no field path outside its bracket and no placeholder left in Chinese, and
no Chinese outside quoted data in English."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from permitflow import errors
from permitflow._texts import catalogue
from permitflow.errors import (
    ABSENT,
    PROBLEMS,
    Expected,
    PermitflowError,
    Phrase,
    Problem,
    error_classes,
    keys_of,
)
from permitflow.messages import LANGUAGES
from permitflow.records.actors import Actor, Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import HukouKind, Slot
from permitflow.rules.finding import Citation, Finding, Severity, Status
from permitflow.testing import wording_problems
from spoken import ERROR_MESSAGES_READ

BEIJING = timezone(timedelta(hours=8))
EMPLOYER = Actor(Role.EMPLOYER, "91110108MA01ABCD5T")

_BLOCKING = Finding(
    rule_id="FLOW-003",
    severity=Severity.ERROR,
    status=Status.FAILED,
    message_zh="证件当前状态为“有效”，此项业务需要证件状态为“未办理或过期或注销”",
    message_en="The permit is valid; this business needs none, expired or cancelled",
    citation=Citation("M§1", ""),
)

FIELDS: dict[str, Any] = {
    "machine": "association", "state": "associated", "event": "request_association",
    "allowed": ["dissociate", "declare_leaving"], "actor": EMPLOYER, "roles": [Role.APPLICANT],
    "level": 2, "rule_id": "BI-002", "slot": Slot.EDU_CERT, "uploaded_on": date(2026, 3, 6),
    "definition": "demo", "states": ["draft", "trap"], "groups": ["nope"], "group": "nope",
    "levels": 0, "ruleset": "haidian", "origin": "demo-rules 1.0", "catalogue": "haidian",
    "problems": [Problem("missing", "$.permit", ABSENT, Expected("object"))],
    "file": "params.toml", "findings": [_BLOCKING], "expected_version": 3, "actual_version": 4,
    "key": "K-1", "original_event": "submit", "step": 2, "differs": ["opinion", "tips"],
    "field": "business_type", "value": "visa",
    "expected": Expected.of(BusinessType), "business_type": BusinessType.RENEWAL,
    "after": datetime(2026, 3, 16, 10, 0, tzinfo=BEIJING), "limit": 200, "days": 3660,
    "first": 1950, "last": 2100, "detail": Phrase("read.missing"), "declared": 400_000,
    "actual": 399_000, "part": "length", "length": 17, "position": 7, "character": "A",
    "province_code": "99", "birth": "19901301", "today": date(2026, 3, 16),
    "version": "2021.11", "known": ["haidian"], "day": date(2030, 1, 1),
    "effective_from": date(2021, 11, 1), "effective_until": date(2029, 12, 31),
    "periods": [("2021.11", date(2021, 11, 1), None)], "parameter": "renewal.working_days",
    "count": 20, "package": "reissue-business", "reason": "ModuleNotFoundError: no x",
}  # fmt: skip
"""A sample value of every fact an error names, by field name."""

BY_CLASS: dict[str, dict[str, Any]] = {
    "UnknownEvent": {"event": "fly", "machine": "renewal", "state": "draft",
                     "allowed": ["prepare", "withdraw"]},
    "InvalidInput": {"machine": "renewal", "state": "draft", "event": "withdraw"},
    "InvalidIdentifier": {"field": "profile.general.resident_id", "value": "420106********001X"},
    "RuleSetNotInForce": {"first": date(2021, 11, 1)},
    "NotPermitted": {"machine": "new", "state": "draft", "event": "submit"},
}  # fmt: skip
"""Facts that read otherwise for one class."""

VARIANT: dict[str, dict[str, Any]] = {
    "event_not_allowed.permit": {"machine": "permit", "state": "suspended", "event": "extend"},
    "event_not_allowed.ended": {"machine": "new", "state": "approved"},
    "invalid_input.no_state": {"value": "nowhere", "expected": Expected(
        "one_of", ("draft", "employer_review"), machine="renewal")},
    "invalid_input.aware_moment": {"value": "2026-03-16 10:00:00"},
    "invalid_input.file_mismatch": {"value": "residence.pdf", "field": "size_bytes",
                                    "differs": ["size_bytes", "sha256"]},
    "invalid_input.one_of": {"field": "category", "value": "retired",
                             "expected": Expected.of(HukouKind)},
}  # fmt: skip
"""Facts that read otherwise for one variant."""


def _sample_error(cls: type[PermitflowError], code: str, named: tuple[str, ...]) -> Any:
    variant = None if code == cls.code else code.removeprefix(f"{cls.code}.")
    facts = {**FIELDS, **BY_CLASS.get(cls.__name__, {}), **VARIANT.get(code, {})}
    parameters = inspect.signature(cls.__init__).parameters.values()
    needed = {
        p.name
        for p in parameters
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty
    }
    given = {name: facts[name] for name in {*named, *needed} if name not in cls.computed}
    if "variant" in inspect.signature(cls.__init__).parameters:
        return cls(variant, **given)
    return cls(**given)


ERRORS: dict[str, Callable[[], PermitflowError]] = {
    code: (lambda cls=cls, code=code, named=named: _sample_error(cls, code, named))
    for cls in error_classes()
    for code, named in keys_of(cls).items()
}

FACTS: dict[str, Any] = {
    "known": ["general", "education"], "first": 1950, "last": 2100, "line": 2, "column": 14,
    "detail": Phrase("json.comma"), "limit": 24, "kind": "bytes", "count": 3, "should": 2,
    "entry": 0, "machine": BusinessType.RENEWAL, "levels": [1, 2], "state": "draft",
    "slot": Slot.RESIDENCE, "index": 0, "file": "renewal.toml", "until": date(2021, 1, 1),
    "since": date(2022, 1, 1), "rule_id": "REN-005", "days": (date(2022, 7, 1),),
    "event": "pass", "groups": ["nope"], "version": "2021.11", "name": "chaoyang",
    "later": "2022.1", "names": ["renewal.working_days"],
    "error": errors.InvalidInput("levels_or_day", field="on"),
}  # fmt: skip
"""A sample value of every fact a problem names, by name."""


def _sample_problem(reason: str) -> Problem:
    named = PROBLEMS[reason]
    return Problem(
        reason,
        "$.holder.profile.general.phone",
        "13800138000" if "given" in named else ABSENT,
        Expected("string") if "expected" in named else None,
        words_zh="手机号码",
        facts={name: FACTS[name] for name in named if name not in ("where", "given", "expected")},
    )


MESSAGES: dict[str, Callable[[str], str]] = {
    **{code: (lambda lang, make=make: make().message(lang)) for code, make in ERRORS.items()},  # type: ignore[misc]
    **{f"problem.{reason}": (lambda lang, reason=reason: _sample_problem(reason).words(lang))
       for reason in PROBLEMS},
    **{code: (lambda lang, code=code: Phrase(code).words(lang))
       for code in sorted(catalogue().codes)
       if code.startswith(("field.", "file.", "request.", "json.", "read."))},
    **{f"expected.{kind}": (lambda lang, kind=kind: Expected(kind).words(lang))
       for kind in ("date", "datetime", "string", "integer", "positive", "number", "boolean",
                    "null", "list", "object", "base64", "switch", "value")},
}  # fmt: skip
"""Every text of the catalogue a person can read, by code, rendered from the samples."""


def test_every_text_of_the_catalogue_is_read() -> None:
    read = set(MESSAGES) | {"expected.one_of", "expected.or_null", "problem.more"}
    assert read == set(catalogue().codes)


def test_every_error_code_and_variant_has_a_message_read() -> None:
    codes = {code for cls in error_classes() for code in keys_of(cls)}
    assert codes <= set(MESSAGES)
    assert {cls.code for cls in error_classes()} <= codes


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_a_message_reads_as_words(code: str, lang: str) -> None:
    text = MESSAGES[code](lang)  # type: ignore[arg-type]
    assert text.strip()
    assert wording_problems(text, lang) == []  # type: ignore[arg-type]
    ERROR_MESSAGES_READ.add((code, lang))


def test_the_two_messages_of_the_issue_read_in_words() -> None:
    refused = ERRORS["event_not_allowed"]()
    assert refused.message("zh") == (
        "当前单位关联状态为“已关联”，不能“凭关联码申请关联单位”；现在可以办理："
        "“单位解除关联（证件挂起）”、“声明已从原单位离职（证件挂起）”。"
    )
    assert refused.context == {
        "machine": "association", "event": "request_association", "state": "associated",
        "allowed": ["dissociate", "declare_leaving"],
    }  # fmt: skip
    not_for = errors.NotPermitted(
        machine="new", event="resubmit", state="returned", actor=EMPLOYER, roles=[Role.APPLICANT]
    )
    assert not_for.message("zh") == (
        "聘用单位（91110108MA01ABCD5T）不能“修改后重新提交”，此事项应由申请人办理。"
    )
    assert not_for.message("en") == (
        "The employer (91110108MA01ABCD5T) may not “Resubmit after fixing”; it is for the "
        "applicant."
    )


def test_a_blocked_event_names_each_rule_as_a_reference() -> None:
    blocked = ERRORS["blocked_by_rules"]()
    assert "（FLOW-003）" in blocked.message("zh")
    assert " (FLOW-003)" in blocked.message("en")
    assert blocked.context["rule_ids"] == ["FLOW-003"]


def test_a_missing_fact_is_a_programming_error() -> None:
    with pytest.raises(TypeError, match="needs"):
        errors.InvalidInput("earlier", field="at", value="2026-03-16T10:00+08:00")
    with pytest.raises(TypeError, match="no message variant"):
        errors.InvalidInput("no_such_variant", field="at")
    with pytest.raises(TypeError, match="needs"):
        Problem("sequence", "$.history[0].sequence", 3)


@pytest.mark.parametrize(
    ("text", "lang", "problem"),
    [
        ("当前状态 associated 下不能办理 request_association。", "zh", "'associated'"),
        ("按退休人员类别 None 计算的法定退休日期为 -", "zh", "'None'"),
        ("未盖章（no police station seal）", "zh", "'police'"),
        ("文件头为 b'\\xff\\xd8\\xff'", "zh", "bytes"),
        ("材料 $.attachments.residence 未上传", "zh", "field path"),
        ("还缺少{slot}", "zh", "placeholder"),
        ("The slot 学历证书 is empty", "en", "Chinese"),
    ],
)
def test_the_reader_catches_what_a_person_should_not_read(
    text: str, lang: str, problem: str
) -> None:
    assert any(problem in found for found in wording_problems(text, lang))  # type: ignore[arg-type]


def test_the_reader_lets_quoted_data_labels_with_codes_and_references_stand() -> None:
    zh = (
        "有效期至（$.permit.expires_on）应为以下之一：新办（new）、续签（renewal），现为“x_y”"
        "（FLOW-003）"
    )
    assert wording_problems(zh, "zh") == []
    assert wording_problems("The holder “张伟” lives in 《北京》 ($.holder.x)", "en") == []


def test_possible_steps_leave_out_what_only_the_platform_does() -> None:
    """From a draft the platform may close the application when the permit ends: no advice to a
    person, who is offered the steps they can take."""
    refused = errors.UnknownEvent(
        machine="new", event="fly", state="draft", allowed=["close_moot", "submit", "withdraw"]
    )
    assert refused.message("zh").endswith("现在可以办理：“提交申请”、“撤回”。")
    assert refused.message("en").endswith("Possible now: “Submit”, “Withdraw”.")
    assert refused.context["allowed"] == ["close_moot", "submit", "withdraw"]
