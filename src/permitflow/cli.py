"""The ``permitflow`` command.

Sub-commands::

    permitflow check CASE.json [--at ISO-DATETIME] [--event EVENT] [--lang zh|en]
                               [--format text|json]
    permitflow deadline --expiry DATE [--working-days N] [--submitted DATE]
    permitflow retirement --birth DATE --category male|female_cadre|female_worker [--on DATE]
    permitflow id NUMBER
    permitflow diagram TYPE [--format mermaid] [--review-levels N]
    permitflow rules [--format md|json] [--ruleset NAME] [--version VERSION]

Exit status: 0 when the answer is "yes" (nothing blocks, the identifier is valid), 1 when it is
"no" (an error finding blocks, the identifier is invalid), 2 when the input cannot be used — an
unreadable or invalid case file (with the ``$.path`` of the bad field), an unknown event, a date
that is not a date. Errors print the message of the :class:`~permitflow.errors.PermitflowError`
in Chinese and English.

The case-file format is documented in ``docs/cases.md``; :func:`load_case` reads it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from attrs import frozen

from permitflow.deadlines import Deadline, latest_renewal_submission, review_due
from permitflow.engine.diagrams import diagram
from permitflow.engine.engine import Engine
from permitflow.engine.snapshot import SCHEMA_VERSION, from_dict
from permitflow.errors import (
    CalendarEstimateWarning,
    InvalidIdentifier,
    InvalidInput,
    InvalidSnapshot,
    Language,
    PermitflowError,
)
from permitflow.identifiers import (
    normalize_resident_id,
    parse_credit_code,
    parse_resident_id,
)
from permitflow.records.application import Application, BusinessType
from permitflow.records.holder import HolderRecord
from permitflow.retirement import RetirementCategory, statutory_retirement
from permitflow.rules.finding import Finding, Severity, Status
from permitflow.rules.registry import DEFAULT, get_family
from permitflow.rules.rule import BEIJING, local_date
from permitflow.rules.ruleset import RuleDescription, RuleSet

__all__ = [
    "EXIT_BLOCKED",
    "EXIT_INPUT",
    "EXIT_OK",
    "Case",
    "CheckResult",
    "check_case",
    "load_case",
    "main",
    "md_cell",
    "rules_json",
    "rules_markdown",
]

EXIT_OK = 0
EXIT_BLOCKED = 1
"""An error finding blocks the event, or an identifier is invalid."""
EXIT_INPUT = 2
"""The input cannot be used: unreadable or invalid file, unknown event, bad argument."""

CASE_KEYS = frozenset(
    {"name", "at", "ruleset", "holder", "application", "business_type", "form", "event",
     "expect"}
)  # fmt: skip
EXPECT_KEYS = frozenset({"exit", "blocking"})
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


def _invalid_case(source: str, problems: Sequence[str]) -> InvalidSnapshot:
    listing = "; ".join(problems)
    return InvalidSnapshot(
        f"案例文件 {source} 无法使用：{listing}。请按 docs/cases.md 的格式修正该字段。",
        f"The case file {source} cannot be used: {listing}. Fix the field as docs/cases.md "
        "describes.",
        file=source,
        errors=list(problems),
        path=problems[0].rpartition(" @ ")[2] if problems else "$",
    )


def _rebased(error: InvalidSnapshot, prefix: str, source: str) -> InvalidSnapshot:
    """The snapshot loader's ``@ $.x`` lines as paths inside the case file (``@ $.holder.x``)."""
    problems = [
        re.sub(r" @ \$(?=[.\[]|$)", f" @ {prefix}", line, count=1)
        for line in error.context.get("errors", ())
    ]
    return _invalid_case(source, problems or [f"{error.message_en} @ {prefix}"])


def _moment(text: object, where: str, source: str) -> datetime:
    """An ISO 8601 moment; one without a UTC offset is Beijing time."""
    if not isinstance(text, str):
        raise _invalid_case(source, [f"expected an ISO 8601 date-time string @ {where}"])
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _invalid_case(source, [f"{text!r} is not an ISO 8601 date-time @ {where}"]) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=BEIJING)


