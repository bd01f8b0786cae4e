"""The message catalogue: texts checked against their contexts when they are bound, facts in
words, findings rendered only when read."""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import attrs
import pytest
from attrs import frozen
from rules_fixtures import application, context, valid_holder

from permitflow.engine.snapshot import structure, unstructure
from permitflow.errors import DefinitionError
from permitflow.messages import Catalogue, Language, Template, words
from permitflow.records.application import BusinessType
from permitflow.rules.facts import Facts, Unit
from permitflow.rules.finding import Citation, Finding, RuleKind, Severity, Status
from permitflow.rules.parameters import load_parameters
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, needs_attestation, passed
from permitflow.rules.ruleset import RuleSet

NEW = frozenset({BusinessType.NEW})
NEW_TYPE = BusinessType.NEW


@pytest.fixture
def holder_ctx() -> RuleContext:
    """A new application of a holder without any attachment."""
    return context(valid_holder(attachments=()), application(BusinessType.NEW), "submit")


def _problems(error: pytest.ExceptionInfo[DefinitionError]) -> str:
    return "; ".join(error.value.context["errors"])


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the catalogue ------------------------------------------------------------------------------


def test_a_file_is_read_as_codes_with_both_languages(tmp_path: Path) -> None:
    file = _file(
        tmp_path,
        "a.toml",
        '["X-001"]\ntitle = { zh = "标题", en = "Title" }\nzh = "共 {count} 份"\n'
        'en = "{count} in all"\n["X-001".other]\nzh = "另一种"\nen = "Another"\n',
    )
    catalogue = Catalogue.load("demo", [file])
    assert catalogue.codes == {"X-001", "X-001.title", "X-001.other"}
    template = catalogue.template("X-001", {"count": int})
    assert template.render({"count": 3_000_000}, "zh") == "共 3,000,000 份"
    assert template.render({"count": 2}, "en") == "2 in all"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[A]\nzh = "只有中文"\n', "missing language en @ a.toml:$.A"),
        ('[A]\nzh = ""\nen = "x"\n', "empty text @ a.toml:$.A.zh"),
        ('[A]\nzh = "{n:>3}"\nen = "{n}"\n', "placeholder {n} has a format or conversion"),
        ('[A]\nzh = "{n!r}"\nen = "{n}"\n', "placeholder {n} has a format or conversion"),
        ('[A]\nzh = "{a.b}"\nen = "{a}"\n', "placeholder {a.b} is not a plain name"),
        ('[A]\nzh = "{"\nen = "x"\n', "unbalanced braces"),
        ('[A]\nzh = "x"\nen = "y"\nnote = "z"\n', "expected a table with zh and en"),
        ('[A]\nzh = 3\nen = "y"\n', "expected a string @ a.toml:$.A.zh"),
        ("[A\n", "not valid TOML"),
    ],
)
def test_a_malformed_file_is_refused_when_it_loads(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(DefinitionError) as error:
        Catalogue.load("demo", [_file(tmp_path, "a.toml", text)])
    assert problem in _problems(error)


def test_a_code_is_written_in_one_file_only(tmp_path: Path) -> None:
    text = '[A]\nzh = "甲"\nen = "A"\n'
    files = [_file(tmp_path, "a.toml", text), _file(tmp_path, "b.toml", text)]
    with pytest.raises(DefinitionError) as error:
        Catalogue.load("demo", files)
    assert "A is written twice" in _problems(error)


@frozen
class _Counted:
    count: int
    limit: int


def test_binding_checks_the_placeholders_against_the_context() -> None:
    catalogue = Catalogue.of(
        "demo",
        {
            "ok": ("{count} 份，上限 {limit} 份", "{count} of at most {limit}"),
            "unknown": ("{count} 份，上限 {limit} 份，{extra}", "{count} of {limit}"),
            "unused": ("{count} 份", "{count} of {limit}"),
        },
    )
    assert catalogue.template("ok", _Counted).fields == ("count", "limit")
    with pytest.raises(DefinitionError) as error:
        catalogue.template("unknown", _Counted)
    assert "unknown placeholder {extra} @ demo:$.unknown.zh" in _problems(error)
    with pytest.raises(DefinitionError) as error:
        catalogue.template("unused", _Counted)
    assert "context field limit is never used @ demo:$.unused.zh" in _problems(error)
    with pytest.raises(DefinitionError) as error:
        catalogue.template("missing", _Counted)
    assert "no text for code missing" in _problems(error)


def test_a_context_of_bytes_is_refused() -> None:
    catalogue = Catalogue.of("demo", {"head": ("文件头 {head}", "starts with {head}")})
    with pytest.raises(DefinitionError) as error:
        catalogue.template("head", {"head": bytes})
    assert "byte dump" in _problems(error)


def test_every_text_must_be_bound_to_something() -> None:
    catalogue = Catalogue.of("demo", {"A": ("甲", "A"), "B": ("乙", "B")})
    catalogue.check_used(["A", "B"])
    with pytest.raises(DefinitionError) as error:
        catalogue.check_used(["A"])
    assert "B is bound to nothing" in _problems(error)


def test_an_overlay_rewords_existing_codes_only(tmp_path: Path) -> None:
    base = Catalogue.of("demo", {"A": ("甲 {n}", "A {n}")})
    reworded = base.overlay([_file(tmp_path, "o.toml", '[A]\nzh = "新 {n}"\nen = "New {n}"\n')])
    assert reworded.template("A", {"n": int}).render({"n": 1}, "zh") == "新 1"
    assert base.template("A", {"n": int}).render({"n": 1}, "zh") == "甲 1"
    with pytest.raises(DefinitionError) as error:
        base.overlay([_file(tmp_path, "p.toml", '[B]\nzh = "乙"\nen = "B"\n')])
    assert "B is not a code of demo" in _problems(error)


# --- the formatter -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (None, "未填写", "not given"),
        (True, "是", "yes"),
        (False, "否", "no"),
        (date(2026, 5, 1), "2026-05-01", "2026-05-01"),
        (3_000_000, "3,000,000", "3,000,000"),
        (("甲", "乙"), "甲、乙", "甲, 乙"),
        ((), "未填写", "not given"),
        (Unit("91110108MA01ABCD5T", "北京海淀示例科技有限公司"),
         "北京海淀示例科技有限公司（91110108MA01ABCD5T）",
         "“北京海淀示例科技有限公司” (91110108MA01ABCD5T)"),
        (Unit("91110108MA01ABCD5T"), "统一社会信用代码 91110108MA01ABCD5T", "91110108MA01ABCD5T"),
        (Unit(None), "未填写", "not given"),
    ],
)  # fmt: skip
def test_facts_read_as_words(value: object, zh: str, en: str) -> None:
    assert words(value, "zh") == zh
    assert words(value, "en") == en


