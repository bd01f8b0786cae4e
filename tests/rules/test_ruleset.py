"""Rule sets, families and the registry, on small hand-made rule sets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from attrs import frozen
from rules_fixtures import AT, application, new_applicant, valid_holder

from permitflow.errors import (
    CoverageError,
    DefinitionError,
    RuleDataError,
    RuleSetNotInForce,
    UnknownParameter,
    UnknownRuleSet,
)
from permitflow.messages import Catalogue
from permitflow.records.application import BusinessType
from permitflow.rules import registry
from permitflow.rules.facts import Facts, Plain
from permitflow.rules.finding import Citation, RuleKind, Severity, Status
from permitflow.rules.haidian import ruleset
from permitflow.rules.parameters import ParameterTable, load_parameters
from permitflow.rules.rule import (
    BEIJING,
    GROUPS,
    Check,
    Rule,
    RuleContext,
    Verdict,
    failed,
    needs_attestation,
    passed,
)
from permitflow.rules.ruleset import EnforcedBy, RuleSet, RuleSetFamily
from permitflow.tags import Tag
from permitflow.wiring import default_definitions

NEW = BusinessType.NEW
RENEWAL = BusinessType.RENEWAL
NEW_STEPS = default_definitions()[NEW](2).tags_by_event
SUBMIT, PASS = NEW_STEPS["submit"], NEW_STEPS["pass"]

PARAMS = """
[demo.limit]
label_zh = "上限"
label_en = "Limit"
confidence = "I"
[[demo.limit.values]]
since = 2025-01-01
value = 3
citation = "test"
[[demo.limit.values]]
since = 2026-01-01
value = 5
citation = "test"