def _snapshot(data: object, where: str, source: str) -> HolderRecord | Application:
    if not isinstance(data, Mapping):
        raise _invalid_case(source, [f"expected an object written by permitflow.to_dict @ {where}"])
    try:
        return from_dict(data)
    except InvalidSnapshot as error:
        raise _rebased(error, where, source) from None


def _holder(data: object, source: str) -> HolderRecord:
    holder = _snapshot(data, "$.holder", source)
    if not isinstance(holder, HolderRecord):
        raise _invalid_case(source, ['expected kind "holder" @ $.holder.kind'])
    return holder


def _application(data: object, source: str) -> Application:
    application = _snapshot(data, "$.application", source)
    if not isinstance(application, Application):
        raise _invalid_case(source, ['expected kind "application" @ $.application.kind'])
    return application


def _new_application(
    body: Mapping[str, Any], holder: HolderRecord, engine: Engine, at: datetime, source: str
) -> Application:
    """The draft application a case describes by ``business_type`` and ``form``."""
    try:
        business_type = BusinessType(body["business_type"])
    except ValueError:
        known = ", ".join(t.value for t in BusinessType)
        raise _invalid_case(
            source, [f"unknown business type {body['business_type']!r} (known: {known}) @ "
                     "$.business_type"]
        ) from None  # fmt: skip
    form = None
    if "form" in body:
        # The form is read by the snapshot loader, inside a draft that only carries it, so that
        # a bad form field is reported with its path like any stored snapshot.
        vehicle = {
            "kind": "application",
            "schema_version": SCHEMA_VERSION,
            "id": CASE_APPLICATION_ID,
            "business_type": business_type.value,
            "holder_id": holder.holder_id,
            "employer_id": "",
            "state": engine.definition(business_type).initial,
            "form": body["form"],
            "created_at": at.isoformat(),
        }
        try:
            loaded = from_dict(vehicle)
        except InvalidSnapshot as error:
            raise _rebased(error, "$", source) from None
        assert isinstance(loaded, Application)  # the vehicle's kind is "application"
        form = loaded.form
    return engine.start(
        business_type, holder=holder, application_id=CASE_APPLICATION_ID, at=at, form=form
    )