def test_a_template_may_be_followed_by_a_note() -> None:
    catalogue = Catalogue.of("demo", {"A": ("共 {n} 份。", "{n} in all.")})
    noted = catalogue.template("A", {"n": int}).then(Template.literal("note", "（注）", " (note)"))
    assert noted.render({"n": 2}, "zh") == "共 2 份。（注）"
    assert noted.render({"n": 2}, "en") == "2 in all. (note)"


# --- rules ---------------------------------------------------------------------------------------


@frozen
class _Over(Facts):
    count: int
    limit: int


@frozen
class _Missing(Facts):
    variant: ClassVar[str] = "missing"
    what: str


_RULE_TEXTS = {
    "DEMO-001.title": ("附件数量不超过上限", "Attachments within the limit"),
    "DEMO-001": ("附件 {count} 份，超过上限 {limit} 份。", "{count} attachments exceed {limit}."),
    "DEMO-001.missing": ("缺少“{what}”。", "{what} is missing."),
    "awaiting_confirmation": ("待审核人员确认：{title}", "Awaiting confirmation: {title}"),
    "note.inferred": ("（依据“{parameters}”系推断。）", " (Rests on {parameters}, inferred.)"),
}
_CATALOGUE = Catalogue.of("demo", _RULE_TEXTS)


