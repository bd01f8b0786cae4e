"""Case files: a holder's record and an application in one JSON document, checked as a whole.

The format is documented in ``docs/cases.md``. [`load_case`][permitflow.cases.load_case] reads a
file with the same
strictness as [`permitflow.from_dict`][permitflow.from_dict] (every problem named by its ``$.path``
inside the
file); [`check_case`][permitflow.cases.check_case] evaluates the rules guarding the case's event,
fires nothing, and
returns the findings with the exit code the command line uses.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from attrs import frozen

from permitflow.engine.engine import Engine
from permitflow.engine.snapshot import from_dict, structure
from permitflow.errors import (
    Expected,
    InvalidInput,
    InvalidSnapshot,
    Language,
    Phrase,
    Problem,
)
from permitflow.labels import event_label, label, ruleset_label, state_label
from permitflow.records.application import FORM_TYPES, Application, BusinessType
from permitflow.records.holder import HolderRecord
from permitflow.rules.finding import Finding
from permitflow.rules.registry import DEFAULT
from permitflow.rules.rule import BEIJING
from permitflow.schema import case_schema
from permitflow.schema import problems as schema_problems
from permitflow.templates import default_holder, merged, reach
from permitflow.text import Quoted, referenced, render

EXIT_OK = 0
EXIT_BLOCKED = 1
"""An error finding blocks the event, or an identifier is invalid."""
EXIT_INPUT = 2
"""The input cannot be used: unreadable or invalid file, unknown event, bad argument."""

CASE_APPLICATION_ID = "case"
"""The id of an application a case file describes by business type and form only."""


# --- case files ---------------------------------------------------------------------------------


@frozen
class Case:
    """A case file, loaded: whose record, which application, which event, at what moment."""

    name: str
    holder: HolderRecord
    application: Application
    event: str | None
    at: datetime | None
    ruleset: str
    expect: Mapping[str, Any] | None = None
    """What the case is meant to show (``exit`` and ``blocking`` rule ids); ignored by check."""


def _invalid_case(source: str, problems: Sequence[Problem]) -> InvalidSnapshot:
    return InvalidSnapshot("case_file", problems=problems, file=source)


def _moment(text: object, where: str, source: str) -> datetime:
    """An ISO 8601 moment; one without a UTC offset is Beijing time."""
    try:
        moment = datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise _invalid_case(source, [Problem("wrong", where, text, Expected("datetime"))])
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=BEIJING)


def _snapshot(data: object, where: str, source: str) -> HolderRecord | Application:
    if not isinstance(data, Mapping):
        raise _invalid_case(source, [Problem("wrong", where, data, Expected("object"))])
    try:
        return from_dict(data)
    except InvalidSnapshot as error:
        raise error.rebased(where, file=source) from None


def _holder(data: object, source: str, business_type: object, at: datetime) -> HolderRecord:
    """The case's holder: a whole snapshot (it has a ``kind``), or the facts a case states laid
    over the default record of its business type at its moment (see permitflow.templates)."""
    if isinstance(data, Mapping) and "kind" not in data:
        try:
            kind = BusinessType(str(business_type))
        except ValueError:
            kind = BusinessType.NEW  # the business type's own problem is reported with its path
        data = merged(default_holder(kind, at), data)
    holder = _snapshot(data, "$.holder", source)
    if not isinstance(holder, HolderRecord):
        raise _invalid_case(source, [_kind("$.holder.kind", "application", "holder")])
    return holder


def _application(data: object, source: str) -> Application:
    application = _snapshot(data, "$.application", source)
    if not isinstance(application, Application):
        raise _invalid_case(source, [_kind("$.application.kind", "holder", "application")])
    return application


def _kind(path: str, given: str, expected: str) -> Problem:
    return Problem("wrong", path, given, Expected("one_of", (expected,)))


def _new_application(
    body: Mapping[str, Any], holder: HolderRecord, engine: Engine, at: datetime, source: str
) -> Application:
    """The draft application a case describes by ``business_type`` and ``form``."""
    try:
        business_type = BusinessType(body["business_type"])
    except ValueError:
        wrong = Problem(
            "wrong", "$.business_type", body["business_type"], Expected.of(BusinessType)
        )
        raise _invalid_case(source, [wrong]) from None
    form = None
    if "form" in body:
        # The form is read as a stored snapshot's form is, so that a bad form field is
        # reported with its path inside the case file.
        try:
            form = structure(body["form"], FORM_TYPES[business_type])
        except InvalidInput as error:
            raise _invalid_case(source, error.rebased("$.form").problems) from None
    return engine.start(
        business_type, holder=holder, application_id=CASE_APPLICATION_ID, at=at, form=form
    )


def load_case(
    path: str | Path, *, engine: Engine | None = None, at: datetime | None = None
) -> Case:
    """Read and check a case file; raises [`InvalidSnapshot`][permitflow.errors.InvalidSnapshot]
    naming the bad field's path.

    ``at`` overrides the moment written in the file. ``engine`` builds the draft application of a
    case given by business type and form (default: an engine on the case's rule set).
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # a leading BOM is no error
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            "unreadable_file", field="path", file=source, detail=_unreadable(error)
        ) from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise _invalid_case(source, [not_json(error)]) from None
    if not isinstance(body, dict):
        raise _invalid_case(source, [Problem("wrong", "$", body, Expected("object"))])
    # The schema first: each problem with its path, the value found and the form expected.
    problems = schema_problems(body, case_schema())
    if ("application" in body) == ("business_type" in body):
        problems.append(Problem("either"))
    if "form" in body and "application" in body:
        problems.append(Problem("form_with_application", "$.form"))
    if "state" in body and "application" in body:
        problems.append(Problem("state_with_application", "$.state"))
    expect = body.get("expect")
    if problems:
        raise _invalid_case(source, problems)
    moment = at if at is not None else (
        _moment(body["at"], "$.at", source) if "at" in body else None
    )  # fmt: skip
    ruleset = body.get("ruleset", DEFAULT)
    stated = body.get("application", body)
    holder = _holder(
        body.get("holder", {}),
        source,
        stated.get("business_type") if isinstance(stated, Mapping) else None,
        moment or now(),
    )
    if "application" in body:
        application = _application(body["application"], source)
        if application.holder_id != holder.holder_id:
            raise _invalid_case(source, [Problem("other_holder", "$.application.holder_id")])
    else:
        engine = engine if engine is not None else Engine(ruleset)
        application = _new_application(body, holder, engine, moment or now(), source)
        if "state" in body:
            try:
                application, holder = reach(engine, application, holder, body["state"],
                                            moment or now())  # fmt: skip
            except InvalidInput as error:
                refused = Problem("refused", "$.state", facts={"error": error})
                raise _invalid_case(source, [refused]) from None
    return Case(
        name=body.get("name", Path(source).stem),
        holder=holder,
        application=application,
        event=body.get("event"),
        at=moment,
        ruleset=ruleset,
        expect=expect,
    )