def load_case(
    path: str | Path, *, engine: Engine | None = None, at: datetime | None = None
) -> Case:
    """Read and check a case file; raises :class:`InvalidSnapshot` naming the bad field's path.

    ``at`` overrides the moment written in the file. ``engine`` builds the draft application of a
    case given by business type and form (default: an engine on the case's rule set).
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            f"无法读取案例文件 {source}：{error}。请检查路径和编码（UTF-8）。",
            f"Cannot read the case file {source}: {error}. Check the path and that it is UTF-8.",
            field="path",
            file=source,
        ) from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as error:
        raise _invalid_case(
            source, [f"not JSON: {error.msg} at line {error.lineno} column {error.colno} @ $"]
        ) from None
    if not isinstance(body, dict):
        raise _invalid_case(source, ["expected a JSON object @ $"])
    problems = [f"unknown key {key!r} @ $.{key}" for key in sorted(set(body) - CASE_KEYS)]
    if "holder" not in body:
        problems.append("missing the holder record @ $.holder")
    if ("application" in body) == ("business_type" in body):
        problems.append("give either an application or a business_type (and form) @ $")
    if "form" in body and "application" in body:
        problems.append("a form goes with business_type, not with an application @ $.form")
    for key in ("name", "event", "ruleset"):
        if key in body and not isinstance(body[key], str):
            problems.append(f"expected a string @ $.{key}")
    expect = body.get("expect")
    if expect is not None and (
        not isinstance(expect, dict)
        or not set(expect) <= EXPECT_KEYS
        or expect.get("exit", EXIT_OK) not in (EXIT_OK, EXIT_BLOCKED)
        or not isinstance(expect.get("blocking", []), list)
    ):
        problems.append('expected {"exit": 0 or 1, "blocking": [rule ids]} @ $.expect')
    if problems:
        raise _invalid_case(source, problems)
    moment = at if at is not None else (
        _moment(body["at"], "$.at", source) if "at" in body else None
    )  # fmt: skip
    ruleset = body.get("ruleset", DEFAULT)
    holder = _holder(body["holder"], source)
    if "application" in body:
        application = _application(body["application"], source)
        if application.holder_id != holder.holder_id:
            raise _invalid_case(
                source, ["the application belongs to another holder @ $.application.holder_id"]
            )
    else:
        engine = engine if engine is not None else Engine(ruleset)
        application = _new_application(body, holder, engine, moment or _now(), source)
    return Case(
        name=body.get("name", Path(source).stem),
        holder=holder,
        application=application,
        event=body.get("event"),
        at=moment,
        ruleset=ruleset,
        expect=expect,
    )


def _now() -> datetime:
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


def first_event(engine: Engine, application: Application) -> str:
    """The event that takes the application's next step from its state.

    The filing event (the one that submits) when the state has one, else the first event the
    machine defines from that state: ``submit`` for a new draft, ``initiate`` for a renewal.
    """
    candidates = [
        t for t in engine.definition(application.business_type).transitions
        if application.state in t.sources
    ]  # fmt: skip
    for transition in candidates:
        if transition.submits:
            return transition.event
    if candidates:
        return candidates[0].event
    raise InvalidInput(
        f"状态 {application.state} 下没有可办理的事件，请在案例文件中写明 event。",
        f"No event leaves state {application.state!r}; name the event in the case file.",
        field="event",
        state=application.state,
    )


def check_case(case: Case, *, engine: Engine | None = None, at: datetime | None = None,
               event: str | None = None) -> CheckResult:  # fmt: skip
    """Evaluate the rules guarding the case's event; nothing is fired."""
    engine = engine if engine is not None else Engine(case.ruleset)
    moment = at or case.at or _now()
    name = event or case.event or first_event(engine, case.application)
    findings = engine.check(case.application, name, at=moment, holder=case.holder)
    ruleset = engine.ruleset_for(case.application, moment)
    return CheckResult(case, name, moment, ruleset.name, ruleset.version, findings)


_STATUS_LABEL = {
    Status.PASSED: ("通过", "passed"),
    Status.FAILED: ("未通过", "FAILED"),
    Status.NEEDS_ATTESTATION: ("待声明", "ATTEST"),
}
_SEVERITY_LABEL = {
    Severity.ERROR: ("错误", "error"),
    Severity.WARNING: ("警告", "warning"),
    Severity.TIP: ("提示", "tip"),
}


def _pick(pair: tuple[str, str], lang: Language) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - columns)


def render_check(result: CheckResult, lang: Language, *, show_passed: bool = False) -> str:
    app = result.case.application
    zh = lang == "zh"
    lines = [
        ("案例：" if zh else "Case: ") + result.case.name,
        (
            f"业务 {app.business_type.value} · 状态 {app.state} · 事件 {result.event} · "
            f"时间 {result.at.isoformat()} · 规则集 {result.ruleset_name} {result.ruleset_version}"
            if zh else
            f"business type {app.business_type.value} · state {app.state} · event "
            f"{result.event} · at {result.at.isoformat()} · rule set {result.ruleset_name} "
            f"{result.ruleset_version}"
        ),
        "",
    ]  # fmt: skip
    # What needs doing comes first; passes follow as the rest of the checklist.
    ordered = sorted(result.findings, key=lambda f: (f.passed, not f.blocks))
    shown = [f for f in ordered if show_passed or not f.passed]
    for finding in shown:
        status = _pick(_STATUS_LABEL[finding.status], lang)
        severity = _pick(_SEVERITY_LABEL[finding.severity], lang)
        head = _pad(status, 8) + _pad(severity, 8) + _pad(finding.rule_id, 10)
        lines.append(head + (finding.field or "-"))
        lines.append(f"        {finding.message(lang)}")
        quote = f" {finding.citation.quote}" if finding.citation.quote else ""
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
        ids = ", ".join(sorted({f.rule_id for f in blocking}))
        lines.append(
            f"结论：{len(blocking)} 项错误阻止 {result.event}（{ids}）。请按上述提示修改材料"
            "或记录所需声明后再检查。"
            if zh else
            f"Result: {len(blocking)} error finding(s) block {result.event!r} ({ids}). Fix "
            "them, or record the attestations they ask for, and check again."
        )  # fmt: skip
    else:
        lines.append(
            f"结论：没有阻止 {result.event} 的错误（警告或提示 {others} 项）。"
            if zh else
            f"Result: nothing blocks {result.event!r} ({others} warning(s) or tip(s))."
        )  # fmt: skip
    return "\n".join(lines)