def _over(ctx: RuleContext) -> Iterable[Verdict[_Over | _Missing]]:
    count = len(ctx.holder.attachments)
    if count > 1:
        yield failed("attachments", _Over(count, 1))
    if not count:
        yield failed("attachments", _Missing("学历证书"))


def _rule(check: Any = _over, texts: Catalogue = _CATALOGUE, **more: Any) -> Rule:
    return Rule(
        id="DEMO-001", kind=more.pop("kind", RuleKind.MACHINE), severity=Severity.ERROR,
        group="att", business_types=NEW, citation=Citation("M§0", "示例"), texts=texts,
        check=check, **more,
    )  # fmt: skip


def test_a_rule_binds_each_facts_class_its_check_declares() -> None:
    rule = _rule()
    assert rule.title_zh == "附件数量不超过上限"
    assert rule.message_zh == "附件 {count} 份，超过上限 {limit} 份。"
    assert {t.code for t in rule.bound_texts.messages.values()} == {"DEMO-001", "DEMO-001.missing"}


def test_a_check_that_does_not_declare_its_facts_is_refused_when_defined() -> None:
    def check(ctx: RuleContext):  # type: ignore[no-untyped-def]
        return ()

    with pytest.raises(DefinitionError) as error:
        _rule(check)
    assert "does not declare the facts of its verdicts" in _problems(error)


def test_a_facts_class_without_a_text_is_refused_when_defined() -> None:
    texts = Catalogue.of("demo", {k: v for k, v in _RULE_TEXTS.items() if k != "DEMO-001.missing"})
    with pytest.raises(DefinitionError) as error:
        _rule(texts=texts)
    assert "no text for code DEMO-001.missing" in _problems(error)


def test_a_fact_the_text_does_not_use_is_refused_when_defined() -> None:
    texts = Catalogue.of("demo", {**_RULE_TEXTS, "DEMO-001": ("附件 {count} 份。", "{count}.")})
    with pytest.raises(DefinitionError) as error:
        _rule(texts=texts)
    assert "context field limit is never used" in _problems(error)


def test_a_hybrid_rule_needs_the_awaiting_text() -> None:
    texts = Catalogue.of(
        "demo", {k: v for k, v in _RULE_TEXTS.items() if k != "awaiting_confirmation"}
    )
    _rule(texts=texts)
    with pytest.raises(DefinitionError) as error:
        _rule(texts=texts, kind=RuleKind.HYBRID)
    assert "no text for code awaiting_confirmation" in _problems(error)


class _Spy:
    """A fact that counts how often it is put into words."""

    calls = 0

    def words(self, lang: Language) -> str:
        _Spy.calls += 1
        return "某材料"


def _spied(ctx: RuleContext) -> Iterable[Verdict[_Missing]]:
    yield failed("attachments", _Missing(_Spy()))  # type: ignore[arg-type]


def test_a_finding_is_rendered_only_when_read_then_kept(holder_ctx: RuleContext) -> None:
    _Spy.calls = 0
    (finding,) = _rule(_spied).evaluate(holder_ctx)
    assert finding.blocks
    assert _Spy.calls == 0
    assert finding.message("zh") == "缺少“某材料”。"
    assert finding.message_zh == "缺少“某材料”。"
    assert _Spy.calls == 1
    assert finding.message("en") == "某材料 is missing."
    assert _Spy.calls == 2


def test_a_lazy_finding_equals_its_stored_copy_and_serialises(holder_ctx: RuleContext) -> None:
    (finding,) = _rule().evaluate(holder_ctx)
    data = unstructure(finding)
    assert data["message_zh"] == "缺少“学历证书”。"
    assert [list(pair) for pair in data["facts"]] == [["what", "学历证书"]]
    stored = structure(data, Finding)
    assert stored == finding
    assert finding == stored
    assert hash(stored) == hash(finding)
    assert pickle.loads(pickle.dumps(finding)) == finding
    assert attrs.evolve(finding, severity=Severity.WARNING).message_en == "学历证书 is missing."
    assert finding.to_dict()["message"] == {"zh": "缺少“学历证书”。", "en": "学历证书 is missing."}