[review.authority_levels]
label_zh = "级数"
label_en = "Levels"
confidence = "U"
[[review.authority_levels.values]]
since = 2025-01-01
value = 2
citation = "test"
"""

OVERRIDES = """
[rules.overrides]
label_zh = "开关"
label_en = "Switches"
confidence = "I"
[[rules.overrides.values]]
since = 2025-01-01
citation = "test"
[rules.overrides.values.value]
{entries}
"""


@pytest.fixture
def table(tmp_path: Path) -> ParameterTable:
    return _table(tmp_path, "")


def _table(tmp_path: Path, overrides: str) -> ParameterTable:
    path = tmp_path / "p.toml"
    extra = OVERRIDES.format(entries=overrides) if overrides else ""
    path.write_text(PARAMS + extra, encoding="utf-8")
    return load_parameters([path])


@frozen
class _OverLimit(Facts):
    count: int
    limit: int


def _limit_check(ctx: RuleContext) -> Iterable[Verdict[_OverLimit]]:
    limit = ctx.params["demo.limit"]
    count = len(ctx.holder.attachments)
    if count <= limit:
        return (passed("attachments", count=count, limit=limit),)
    return (failed("attachments", _OverLimit(count, limit)),)


def _waiting_check(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    return (needs_attestation("x"),)


def _texts(rule_id: str, check: Check) -> Catalogue:
    """The title and the own message of a demo rule: with the facts of the limit check."""
    over = ("附件 {count} 份，超过上限 {limit} 份。", "{count} attachments exceed {limit}.")
    message = over if check is _limit_check else ("请审核人员确认。", "A reviewer confirms it.")
    texts = {f"{rule_id}.title": ("附件数量不超过上限", "Attachments within the limit")}
    return Catalogue.of("demo", {**texts, rule_id: message})


def make_rule(
    rule_id: str = "DEMO-001",
    group: str = "att",
    types: frozenset[BusinessType] = frozenset({NEW}),
    tags: frozenset[Tag] | None = None,
    check: Check = _limit_check,
) -> Rule:
    return Rule(
        id=rule_id,
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group=group,
        business_types=types,
        citation=Citation("M§0", "示例"),
        texts=_texts(rule_id, check),
        check=check,
        tags=tags,
    )


def make_set(
    table: ParameterTable,
    rules: tuple[Rule, ...] = (),
    version: str = "2025.1",
    start: date = date(2025, 1, 1),
    until: date | None = None,
    name: str = "demo",
) -> RuleSet:
    return RuleSet(name, version, start, until, rules or (make_rule(),), table)


# --- period and parameters -----------------------------------------------------------------------


def test_a_rule_set_is_in_force_on_both_ends_of_its_period(table: ParameterTable) -> None:
    rs = make_set(table, until=date(2025, 12, 31))
    assert rs.in_force(date(2025, 1, 1))
    assert rs.in_force(date(2025, 12, 31))
    assert not rs.in_force(date(2024, 12, 31))
    assert not rs.in_force(date(2026, 1, 1))


def test_parameters_outside_the_period_raise(table: ParameterTable) -> None:
    rs = make_set(table, until=date(2025, 12, 31))
    assert rs.params_on(date(2025, 6, 1))["demo.limit"] == 3
    with pytest.raises(RuleSetNotInForce) as caught:
        rs.params_on(date(2026, 1, 1))
    assert caught.value.context["version"] == "2025.1"


def test_parameters_change_on_their_since_inside_an_open_period(table: ParameterTable) -> None:
    rs = make_set(table)
    assert rs.params_on(date(2025, 12, 31))["demo.limit"] == 3
    assert rs.params_on(date(2026, 1, 1))["demo.limit"] == 5
    assert rs.review_levels(date(2026, 1, 1)) == 2


def test_an_end_before_the_start_is_a_definition_error(table: ParameterTable) -> None:
    with pytest.raises(DefinitionError, match="precedes"):
        make_set(table, until=date(2024, 1, 1))


def test_a_rule_id_defined_twice_is_a_definition_error(table: ParameterTable) -> None:
    with pytest.raises(DefinitionError, match="DEMO-001"):
        make_set(table, (make_rule(), make_rule()))


# --- rules_for and evaluate ---------------------------------------------------------------------


def test_rules_for_selects_by_group_business_type_and_tag(table: ParameterTable) -> None:
    a = make_rule("A-1", "att")
    b = make_rule("B-1", "doc")
    c = make_rule("C-1", "att", frozenset({RENEWAL}))
    d = make_rule("D-1", "att", tags=frozenset({Tag.AUTHORITY_PASS}))
    e = attrs.evolve(make_rule("E-1", "att"), event="resubmit")
    rs = make_set(table, (a, b, c, d, e))
    ids = [r.id for r, _ in rs.rules_for(NEW, "submit", SUBMIT, frozenset({"att"}))]
    assert ids == ["A-1"]
    ids = [r.id for r, _ in rs.rules_for(NEW, "pass", PASS, frozenset({"att", "doc"}))]
    assert ids == ["A-1", "B-1", "D-1"]
    # A step of another name carrying the tag is guarded all the same.
    ids = [r.id for r, _ in rs.rules_for(NEW, "approve", PASS, frozenset({"att"}))]
    assert ids == ["A-1", "D-1"]
    ids = [r.id for r, _ in rs.rules_for(NEW, "resubmit", frozenset(), frozenset({"att"}))]
    assert ids == ["A-1", "E-1"]
    assert rs.rules_for(NEW, "pass", PASS, frozenset({"att"})) is rs.rules_for(
        NEW, "pass", PASS, frozenset({"att"})
    )


def test_rules_for_refuses_an_unknown_guard_group(table: ParameterTable) -> None:
    with pytest.raises(DefinitionError, match="nonsense"):
        make_set(table).rules_for(NEW, "submit", SUBMIT, frozenset({"nonsense"}))


def test_evaluate_builds_findings_for_failures_only_by_default(table: ParameterTable) -> None:
    rs = make_set(table)
    holder = valid_holder()
    common: dict[str, Any] = {
        "holder": holder,
        "application": application(NEW),
        "business_type": NEW,
        "event": "submit",
        "groups": frozenset({"att"}),
        "tags_by_event": NEW_STEPS,
    }
    # 8 attachments: over the 2025 limit of 3 and the 2026 limit of 5.
    (finding,) = rs.evaluate(at=AT, **common)
    assert finding.status is Status.FAILED
    assert finding.message_en == "8 attachments exceed 5."
    assert finding.facts_dict() == {"count": "8", "limit": "5"}
    assert finding.blocks
    fewer = valid_holder(attachments=holder.attachments[:5])
    assert rs.evaluate(at=AT, **{**common, "holder": fewer}) == ()
    (passed_finding,) = rs.evaluate(at=AT, include_passed=True, **{**common, "holder": fewer})
    assert passed_finding.passed
    assert passed_finding.message_en == "Attachments within the limit"


def test_parameters_are_those_of_the_first_submission_day(table: ParameterTable) -> None:
    rs = make_set(table)
    holder = valid_holder(attachments=valid_holder().attachments[:4])
    submitted_2025 = application(
        NEW, "employer_review", submitted_at=datetime(2025, 12, 1, tzinfo=BEIJING)
    )
    # Judged in 2026 but submitted in 2025: the 2025 limit of 3 applies.
    (finding,) = rs.evaluate(
        holder=holder,
        application=submitted_2025,
        business_type=NEW,
        event="employer_approve",
        at=AT,
        groups=frozenset({"att"}),
        tags_by_event=NEW_STEPS,
    )
    assert finding.facts_dict()["limit"] == "3"


def test_an_attested_verdict_is_no_finding(table: ParameterTable) -> None:
    rule = make_rule("ATT-DEMO", check=_waiting_check)
    rs = make_set(table, (rule,))
    args: dict[str, Any] = {
        "holder": valid_holder(),
        "business_type": NEW,
        "event": "pass",
        "at": AT,
        "groups": frozenset({"att"}),
        "tags_by_event": NEW_STEPS,
    }
    (waiting,) = rs.evaluate(application=application(NEW, "authority_review"), **args)
    assert waiting.status is Status.NEEDS_ATTESTATION
    attested = application(NEW, "authority_review", attested=["ATT-DEMO"])
    assert rs.evaluate(application=attested, **args) == ()
    (shown,) = rs.evaluate(application=attested, include_passed=True, **args)
    assert shown.passed
    assert "attested_by" in shown.facts_dict()
    (outside,) = rs.evaluate(application=None, **args)
    assert outside.status is Status.NEEDS_ATTESTATION


def test_evaluate_outside_the_period_raises(table: ParameterTable) -> None:
    rs = make_set(table, until=date(2025, 12, 31))
    with pytest.raises(RuleSetNotInForce):
        rs.evaluate(
            holder=new_applicant(),
            application=None,
            business_type=NEW,
            event="submit",
            at=AT,
            groups=frozenset({"att"}),
            tags_by_event=NEW_STEPS,
        )


# --- overrides ----------------------------------------------------------------------------------


def test_overrides_change_severity_and_disable_rules(tmp_path: Path) -> None:
    table = _table(tmp_path, '"A-1" = { severity = "warning" }\n"B-1" = { enabled = false }')
    a, b = make_rule("A-1"), make_rule("B-1")
    rs = make_set(table, (a, b))
    assert rs.rules_for(NEW, "submit", SUBMIT, frozenset({"att"})) == ((a, Severity.WARNING),)
    described = {d.id: d for d in rs.describe()}
    assert described["A-1"].severity is Severity.WARNING
    assert described["A-1"].default_severity is Severity.ERROR
    assert described["B-1"].enabled is False
    (finding,) = rs.evaluate(
        holder=valid_holder(),
        application=None,
        business_type=NEW,
        event="submit",
        at=AT,
        groups=frozenset({"att"}),
        tags_by_event=NEW_STEPS,
    )
    assert finding.severity is Severity.WARNING
    assert not finding.blocks


@pytest.mark.parametrize(
    ("entries", "complaint"),
    [
        ('"NOPE-1" = { severity = "warning" }', "$.rules.overrides.values[0].value.NOPE-1"),
        ('"A-1" = { severity = "fatal" }', "$.rules.overrides.values[0].value.A-1.severity"),
        ('"A-1" = { enabled = "no" }', "$.rules.overrides.values[0].value.A-1.enabled"),
        ('"A-1" = { colour = "red" }', "$.rules.overrides.values[0].value.A-1"),
    ],
)
def test_a_bad_override_is_a_data_error_with_its_file_and_path(
    tmp_path: Path, entries: str, complaint: str
) -> None:
    with pytest.raises(RuleDataError) as caught:
        make_set(_table(tmp_path, entries), (make_rule("A-1"),))
    assert complaint in caught.value.message_en
    assert caught.value.context["file"] == "p.toml"


def test_the_haidian_switches() -> None:
    described = {d.id: d for d in ruleset.in_force_on(AT.date()).describe()}
    for rule_id in ("REN-005", "CHG-009", "POL-001", "POL-007"):
        assert described[rule_id].severity is Severity.WARNING, rule_id
    assert not described["POL-004"].enabled
    assert not described["POL-008"].enabled
    assert described["POL-009"].severity is Severity.ERROR
    assert described["POL-009"].enabled


def test_overrides_cannot_change_inside_a_version(tmp_path: Path) -> None:
    table = _table(tmp_path, '"A-1" = { severity = "warning" }')
    path = tmp_path / "later.toml"
    path.write_text(
        (tmp_path / "p.toml").read_text(encoding="utf-8")
        + '[[rules.overrides.values]]\nsince = 2026-01-01\ncitation = "x"\n'
        + '[rules.overrides.values.value]\n"A-1" = { severity = "tip" }\n',
        encoding="utf-8",
    )
    (tmp_path / "p.toml").unlink()
    table = load_parameters([path])
    with pytest.raises(DefinitionError, match="2026-01-01"):
        make_set(table, (make_rule("A-1"),))
    # A version that ends before the change is fine.
    assert make_set(table, (make_rule("A-1"),), until=date(2025, 12, 31))


# --- describe and rule lookup -------------------------------------------------------------------


def test_describe_reports_machine_enforced_rules(table: ParameterTable) -> None:
    enforced = make_rule("P-1", check=EnforcedBy("由状态机保证", "The machine enforces it"))
    rs = make_set(table, (make_rule(), enforced))
    described = {d.id: d for d in rs.describe()}
    assert described["DEMO-001"].enforced_by is None
    assert described["P-1"].enforced_by == EnforcedBy("由状态机保证", "The machine enforces it")
    assert described["P-1"].business_types == (NEW,)
    assert (described["P-1"].tags, described["P-1"].event) == (None, None)
    assert rs.rule("P-1") is enforced
    with pytest.raises(CoverageError, match="NOPE"):
        rs.rule("NOPE")


def test_an_enforced_by_check_always_passes_and_says_who(table: ParameterTable) -> None:
    check = EnforcedBy("状态机", "the machine")
    (verdict,) = check(None)  # type: ignore[arg-type]
    assert verdict.status is Status.PASSED
    assert dict(verdict.facts) == {"enforced_by": "the machine"}


# --- families -----------------------------------------------------------------------------------


def test_a_family_finds_the_version_in_force(table: ParameterTable) -> None:
    old = make_set(table, version="2025.1", until=date(2025, 12, 31))
    new = make_set(table, version="2026.1", start=date(2026, 1, 1))
    family = RuleSetFamily("demo", (new, old))
    assert family.versions == (old, new)
    assert family.in_force_on(date(2025, 12, 31)) is old
    assert family.in_force_on(date(2026, 1, 1)) is new
    assert family.version("2025.1") is old
    with pytest.raises(RuleSetNotInForce, match="2024-12-31"):
        family.in_force_on(date(2024, 12, 31))
    with pytest.raises(UnknownRuleSet, match=r"2099\.1"):
        family.version("2099.1")


def test_a_gap_between_versions_is_not_covered(table: ParameterTable) -> None:
    old = make_set(table, version="2025.1", until=date(2025, 6, 30))
    new = make_set(table, version="2026.1", start=date(2026, 1, 1))
    with pytest.raises(RuleSetNotInForce):
        RuleSetFamily("demo", (old, new)).in_force_on(date(2025, 9, 1))


@pytest.mark.parametrize(
    ("versions", "complaint"),
    [
        ((), "at least one version"),
        ((("2025.1", date(2025, 1, 1), None), ("2026.1", date(2026, 1, 1), None)), "overlap"),
        (
            (("2025.1", date(2025, 1, 1), date(2026, 1, 1)), ("2026.1", date(2026, 1, 1), None)),
            "overlap",
        ),
        (
            (("2025.1", date(2025, 1, 1), date(2025, 6, 1)), ("2025.1", date(2026, 1, 1), None)),
            "twice",
        ),
    ],
)
def test_inconsistent_families_are_definition_errors(
    table: ParameterTable, versions: tuple[tuple[str, date, date | None], ...], complaint: str
) -> None:
    sets = tuple(make_set(table, version=v, start=s, until=u) for v, s, u in versions)
    with pytest.raises(DefinitionError, match=complaint):
        RuleSetFamily("demo", sets)


def test_a_version_of_another_name_does_not_join_a_family(table: ParameterTable) -> None:
    with pytest.raises(DefinitionError, match="named"):
        RuleSetFamily("demo", (make_set(table, name="other"),))


# --- registry -----------------------------------------------------------------------------------


@pytest.fixture
def clean_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_families", {})


@pytest.mark.usefixtures("clean_registry")
def test_the_built_in_haidian_family_is_known_without_installation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "entry_points", lambda **_: ())
    family = registry.get_family("haidian")
    assert family.name == "haidian"
    assert registry.default_family() is family
    assert "haidian" in registry.known_families()


@pytest.mark.usefixtures("clean_registry")
def test_an_unknown_name_raises_with_the_known_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "entry_points", lambda **_: ())
    with pytest.raises(UnknownRuleSet, match="haidian") as caught:
        registry.get_family("atlantis")
    assert caught.value.context["ruleset"] == "atlantis"


@pytest.mark.usefixtures("clean_registry")
def test_a_registered_family_is_found_and_cannot_be_replaced(table: ParameterTable) -> None:
    family = RuleSetFamily("chaoyang", (make_set(table, name="chaoyang"),))
    registry.register(family)
    registry.register(family)
    assert registry.get_family("chaoyang") is family
    assert "chaoyang" in registry.known_families()
    other = RuleSetFamily("chaoyang", (make_set(table, name="chaoyang", version="x"),))
    with pytest.raises(DefinitionError, match="chaoyang"):
        registry.register(other)


class _EntryPoint:
    def __init__(self, name: str, value: str, loaded: object) -> None:
        self.name = name
        self.value = value
        self._loaded = loaded

    def load(self) -> object:
        return self._loaded


@pytest.mark.usefixtures("clean_registry")
def test_a_family_published_as_an_entry_point_is_loaded_on_first_use(
    table: ParameterTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    family = RuleSetFamily("xicheng", (make_set(table, name="xicheng"),))
    published = [_EntryPoint("xicheng", "xicheng_rules:ruleset", family)]

    def fake_entry_points(*, group: str, name: str | None = None) -> list[_EntryPoint]:
        assert group == "permitflow.rulesets"
        return [e for e in published if name is None or e.name == name]

    monkeypatch.setattr(registry, "entry_points", fake_entry_points)
    assert "xicheng" in registry.known_families()
    assert registry.get_family("xicheng") is family
    published.append(_EntryPoint("broken", "broken:ruleset", object()))
    with pytest.raises(DefinitionError, match="broken"):
        registry.get_family("broken")


@pytest.mark.usefixtures("clean_registry")
def test_a_published_entry_point_does_not_replace_a_built_in_family(
    table: ParameterTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    impostor = RuleSetFamily("haidian", (make_set(table, name="haidian"),))
    published = [_EntryPoint("haidian", "impostor:ruleset", impostor)]
    monkeypatch.setattr(registry, "entry_points", lambda **_: published)
    assert registry.get_family("haidian") is ruleset


def test_every_guard_group_is_a_catalogue_prefix_or_flow() -> None:
    assert "flow" in GROUPS
    assert {"acc", "bi", "edu", "his", "att", "doc", "huk", "emp", "res", "id", "cal"} <= GROUPS


# --- the parameters a rule declares it reads ----------------------------------------------------


def _reading(rule_id: str, reads: object) -> Rule:
    over = ("附件 {count} 份，超过上限 {limit} 份。", "{count} attachments exceed {limit}.")
    texts = Catalogue.of("demo", {
        f"{rule_id}.title": ("附件数量不超过上限", "Attachments within the limit"),
        rule_id: over,
        "note.inferred": ("（推断：{parameters}）", " (inferred: {parameters})"),
    })  # fmt: skip
    return attrs.evolve(make_rule(rule_id), parameters=reads, texts=texts)


def test_every_rule_reading_a_parameter_of_another_type_is_named_at_once(
    table: ParameterTable,
) -> None:
    with pytest.raises(DefinitionError) as raised:
        make_set(table, (
            _reading("A-1", {"demo.limit": str}),
            _reading("B-1", {"demo.limit": bool, "demo.missing": int}),
            _reading("C-1", {"demo.limit": int}),
        ))  # fmt: skip
    errors = raised.value.context["errors"]
    # Two dated values of demo.limit per wrong reader, and the missing name.
    assert len(errors) == 5, errors
    assert sum("A-1" in e for e in errors) == 2
    assert any("B-1" in e and "demo.missing" in e for e in errors)
    assert not any("C-1" in e for e in errors)


def test_a_name_declared_without_a_type_reads_any_value(table: ParameterTable) -> None:
    rs = make_set(table, (_reading("A-1", frozenset({"demo.limit"})),))
    assert rs.rule("A-1").parameters.types == {"demo.limit": object}


def test_a_declared_type_survives_a_change_of_the_rule() -> None:
    rule = attrs.evolve(_reading("A-1", {"demo.limit": int}), severity=Severity.WARNING)
    assert rule.parameters.types == {"demo.limit": int}
    assert rule.parameters == frozenset({"demo.limit"})


def test_a_parameter_nobody_defines_read_at_run_time_is_named_with_its_day(
    table: ParameterTable,
) -> None:
    params = make_set(table).params_on(date(2025, 3, 1))
    with pytest.raises(UnknownParameter) as raised:
        params["demo.absent"]
    assert raised.value.context == {"parameter": "demo.absent", "day": date(2025, 3, 1)}
    assert isinstance(raised.value, KeyError)
    assert params.get("demo.absent") is None
    later = make_set(table).params_on(date(2025, 3, 2))
    with pytest.raises(UnknownParameter, match="2025-03-02"):
        later["demo.absent"]


def _titled(title: tuple[str, str], reads: object) -> Rule:
    over = ("附件 {count} 份，超过上限 {limit} 份。", "{count} attachments exceed {limit}.")
    texts = Catalogue.of("demo", {
        "A-1.title": title, "A-1": over,
        "note.inferred": ("（推断：{parameters}）", " (inferred: {parameters})"),
    })  # fmt: skip
    return attrs.evolve(make_rule("A-1"), parameters=reads, texts=texts)


def test_a_title_shows_the_value_in_force_on_the_versions_first_day(tmp_path: Path) -> None:
    rule = _titled(("附件不超过 {limit} 份", "At most {limit} attachments"), {"demo.limit": int})
    assert rule.title_zh == "附件不超过 {limit} 份"  # outside a rule set, as written
    until = date(2025, 12, 31)
    assert make_set(_table(tmp_path, ""), (rule,), until=until).rule("A-1").title_en == (
        "At most 3 attachments"
    )
    with pytest.raises(DefinitionError, match="2026-01-01"):
        make_set(_table(tmp_path, ""), (rule,), until=date(2026, 1, 1))


def test_a_title_placeholder_naming_no_parameter_the_rule_reads_is_refused() -> None:
    with pytest.raises(DefinitionError, match=r"\{count\}"):
        _titled(("附件不超过 {count} 份", "At most {count} attachments"), {"demo.limit": int})