def _cmd_check(args: argparse.Namespace) -> int:
    case = load_case(args.case, at=args.at)
    result = check_case(case, at=args.at, event=args.event)
    if args.format == "json":
        _print_json(result.to_dict(args.lang))
    else:
        print(render_check(result, args.lang, show_passed=args.all))
    return result.exit_code


# --- deadline -----------------------------------------------------------------------------------


def _rule_parameter(name: str, day: date) -> int:
    return int(get_family(DEFAULT).in_force_on(day).params_on(day)[name])


def _deadline_dict(deadline: Deadline, lang: Language) -> dict[str, Any]:
    return {
        "date": deadline.date.isoformat(),
        "reference": deadline.reference.isoformat(),
        "working_days": deadline.working_days,
        "estimated": deadline.estimated,
        "estimated_years": list(deadline.estimated_years),
        "basis": deadline.basis(lang),
    }


def _cmd_deadline(args: argparse.Namespace) -> int:
    today = local_date(_now())
    before = args.working_days or _rule_parameter("renewal.working_days_before_expiry", today)
    cycle = _rule_parameter("review.cycle_working_days", today)
    # The estimate is part of the answer (``Deadline.estimated`` and its basis text say so),
    # so the warning would only repeat it on stderr.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarEstimateWarning)
        latest = latest_renewal_submission(args.expiry, working_days=before)
        due = review_due(args.submitted or latest.date, working_days=cycle)
    estimated = latest.estimated or due.estimated
    if args.format == "json":
        _print_json({
            "expiry": args.expiry.isoformat(),
            "latest_submission": _deadline_dict(latest, args.lang),
            "review_due": _deadline_dict(due, args.lang),
            "estimated": estimated,
        })  # fmt: skip
        return EXIT_OK
    zh = args.lang == "zh"
    submitted = args.submitted or latest.date
    print(("最晚提交日：" if zh else "Latest submission: ") + latest.date.isoformat())
    print("  " + latest.basis(args.lang))
    print(
        (f"{submitted.isoformat()} 提交时审核期满：" if zh
         else f"Review due if submitted on {submitted.isoformat()}: ") + due.date.isoformat()
    )  # fmt: skip
    print("  " + due.basis(args.lang))
    if estimated:
        print(
            "推定：是——涉及的年份尚无官方放假安排，请在国务院通知发布后复核。" if zh else
            "Estimated: yes — a year involved has no official holiday arrangement yet; recheck "
            "once the State Council notice is published."
        )  # fmt: skip
    else:
        print("推定：否（依据已公布的放假安排）" if zh else
              "Estimated: no (official holiday arrangements)")  # fmt: skip
    return EXIT_OK


# --- retirement ---------------------------------------------------------------------------------