_JSON_DETAILS = {
    "Expecting value": "value",
    "Expecting property name enclosed in double quotes": "property_name",
    "Expecting ':' delimiter": "colon",
    "Expecting ',' delimiter": "comma",
    "Unterminated string starting at": "unterminated",
    "Extra data": "extra",
    "Invalid control character at": "control",
    "Invalid \\escape": "escape",
}
"""The messages of ``json.JSONDecodeError`` this says in words (``json.<detail>``)."""


def not_json(error: json.JSONDecodeError) -> Problem:
    """A document that is not JSON, with the line and column where reading stopped."""
    detail = _JSON_DETAILS.get(error.msg, "other")
    return Problem("not_json", facts={
        "line": error.lineno, "column": error.colno, "detail": Phrase(f"json.{detail}"),
    })  # fmt: skip


def _unreadable(error: OSError | UnicodeDecodeError) -> Phrase:
    """Why a file cannot be read, in words (the message names the file)."""
    for kind, detail in (
        (FileNotFoundError, "missing"), (IsADirectoryError, "directory"),
        (PermissionError, "permission"), (UnicodeDecodeError, "encoding"),
    ):  # fmt: skip
        if isinstance(error, kind):
            return Phrase(f"read.{detail}")
    return Phrase("read.other")


def now() -> datetime:
    """The moment a check uses when neither the caller nor the case names one: the only clock
    permitflow reads, and only here, at the command line's edge."""
    return datetime.now(BEIJING)


# --- check --------------------------------------------------------------------------------------


@frozen
class CheckResult:
    """The findings of the rules guarding one event of a case."""

    case: Case
    event: str
    at: datetime
    ruleset_name: str
    ruleset_version: str
    findings: tuple[Finding, ...]

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.blocks)

    @property
    def exit_code(self) -> int:
        return EXIT_BLOCKED if self.blocking else EXIT_OK

    def to_dict(self, lang: Language) -> dict[str, Any]:
        application = self.case.application
        return {
            "case": self.case.name,
            "business_type": application.business_type.value,
            "state": application.state,
            "event": self.event,
            "at": self.at.isoformat(),
            "ruleset": {"name": self.ruleset_name, "version": self.ruleset_version},
            "blocked": bool(self.blocking),
            "blocking": sorted({f.rule_id for f in self.blocking}),
            "findings": [finding_dict(f, lang) for f in self.findings],
        }