def test_a_rule_set_notes_a_rule_that_reads_an_unconfirmed_parameter(
    holder_ctx: RuleContext, tmp_path: Path
) -> None:
    table = load_parameters(
        [
            _file(
                tmp_path,
                "p.toml",
                '[demo.limit]\nlabel_zh = "附件上限"\nlabel_en = "the attachment limit"\n'
                'confidence = "I"\n[[demo.limit.values]]\nsince = 2025-01-01\nvalue = 1\n'
                'citation = "M§0"\n',
            )
        ]
    )
    plain = RuleSet("demo", "1", date(2025, 1, 1), None, (_rule(),), table)
    noted = RuleSet("demo", "2", date(2025, 1, 1), None, (_rule(parameters={"demo.limit"}),), table)
    (finding,) = plain.rule("DEMO-001").evaluate(holder_ctx)
    assert finding.message_zh == "缺少“学历证书”。"
    (finding,) = noted.rule("DEMO-001").evaluate(holder_ctx)
    assert finding.message_zh == "缺少“学历证书”。（依据“附件上限”系推断。）"
    assert finding.message_en == "学历证书 is missing. (Rests on the attachment limit, inferred.)"
    with pytest.raises(DefinitionError, match="unknown parameters"):
        RuleSet("demo", "3", date(2025, 1, 1), None, (_rule(parameters={"demo.nil"}),), table)


def test_a_hybrid_waiting_for_a_reviewer_shows_its_title(holder_ctx: RuleContext) -> None:
    def waits(ctx: RuleContext) -> Iterable[Verdict[_Over]]:
        yield needs_attestation("attachments", _Over(1, 1))
        yield passed("attachments", checked=True)

    waiting, passing = _rule(waits, kind=RuleKind.HYBRID).evaluate(holder_ctx)
    assert waiting.status is Status.NEEDS_ATTESTATION
    assert waiting.message_zh == "待审核人员确认：附件数量不超过上限"
    assert passing.message_zh == "附件数量不超过上限"
    assert passing.facts_dict() == {"checked": "True"}


def test_a_derived_rule_set_rewords_a_rule_with_one_file(tmp_path: Path) -> None:
    from rules_fixtures import new_applicant

    from permitflow.rules.haidian import TEXTS
    from permitflow.rules.haidian import ruleset as haidian

    overlay = _file(
        tmp_path,
        "chaoyang.toml",
        '["EMP-004".no_contract]\nzh = "请先签订劳动合同。"\nen = "Sign a contract first."\n',
    )
    original = haidian.versions[0]
    reworded = original.reworded(TEXTS.overlay([overlay]), version="2021.11-chaoyang")
    ctx = context(new_applicant(**{"employment.contract": None}), application(NEW_TYPE), "submit")
    (finding,) = reworded.rule("EMP-004").evaluate(ctx)
    assert finding.message_zh == "请先签订劳动合同。"
    (before,) = original.rule("EMP-004").evaluate(ctx)
    assert before.message_zh.startswith("尚无劳动合同记录")
    # A parameter's note stays: it comes from the rule set, not from the wording.
    (size,) = reworded.rule("ATT-002").evaluate(
        context(valid_holder(**{"attachments.hukou.file.size_bytes": 3_000_000}),
                application(NEW_TYPE), "submit")
    )  # fmt: skip
    assert "未经官方确认" in size.message_zh
    bad = _file(tmp_path, "bad.toml", '["EMP-001"]\nzh = "{nope}"\nen = "{nope}"\n')
    with pytest.raises(DefinitionError, match="unknown placeholder"):
        original.reworded(TEXTS.overlay([bad]))