def _cmd_retirement(args: argparse.Namespace) -> int:
    retirement = statutory_retirement(args.birth, args.category)
    year, month = retirement.retirement_month
    reached = None if args.on is None else args.on >= retirement.retirement_date
    if args.format == "json":
        _print_json({
            "birth_date": retirement.birth_date.isoformat(),
            "category": retirement.category.value,
            "age_months": retirement.age_months,
            "age": retirement.age_zh if args.lang == "zh" else retirement.age_en,
            "delay_months": retirement.delay_months,
            "retirement_month": f"{year:04d}-{month:02d}",
            "retirement_date": retirement.retirement_date.isoformat(),
            **({} if args.on is None else {"on": args.on.isoformat(), "reached": reached}),
        })  # fmt: skip
        return EXIT_OK
    if args.lang == "zh":
        print(f"法定退休年龄：{retirement.age_zh}（延迟 {retirement.delay_months} 个月）")
        print(f"退休时间：{year}年{month}月（按日计：{retirement.retirement_date.isoformat()}）")
        if args.on is not None:
            print(f"{args.on.isoformat()}：{'已' if reached else '未'}达到法定退休年龄")
    else:
        print(
            f"Statutory retirement age: {retirement.age_en} "
            f"(delayed by {retirement.delay_months} months)"
        )
        print(
            f"Retires in {year:04d}-{month:02d} "
            f"(day-level date: {retirement.retirement_date.isoformat()})"
        )
        if args.on is not None:
            print(
                f"On {args.on.isoformat()}: "
                f"{'has reached' if reached else 'has not reached'} the statutory age"
            )
    return EXIT_OK


# --- identifiers --------------------------------------------------------------------------------

_RESIDENT_ID_SHAPE = re.compile(r"\d{15}|\d{17}[\dX]")


def _cmd_id(args: argparse.Namespace) -> int:
    text = normalize_resident_id(args.number)
    looks_like_id = _RESIDENT_ID_SHAPE.fullmatch(text) is not None
    zh = args.lang == "zh"
    answer: dict[str, Any]
    try:
        if looks_like_id:
            try:
                resident = parse_resident_id(text)
            except InvalidIdentifier:
                # Eighteen digits can also be a credit code; an invalid id that is a valid
                # code is a code, otherwise the resident-id reason is the helpful one.
                code = _credit_code_or_none(text)
                if code is None:
                    raise
                answer = code
            else:
                answer = {
                    "kind": "resident_id",
                    "number": resident.number,
                    "birth_date": resident.birth_date.isoformat(),
                    "sex": resident.sex.value,
                    "province": resident.province_name,
                    "district": resident.district_name,
                }
        else:
            answer = _credit_code(parse_credit_code(text))
    except InvalidIdentifier as error:
        if args.format == "json":
            _print_json({"valid": False, "error": error.to_dict(args.lang)})
        else:
            print(("无效：" if zh else "Invalid: ") + error.message(args.lang))
        return EXIT_BLOCKED
    if args.format == "json":
        _print_json({"valid": True, **answer})
        return EXIT_OK
    if answer["kind"] == "resident_id":
        print(
            f"有效的公民身份号码：出生日期 {answer['birth_date']}，性别 "
            f"{'男' if answer['sex'] == 'male' else '女'}，首次登记地 {answer['province']}"
            f"{answer['district'] or ''}" if zh else
            f"Valid resident identity number: born {answer['birth_date']}, {answer['sex']}, "
            f"first registered in {answer['province']} {answer['district'] or ''}".rstrip()
        )  # fmt: skip
    else:
        org = answer["organization_code_valid"]
        print(
            f"有效的统一社会信用代码：登记管理部门 {answer['registration_authority']}，机构类别 "
            f"{answer['entity_category']}，登记地代码 {answer['division_code']}"
            + ("" if org else "；其中组织机构代码校验不符（ID-004，仅提示）") if zh else
            f"Valid unified social credit code: registration authority "
            f"{answer['registration_authority']}, category {answer['entity_category']}, "
            f"division {answer['division_code']}"
            + ("" if org else "; its organisation code fails its check (ID-004, a warning)")
        )  # fmt: skip
    return EXIT_OK