def finding_dict(finding: Finding, lang: Language) -> dict[str, Any]:
    """A finding as JSON with its message in one language."""
    return {**finding.to_dict(), "message": finding.message(lang)}


def first_event(engine: Engine, application: Application, at: datetime) -> str:
    """The event that takes the application's next step from its state.

    The filing event (the one that submits) when the state has one, else the first event the
    machine defines from that state: ``submit`` for a new draft, ``initiate`` for a renewal.
    """
    candidates = [
        t for t in engine.definition_for(application, at).transitions
        if application.state in t.sources
    ]  # fmt: skip
    for transition in candidates:
        if transition.submits:
            return transition.event
    if candidates:
        return candidates[0].event
    raise InvalidInput(
        "no_event", field="event", machine=application.business_type, state=application.state
    )


def check_case(case: Case, *, engine: Engine | None = None, at: datetime | None = None,
               event: str | None = None) -> CheckResult:  # fmt: skip
    """Evaluate the rules guarding the case's event; nothing is fired."""
    engine = engine if engine is not None else Engine(case.ruleset)
    moment = at or case.at or now()
    name = event or case.event or first_event(engine, case.application, moment)
    findings = engine.check(case.application, name, at=moment, holder=case.holder)
    ruleset = engine.ruleset_for(case.application, moment)
    return CheckResult(case, name, moment, ruleset.name, ruleset.version, findings)


def render_check(result: CheckResult, lang: Language, *, show_passed: bool = False) -> str:
    """The result as a person reads it, in ``lang`` only: the case, the business, its state and
    step by their labels, each finding's message with the manual's sentence, and the verdict."""
    app = result.case.application
    zh = lang == "zh"
    definition = Engine(result.case.ruleset).definition_for(app, result.at)
    business = label(app.business_type, lang)
    state = state_label(definition, app.state, lang)
    step = event_label(definition, result.event, lang, source=app.state)
    at = render(result.at.astimezone(BEIJING), lang)
    ruleset = ruleset_label(result.ruleset_name, result.ruleset_version, lang)
    lines = [
        ("案例：" if zh else "Case: ") + render(Quoted(result.case.name), lang),
        (
            f"业务：{business} · 状态：{state} · 办理事项：{step} · 时间：{at} · 规则：{ruleset}"
            if zh else
            f"Business: {business} · state: {state} · step: {step} · at: {at} · rules: {ruleset}"
        ),
        "",
    ]  # fmt: skip
    # What needs doing comes first; passes follow as the rest of the checklist.
    ordered = sorted(result.findings, key=lambda f: (f.passed, not f.blocks))
    shown = [f for f in ordered if show_passed or not f.passed]
    for finding in shown:
        status, severity = label(finding.status, lang), label(finding.severity, lang)
        said = referenced(finding.message(lang), finding.rule_id, lang)
        lines.append(f"{status}（{severity}）：{said}" if zh else f"{status} ({severity}): {said}")
        quote = f" 「{finding.citation.quote}」" if finding.citation.quote else ""
        lines.append(f"        [{finding.citation.section}]{quote}")
    passed = len(result.findings) - sum(1 for f in result.findings if not f.passed)
    if shown:
        lines.append("")
    lines.append(
        f"{passed} 项规则已通过" + ("。" if show_passed else "（加 --all 列出）。")
        if zh else
        f"{passed} rule finding(s) passed" + ("." if show_passed else " (--all lists them).")
    )  # fmt: skip
    others = sum(1 for f in result.findings if not f.passed and not f.blocks)
    blocking = result.blocking
    if blocking:
        ids = render(tuple(sorted({f.rule_id for f in blocking})), lang)
        lines.append(
            f"结论：{len(blocking)} 项错误阻止“{step}”（{ids}）。请按上述提示修改材料"
            "或记录所需声明后再检查。"
            if zh else
            f"Result: {len(blocking)} error finding(s) block “{step}” ({ids}). Fix "
            "them, or record the attestations they ask for, and check again."
        )  # fmt: skip
    else:
        lines.append(
            f"结论：没有阻止“{step}”的错误（警告或提示 {others} 项）。"
            if zh else
            f"Result: nothing blocks “{step}” ({others} warning(s) or tip(s))."
        )  # fmt: skip
    return "\n".join(lines)