def _credit_code(code: Any) -> dict[str, Any]:
    return {
        "kind": "credit_code",
        "code": code.code,
        "registration_authority": code.registration_authority,
        "entity_category": code.entity_category,
        "division_code": code.division_code,
        "in_beijing": code.in_beijing,
        "organization_code_valid": code.organization_code_valid,
    }


def _credit_code_or_none(text: str) -> dict[str, Any] | None:
    try:
        return _credit_code(parse_credit_code(text))
    except InvalidIdentifier:
        return None


# --- diagram ------------------------------------------------------------------------------------


def _cmd_diagram(args: argparse.Namespace) -> int:
    levels = args.review_levels
    if levels is None:
        today = local_date(_now())
        levels = get_family(DEFAULT).in_force_on(today).review_levels(today)
    print(diagram(args.type, args.format, review_levels=levels))
    return EXIT_OK


# --- rules --------------------------------------------------------------------------------------

GROUP_TITLES: Mapping[str, tuple[str, str]] = {
    "acc": ("账户", "Account"),
    "bi": ("个人基础信息", "Basic information"),
    "edu": ("教育信息", "Education"),
    "his": ("学习与工作经历", "Study and work history"),
    "att": ("附件", "Attachments"),
    "doc": ("材料日期", "Document dates"),
    "huk": ("户口", "Hukou"),
    "emp": ("聘用单位", "Employment"),
    "res": ("在京住所", "Residence"),
    "new": ("新办", "New application"),
    "ren": ("续签", "Renewal"),
    "chg": ("聘用单位变更", "Employer change"),
    "bch": ("证件基础信息变更", "Basic-information change"),
    "chd": ("随往子女", "Accompanying children"),
    "mar": ("婚姻证明材料", "Marriage materials"),
    "can": ("注销", "Cancellation"),
    "rev": ("审核与退回", "Review and returns"),
    "cal": ("工作日", "Working days"),
    "id": ("证件号码", "Identifiers"),
    "pol": ("政策条件（未经手册确认）", "Policy conditions (not confirmed by the manual)"),
    "flow": ("业务之间的约束", "Constraints across the procedure"),
}
"""Headings of the rule groups (the catalogue's id prefixes)."""


def _ruleset(name: str, version: str | None) -> RuleSet:
    family = get_family(name)
    if version is not None:
        return family.version(version)
    today = local_date(_now())
    return family.in_force_on(today)


def rule_dict(rule: RuleDescription) -> dict[str, Any]:
    return {
        "id": rule.id,
        "group": rule.group,
        "kind": rule.kind.value,
        "severity": rule.severity.value,
        "default_severity": rule.default_severity.value,
        "enabled": rule.enabled,
        "business_types": [t.value for t in rule.business_types],
        "events": list(rule.events) if rule.events is not None else None,
        "title": {"zh": rule.title_zh, "en": rule.title_en},
        "message": {"zh": rule.message_zh, "en": rule.message_en},
        "citation": {
            "source": rule.citation.source,
            "section": rule.citation.section,
            "quote": rule.citation.quote,
        },
        "enforced_by": (
            None if rule.enforced_by is None
            else {"zh": rule.enforced_by.zh, "en": rule.enforced_by.en}
        ),
    }  # fmt: skip


def rules_json(ruleset: RuleSet) -> dict[str, Any]:
    return {
        "ruleset": ruleset.name,
        "version": ruleset.version,
        "effective_from": ruleset.effective_from.isoformat(),
        "effective_until": (
            ruleset.effective_until.isoformat() if ruleset.effective_until else None
        ),
        "rules": [rule_dict(rule) for rule in ruleset.describe()],
    }


def md_cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown(ruleset: RuleSet) -> str:
    """The rules catalogue of one rule-set version as Markdown, grouped by catalogue prefix."""
    rules = ruleset.describe()
    until = ruleset.effective_until.isoformat() if ruleset.effective_until else "…"
    lines = [
        f"# Rules catalogue: {ruleset.name} {ruleset.version}",
        "",
        f"In force from {ruleset.effective_from.isoformat()} to {until}; {len(rules)} rules. "
        "Each rule has a stable id, a kind (machine, hybrid, attestation, process), a severity "
        "(`error` blocks the event it guards; `warning` and `tip` never block) and the sentence "
        "of the source it implements. Drawn from the code by `permitflow rules --format md`.",
        "",
    ]
    by_group: dict[str, list[RuleDescription]] = {}
    for rule in rules:
        by_group.setdefault(rule.group, []).append(rule)
    for group in sorted(by_group, key=lambda g: list(GROUP_TITLES).index(g)
                        if g in GROUP_TITLES else len(GROUP_TITLES)):  # fmt: skip
        zh, en = GROUP_TITLES.get(group, (group, group))
        lines += [
            f"## {group.upper()}: {en} ({zh}) {{#{group}}}",
            "",
            "| id | rule | kind | severity | business types | source |",
            "|---|---|---|---|---|---|",
        ]
        for rule in by_group[group]:
            severity = rule.severity.value
            if not rule.enabled:
                severity = f"{severity} (disabled)"
            elif rule.severity is not rule.default_severity:
                severity = f"{severity} (default {rule.default_severity.value})"
            events = f"<br>events: {', '.join(rule.events)}" if rule.events else ""
            enforced = (
                f"<br>enforced by the machines: {rule.enforced_by.en}" if rule.enforced_by else ""
            )
            quote = f"<br>「{rule.citation.quote}」" if rule.citation.quote else ""
            lines.append(
                "| " + " | ".join(md_cell(cell) for cell in (
                    rule.id,
                    f"{rule.title_zh}<br>{rule.title_en}{enforced}",
                    rule.kind.value,
                    severity,
                    ", ".join(t.value for t in rule.business_types) + events,
                    f"{rule.citation.section}{quote}",
                )) + " |"
            )  # fmt: skip
        lines.append("")
    return "\n".join(lines)


def _cmd_rules(args: argparse.Namespace) -> int:
    ruleset = _ruleset(args.ruleset, args.version)
    if args.format == "json":
        _print_json(rules_json(ruleset))
    else:
        print(rules_markdown(ruleset), end="")
    return EXIT_OK


# --- the parser ---------------------------------------------------------------------------------


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}”不是日期，请写成 YYYY-MM-DD / {text!r} is not a date; write YYYY-MM-DD"
        ) from None


def _datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}”不是 ISO 8601 时间，请写成 2026-03-16T10:00+08:00 / {text!r} is not an "
            "ISO 8601 date-time; write e.g. 2026-03-16T10:00+08:00"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=BEIJING)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            f"“{text}”不是正整数 / {text!r} is not a positive whole number"
        )
    return value


def _add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("zh", "en"), default="zh",
        help="language of the messages (default: zh)",
    )  # fmt: skip


def _add_format(parser: argparse.ArgumentParser, choices: Iterable[str], default: str) -> None:
    parser.add_argument(
        "--format", choices=tuple(choices), default=default,
        help=f"output format (default: {default})",
    )  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="permitflow",
        description=(
            "The procedures of the Beijing Work Residence Permit (北京市工作居住证): check a case "
            "against the rule set in force, compute deadlines and retirement dates, validate "
            "identifiers, draw the machines, list the rules."
        ),
        epilog="Exit status: 0 yes / nothing blocks, 1 no / blocked or invalid, 2 unusable input.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", help="evaluate a case file against the rules",
        description=(
            "Evaluate the rules guarding one event of a case file (a holder record and an "
            "application, see docs/cases.md). Exit 0 when nothing blocks, 1 when an error "
            "finding blocks, 2 when the file is unreadable or invalid."
        ),
    )  # fmt: skip
    check.add_argument("case", type=Path, help="the case file (JSON)")
    check.add_argument(
        "--at", type=_datetime,
        help="the moment to judge at, ISO 8601 (default: the case's 'at', else now; "
             "without an offset: Beijing time)",
    )  # fmt: skip
    check.add_argument("--event", help="the event to check (default: the case's, else the next)")
    check.add_argument("--all", action="store_true", help="list the rules that passed too")
    _add_lang(check)
    _add_format(check, ("text", "json"), "text")
    check.set_defaults(run=_cmd_check)

    deadline = commands.add_parser(
        "deadline", help="latest renewal submission date and review due date",
        description=(
            "The latest day to submit a renewal or employer change for a permit expiring on "
            "EXPIRY (the Nth working day before it, the expiry day not counted, official "
            "make-up working days included), the day its review is due, and whether the answer "
            "rests on an estimated holiday calendar."
        ),
    )  # fmt: skip
    deadline.add_argument("--expiry", type=_date, required=True, help="expiry date, YYYY-MM-DD")
    deadline.add_argument(
        "--working-days", type=_positive,
        help="working days before expiry (default: the rule set in force, 20)",
    )  # fmt: skip
    deadline.add_argument(
        "--submitted", type=_date,
        help="count the review from this submission day (default: the latest submission day)",
    )  # fmt: skip
    _add_lang(deadline)
    _add_format(deadline, ("text", "json"), "text")
    deadline.set_defaults(run=_cmd_deadline)

    retirement = commands.add_parser(
        "retirement", help="statutory retirement age and date (2025 reform)",
        description="The statutory retirement age, month and day after the 2025 reform.",
    )  # fmt: skip
    retirement.add_argument("--birth", type=_date, required=True, help="birth date, YYYY-MM-DD")
    retirement.add_argument(
        "--category", required=True, choices=[c.value for c in RetirementCategory],
        help="male; female_cadre (formerly retiring at 55); female_worker (formerly at 50)",
    )  # fmt: skip
    retirement.add_argument("--on", type=_date, help="also say whether it is reached on this day")
    _add_lang(retirement)
    _add_format(retirement, ("text", "json"), "text")
    retirement.set_defaults(run=_cmd_retirement)

    ident = commands.add_parser(
        "id", help="validate a resident id or a unified social credit code",
        description=(
            "Validate an 18-character resident identity number (GB 11643) or unified social "
            "credit code (GB 32100). Exit 1 with the reason when it is invalid."
        ),
    )  # fmt: skip
    ident.add_argument("number", help="the number or code")
    _add_lang(ident)
    _add_format(ident, ("text", "json"), "text")
    ident.set_defaults(run=_cmd_id)

    draw = commands.add_parser(
        "diagram", help="the state diagram of a business type",
        description="The state diagram of a business type's machine, drawn from its definition.",
    )  # fmt: skip
    draw.add_argument("type", choices=[t.value for t in BusinessType], help="business type")
    _add_format(draw, ("mermaid",), "mermaid")
    draw.add_argument(
        "--review-levels", type=_positive,
        help="authority review levels (default: the rule set in force)",
    )  # fmt: skip
    draw.set_defaults(run=_cmd_diagram)

    rules = commands.add_parser(
        "rules", help="the rules catalogue, with citations",
        description="Every rule of a rule-set version: id, kind, severity, business types, "
                    "title and the sentence of the source it implements.",
    )  # fmt: skip
    _add_format(rules, ("md", "json"), "md")
    rules.add_argument("--ruleset", default=DEFAULT, help=f"rule-set name (default: {DEFAULT})")
    rules.add_argument("--version", help="rule-set version (default: the one in force today)")
    rules.set_defaults(run=_cmd_rules)
    return parser


def _print_error(error: PermitflowError, args: argparse.Namespace | None) -> None:
    print(f"错误 [{error.code}]：{error.message_zh}", file=sys.stderr)
    print(f"error [{error.code}]: {error.message_en}", file=sys.stderr)
    if args is not None and getattr(args, "format", None) == "json":
        _print_json({"error": error.to_dict()})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except PermitflowError as error:
        _print_error(error, args)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
