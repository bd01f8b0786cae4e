"""The ``permitflow`` command (also ``python -m permitflow``).

Sub-commands::

    permitflow check CASE.json [--at ISO-DATETIME] [--event EVENT] [--ruleset NAME]
                     [--format text|json]
    permitflow case new TYPE [--state STATE] [--at ISO-DATETIME]
    permitflow deadline --expiry DATE [--working-days N] [--submitted DATE] [--ruleset NAME]
    permitflow retirement --birth DATE --category CATEGORY [--on DATE]
    permitflow id NUMBER
    permitflow diagram TYPE [--format mermaid] [--review-levels N] [--ruleset NAME]
    permitflow rules [--format md|json] [--ruleset NAME] [--version VERSION]
    permitflow verify [--ruleset NAME] [--format text|json] [--max-configurations N]
    permitflow --version

Every sub-command takes ``--lang zh|en|both`` (default ``zh``): its answer and its errors are
written in that language only; ``both`` writes the Chinese text, then the English.

Exit status:

- 0: the answer is "yes" (nothing blocks, the identifier is valid), or the command printed what
  was asked (a deadline, a diagram, the catalogue, ``--help``, ``--version``);
- 1: the answer is "no" (an error finding blocks, the identifier is invalid);
- 2: the input cannot be used — an unreadable or invalid case file (with the ``$.path`` of the
  bad field), an unknown event, a date that is not a date, a missing or unknown argument — or
  the command failed in any other way: a one-line message, the traceback only with ``--debug``.

The case-file format is documented in ``docs/cases.md``; ``permitflow.cases`` reads and checks
it, and ``permitflow.rules.catalogue`` draws the catalogue.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, NoReturn

import attrs

from permitflow import __version__
from permitflow import _words as words
from permitflow._keys import Vocabulary
from permitflow.cases import (
    EXIT_BLOCKED,
    EXIT_INPUT,
    EXIT_OK,
    check_case,
    load_case,
    now,
    render_check,
)
from permitflow.deadlines import Deadline, latest_renewal_submission, review_due
from permitflow.engine.diagrams import diagram
from permitflow.errors import (
    CalendarEstimateWarning,
    InvalidIdentifier,
    Language,
    PermitflowError,
)
from permitflow.identifiers import (
    Sex,
    normalize_resident_id,
    parse_credit_code,
    parse_resident_id,
)
from permitflow.labels import label
from permitflow.records.application import BusinessType
from permitflow.retirement import RetirementCategory, statutory_retirement
from permitflow.rules.catalogue import rules_json, rules_markdown
from permitflow.rules.registry import DEFAULT, get_family
from permitflow.rules.rule import BEIJING, local_date
from permitflow.rules.ruleset import RENEWAL_DAYS_PARAMETER, REVIEW_DAYS_PARAMETER, RuleSet
from permitflow.samples import AT
from permitflow.templates import new_case
from permitflow.text import Quoted, render

__all__ = ["EXIT_BLOCKED", "EXIT_INPUT", "EXIT_OK", "build_parser", "main"]

CliLanguage = Literal["zh", "en", "both"]
"""The language of a command's answer and errors; ``both`` is Chinese, then English."""
LANGUAGES: tuple[CliLanguage, ...] = ("zh", "en", "both")


def _cmd_check(args: argparse.Namespace) -> int:
    case = load_case(args.case, at=args.at)
    if args.ruleset is not None:
        case = attrs.evolve(case, ruleset=args.ruleset)
    result = check_case(case, at=args.at, event=args.event)
    if args.format == "json":
        _print_json(result.to_dict(args.lang))
    else:
        print(render_check(result, args.lang, show_passed=args.all))
    return result.exit_code


def _cmd_case_new(args: argparse.Namespace) -> int:
    at = args.at if args.at is not None else AT
    # The case's name is the only words in it: in both languages it is named in Chinese.
    lang: Language = "zh" if args.lang == "both" else args.lang
    _print_json(new_case(args.type, state=args.state, at=at, lang=lang))
    return EXIT_OK


# --- deadline -----------------------------------------------------------------------------------


def _rule_parameter(ruleset: str, name: str, day: date) -> int:
    return int(get_family(ruleset).in_force_on(day).params_on(day)[name])


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
    today = local_date(now())
    before = args.working_days or _rule_parameter(args.ruleset, RENEWAL_DAYS_PARAMETER, today)
    cycle = _rule_parameter(args.ruleset, REVIEW_DAYS_PARAMETER, today)
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
    category = label(retirement.category, args.lang)
    if args.lang == "zh":
        print(f"退休人员类别：{category}")
        print(f"法定退休年龄：{retirement.age_zh}（延迟 {retirement.delay_months} 个月）")
        print(f"退休时间：{year}年{month}月（按日计：{retirement.retirement_date.isoformat()}）")
        if args.on is not None:
            print(f"{args.on.isoformat()}：{'已' if reached else '未'}达到法定退休年龄")
    else:
        print(f"Retirement category: {category}")
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
                resident = parse_resident_id(text, today=local_date(now()))
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
        sex = label(Sex(answer["sex"]), args.lang)
        place = f"{answer['province']}{answer['district'] or ''}"
        print(
            f"有效的公民身份号码：出生日期 {answer['birth_date']}，性别 {sex}，首次登记地 "
            f"{place}" if zh else
            f"Valid resident identity number: born {answer['birth_date']}, {sex.lower()}, "
            f"first registered in {render(Quoted(place), 'en')}"
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
        today = local_date(now())
        levels = get_family(args.ruleset).in_force_on(today).review_levels(today, args.type)
    print(diagram(args.type, args.format, review_levels=levels))
    return EXIT_OK


# --- rules --------------------------------------------------------------------------------------


def _ruleset(name: str, version: str | None) -> RuleSet:
    family = get_family(name)
    if version is not None:
        return family.version(version)
    today = local_date(now())
    return family.in_force_on(today)


def _cmd_rules(args: argparse.Namespace) -> int:
    ruleset = _ruleset(args.ruleset, args.version)
    if args.format == "json":
        _print_json(rules_json(ruleset))
    else:
        print(rules_markdown(ruleset), end="")
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    try:
        from permitflow.verify import explore
    except ImportError as error:  # the builders of permitflow.testing need hypothesis
        print(
            _say(args.lang, f"无法运行：缺少 {error.name}，请安装 permitflow[testing]。",
                 f"cannot run: {error.name} is missing; install permitflow[testing]."),
            file=sys.stderr,
        )  # fmt: skip
        return EXIT_INPUT
    from permitflow.engine.engine import Engine

    report = explore(Engine(args.ruleset), max_configurations=args.max_configurations)
    if args.format == "json":
        _print_json(report.to_dict())
    else:
        langs: tuple[Language, ...] = ("zh", "en") if args.lang == "both" else (args.lang,)
        print("\n\n".join(report.render(lang) for lang in langs))
    if not report.complete:
        return EXIT_INPUT
    return EXIT_OK if report.ok else EXIT_BLOCKED


# --- the parser ---------------------------------------------------------------------------------


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _say(lang: CliLanguage, zh: str, en: str) -> str:
    """A message in the language asked for; ``both`` is the Chinese line, then the English."""
    return {"zh": zh, "en": en}.get(lang, f"{zh}\n{en}")


_SEPARATOR = "\x1f"
"""Between the Chinese and the English reason of an argument error; the parser picks one."""


def _reason(zh: str, en: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f"{zh}{_SEPARATOR}{en}")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _reason(
            f"“{text}”不是日期，请写成 YYYY-MM-DD", f"{text!r} is not a date; write YYYY-MM-DD"
        ) from None


def _datetime(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _reason(
            f"“{text}”不是 ISO 8601 时间，请写成 2026-03-16T10:00+08:00",
            f"{text!r} is not an ISO 8601 date-time; write e.g. 2026-03-16T10:00+08:00",
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=BEIJING)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise _reason(f"“{text}”不是正整数", f"{text!r} is not a positive whole number")
    return value


_KINDS: dict[Vocabulary, tuple[str, str]] = {
    RetirementCategory: ("退休人员类别", "retirement category"),
    BusinessType: ("业务类型", "business type"),
}
"""What a labelled argument names, in both languages."""


def _choices(enum: Vocabulary, lang: CliLanguage) -> str:
    """The values of ``enum`` with their labels: 续签（renewal）、… / Renewal (renewal), …"""
    if lang == "both":
        return f"{_choices(enum, 'zh')}; {_choices(enum, 'en')}"
    return words.choices([member.value for member in enum], enum, lang)


def _labelled(enum: Vocabulary) -> Callable[[str], Any]:
    """A converter taking a member's code, as a person types it; a wrong code is refused with
    every choice in words."""
    zh, en = _KINDS[enum]

    def convert(text: str) -> Any:
        try:
            return enum(text)
        except ValueError:
            raise _reason(
                f"“{text}”不是{zh}，可选：{_choices(enum, 'zh')}",
                f"{text!r} is not a {en}; choose one of: {_choices(enum, 'en')}",
            ) from None

    convert.__name__ = enum.__name__
    return convert


def _labelled_help(enum: Vocabulary, lang: CliLanguage) -> str:
    """The kind of value, then one line per code a person may type, with its label."""
    zh, en = _KINDS[enum]
    lines = [_say(lang, f"{zh}，可选：", f"{en}, one of:").replace("\n", " / ")]
    for member in enum:
        zh_label, en_label = label(member, "zh"), label(member, "en")
        said = _say(lang, f"{member.value}：{zh_label}", f"{member.value}: {en_label}")
        lines.append(said.replace(f"\n{member.value}:", " /"))
    return "\n".join(lines)


# argparse's own messages in Chinese (its English is the original).
def _each_quoted(text: str) -> str:
    """argparse's ``'a', 'b'`` (or ``a, b``) as ``“a”、“b”``."""
    return "、".join(f"“{item.strip().strip(chr(39))}”" for item in text.split(","))


_ARGPARSE_ZH: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"the following arguments are required: (.*)"),
     lambda m: f"缺少必需的参数：{_each_quoted(m[1])}"),
    (re.compile(r"unrecognized arguments: (.*)"), lambda m: f"无法识别的参数：“{m[1]}”"),
    (re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"),
     lambda m: f"参数“{m[1]}”的取值{_each_quoted(m[2])}无效，可选：{_each_quoted(m[3])}"),
    (re.compile(r"argument (\S+): expected one argument"), lambda m: f"参数“{m[1]}”需要一个值"),
    (re.compile(r"argument (\S+): invalid (\S+) value: (.*)"),
     lambda m: f"参数“{m[1]}”的取值{_each_quoted(m[3])}无效"),
    (re.compile(r"ambiguous option: (\S+) could match (.*)"),
     lambda m: f"选项“{m[1]}”有歧义，可能是：{_each_quoted(m[2])}"),
)  # fmt: skip


def _argparse_zh(message: str) -> str:
    for pattern, say in _ARGPARSE_ZH:
        found = pattern.fullmatch(message)
        if found:
            return say(found)
    return message


class _Formatter(argparse.HelpFormatter):
    """Wraps descriptions to the terminal; keeps the lines of an example block as written."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        # A help listing its choices keeps one choice a line.
        wrap = super()._split_lines
        return [part for line in text.splitlines() for part in wrap(line, width)]

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(_EXAMPLES):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


_EXAMPLES = "examples:\n"


def _examples(*lines: str) -> str:
    return _EXAMPLES + "\n".join(f"  {line}" for line in lines)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors speak the ``--lang`` asked for and exit 2."""

    def __init__(self, *args: Any, lang: CliLanguage = "zh", **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)
        self.lang: CliLanguage = lang

    def error(self, message: str) -> NoReturn:
        zh_text, bilingual, en_text = message.partition(_SEPARATOR)
        if not bilingual:
            zh, en = _argparse_zh(message), message
        elif zh_text.startswith("argument "):  # a converter's reason inside argparse's frame
            name, _, zh_reason = zh_text.removeprefix("argument ").partition(": ")
            zh, en = f"参数“{name}”：{zh_reason}", f"argument {name}: {en_text}"
        else:
            zh, en = zh_text, en_text
        self.print_usage(sys.stderr)
        text = _say(self.lang, f"错误：{zh}", f"error: {en}")
        self.exit(EXIT_INPUT, f"{self.prog}: {text}\n")


def _requested_lang(argv: Sequence[str]) -> CliLanguage:
    """The ``--lang`` of a command line, read before parsing so that parse errors use it."""
    for index, arg in enumerate(argv):
        value = None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            return value
    return "zh"


def _add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=LANGUAGES, default="zh",
        help="language of the answer and of the errors: zh, en, or both (Chinese, then "
             "English); default: zh",
    )  # fmt: skip
    parser.add_argument(
        "--debug", action="store_true",
        help="on an unexpected failure, print the traceback instead of a one-line message",
    )  # fmt: skip


def _add_format(parser: argparse.ArgumentParser, choices: Iterable[str], default: str) -> None:
    parser.add_argument(
        "--format", choices=tuple(choices), default=default,
        help=f"output format (default: {default})",
    )  # fmt: skip


def build_parser(lang: CliLanguage = "zh") -> argparse.ArgumentParser:
    """The argument parser of the command line; its usage errors are written in ``lang``."""
    parser = _Parser(
        prog="permitflow",
        lang=lang,
        description=(
            "The procedures of the Beijing Work Residence Permit (北京市工作居住证): check a case "
            "against the rule set in force, compute deadlines and retirement dates, validate "
            "identifiers, draw the machines, list the rules."
        ),
        epilog=(
            "Exit status: 0 yes / nothing blocks (and --help, --version), 1 no / blocked or "
            "invalid, 2 unusable input (a bad file, argument or event). "
            "Run 'permitflow COMMAND --help' for a command's options and an example."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"permitflow {__version__}",
        help="print the version of permitflow and exit",
    )  # fmt: skip
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "check", help="evaluate a case file against the rules",
        description=(
            "Evaluate the rules guarding one event of a case file (a holder record and an "
            "application, see docs/cases.md). Exit 0 when nothing blocks, 1 when an error "
            "finding blocks, 2 when the file is unreadable or invalid."
        ),
        epilog=_examples(
            "permitflow check examples/cases/renewal-filed-late.json --lang en",
            "permitflow check examples/cases/renewal-after-expiry.json --format json",
        ),
        lang=lang,
    )  # fmt: skip
    check.add_argument("case", type=Path, help="the case file (JSON)")
    check.add_argument(
        "--at", type=_datetime,
        help="the moment to judge at, ISO 8601 (default: the case's 'at', else now; "
             "without an offset: Beijing time)",
    )  # fmt: skip
    check.add_argument("--event", help="the event to check (default: the case's, else the next)")
    check.add_argument("--all", action="store_true", help="list the rules that passed too")
    check.add_argument(
        "--ruleset",
        help="judge by this rule set, built in or installed, instead of the case file's",
    )  # fmt: skip
    _add_lang(check)
    _add_format(check, ("text", "json"), "text")
    check.set_defaults(run=_cmd_check, answers_in_lang=True)

    case = commands.add_parser(
        "case", help="write case files",
        description="Write case files: 'case new' prints a minimal valid case to edit.",
        epilog=_examples("permitflow case new renewal > mine.json"),
        lang=lang,
    )  # fmt: skip
    case_commands = case.add_subparsers(dest="case_command", required=True, metavar="ACTION")
    new = case_commands.add_parser(
        "new", help="print a minimal valid case of a business type",
        description=(
            "Print a minimal valid case file of a business type in a state (default: its "
            "draft). It states the moment, the form and the holder facts most often changed; "
            "everything else comes from the documented default record (docs/cases.md)."
        ),
        epilog=_examples(
            "permitflow case new renewal > mine.json",
            "permitflow case new new --state employer_review --at 2026-05-06T09:30",
        ),
        lang=lang,
    )  # fmt: skip
    new.add_argument(
        "type", type=_labelled(BusinessType), metavar="TYPE",
        help=_labelled_help(BusinessType, lang),
    )  # fmt: skip
    new.add_argument("--state", help="the state the application is in (default: the draft)")
    new.add_argument(
        "--at", type=_datetime,
        help=f"the case's moment, ISO 8601 (default: {AT.isoformat()}; without an offset: "
             "Beijing time)",
    )  # fmt: skip
    _add_lang(new)
    new.set_defaults(run=_cmd_case_new, answers_in_lang=False)

    deadline = commands.add_parser(
        "deadline", help="latest renewal submission date and review due date",
        description=(
            "The latest day to submit a renewal or employer change for a permit expiring on "
            "EXPIRY (the Nth working day before it, the expiry day not counted, and early "
            "enough that the N working days of review end by the expiry; official make-up "
            "working days included), the day its review is due, and whether the answer "
            "rests on an estimated holiday calendar."
        ),
        epilog=_examples(
            "permitflow deadline --expiry 2026-10-09 --lang en",
            "permitflow deadline --expiry 2026-10-09 --submitted 2026-09-01 --format json",
            "permitflow deadline --expiry 2026-10-09 --ruleset haidian",
        ),
        lang=lang,
    )  # fmt: skip
    deadline.add_argument("--expiry", type=_date, required=True, help="expiry date, YYYY-MM-DD")
    deadline.add_argument(
        "--working-days", type=_positive,
        help="working days before expiry (default: the rule set's, 20 in haidian)",
    )  # fmt: skip
    _add_ruleset(deadline)
    deadline.add_argument(
        "--submitted", type=_date,
        help="count the review from this submission day (default: the latest submission day)",
    )  # fmt: skip
    _add_lang(deadline)
    _add_format(deadline, ("text", "json"), "text")
    deadline.set_defaults(run=_cmd_deadline, answers_in_lang=True)

    retirement = commands.add_parser(
        "retirement", help="statutory retirement age and date (2025 reform)",
        description="The statutory retirement age, month and day after the 2025 reform.",
        epilog=_examples(
            "permitflow retirement --birth 1966-05-15 --category male --on 2026-06-01 --lang en",
        ),
        lang=lang,
    )  # fmt: skip
    retirement.add_argument("--birth", type=_date, required=True, help="birth date, YYYY-MM-DD")
    retirement.add_argument(
        "--category", required=True, type=_labelled(RetirementCategory), metavar="CATEGORY",
        help=_labelled_help(RetirementCategory, lang),
    )  # fmt: skip
    retirement.add_argument("--on", type=_date, help="also say whether it is reached on this day")
    _add_lang(retirement)
    _add_format(retirement, ("text", "json"), "text")
    retirement.set_defaults(run=_cmd_retirement, answers_in_lang=True)

    ident = commands.add_parser(
        "id", help="validate a resident id or a unified social credit code",
        description=(
            "Validate an 18-character resident identity number (GB 11643) or unified social "
            "credit code (GB 32100). Exit 1 with the reason when it is invalid."
        ),
        epilog=_examples(
            "permitflow id 42010619900515001X --lang en",
            "permitflow id 91110105MA02EFGH7Y --format json",
        ),
        lang=lang,
    )  # fmt: skip
    ident.add_argument("number", help="the number or code")
    _add_lang(ident)
    _add_format(ident, ("text", "json"), "text")
    ident.set_defaults(run=_cmd_id, answers_in_lang=True)

    draw = commands.add_parser(
        "diagram", help="the state diagram of a business type",
        description="The state diagram of a business type's machine, drawn from its definition.",
        epilog=_examples(
            "permitflow diagram renewal > renewal.mmd",
            "permitflow diagram new --review-levels 1",
        ),
        lang=lang,
    )  # fmt: skip
    draw.add_argument(
        "type", type=_labelled(BusinessType), metavar="TYPE",
        help=_labelled_help(BusinessType, lang),
    )  # fmt: skip
    _add_format(draw, ("mermaid",), "mermaid")
    draw.add_argument(
        "--review-levels", type=_positive,
        help="authority review levels (default: the type's in the rule set in force)",
    )  # fmt: skip
    _add_ruleset(draw)
    _add_lang(draw)
    draw.set_defaults(run=_cmd_diagram, answers_in_lang=False)

    rules = commands.add_parser(
        "rules", help="the rules catalogue, with citations",
        description="Every rule of a rule-set version: id, kind, severity, business types, "
                    "title and the sentence of the source it implements.",
        epilog=_examples(
            "permitflow rules --format json > rules.json",
            "permitflow rules --ruleset haidian --version 2021.11",
        ),
        lang=lang,
    )  # fmt: skip
    _add_format(rules, ("md", "json"), "md")
    _add_ruleset(rules)
    rules.add_argument("--version", help="rule-set version (default: the one in force today)")
    _add_lang(rules)
    rules.set_defaults(run=_cmd_rules, answers_in_lang=False)

    verify = commands.add_parser(
        "verify", help="explore every reachable configuration and check for dead ends",
        description=(
            "Explore, breadth first, every configuration a holder with no permit can reach "
            "(every event of every machine, by every actor, over the data choices the rules "
            "read) and check: no dead end, no ended permit valid again, nothing live past its "
            "expiry after a sweep, one open application, refusals that name possible actions. "
            "Exit 0 when nothing is violated, 1 when something is (with a shortest path), 2 "
            "when the search cannot run or stops at its bound."
        ),
    )  # fmt: skip
    _add_ruleset(verify)
    verify.add_argument(
        "--max-configurations", type=_positive, default=200_000,
        help="stop after this many configurations (default: 200000)",
    )  # fmt: skip
    _add_format(verify, ("text", "json"), "text")
    _add_lang(verify)
    verify.set_defaults(run=_cmd_verify, answers_in_lang=False)
    return parser


def _add_ruleset(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--ruleset", default=DEFAULT,
        help=f"rule-set name, built in or installed (default: {DEFAULT})",
    )  # fmt: skip


def _print_error(error: PermitflowError, lang: CliLanguage, json_output: bool) -> None:
    # The person reads the message; a program reads the code in the JSON output.
    print(_say(lang, f"错误：{error.message_zh}", f"error: {error.message_en}"), file=sys.stderr)
    if json_output:
        _print_json({"error": error.to_dict(None if lang == "both" else lang)})


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: the process's arguments).

    Returns the exit status: 0 yes, 1 no, 2 unusable input (see the module's documentation).
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_requested_lang(arguments))
    args = parser.parse_args(arguments)
    run: Callable[[argparse.Namespace], int] = args.run
    lang: CliLanguage = args.lang
    json_output = getattr(args, "format", None) == "json"
    if lang == "both" and json_output:
        parser.error(
            "--lang both 只用于文本输出，JSON 输出请选择 zh 或 en"
            f"{_SEPARATOR}--lang both goes with text output; choose zh or en for JSON"
        )
    try:
        if lang != "both" or not args.answers_in_lang:
            return run(args)
        # Both languages: the whole answer in Chinese, then in English.
        code = run(argparse.Namespace(**{**vars(args), "lang": "zh"}))
        print()
        return run(argparse.Namespace(**{**vars(args), "lang": "en"})) or code
    except PermitflowError as error:
        _print_error(error, lang, json_output)
        return EXIT_INPUT
    except BrokenPipeError:
        # The reader stopped reading (permitflow rules | head): nothing went wrong to tell of.
        # What is still buffered goes nowhere, so that closing stdout at exit fails no more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:  # anything else is no finding either: one line, exit 2
        if args.debug:
            raise
        _print_failure(error, lang)
        return EXIT_INPUT


def _print_failure(error: Exception, lang: CliLanguage) -> None:
    # Python's own wording of the failure is English: the Chinese line names its kind only.
    kind = type(error).__name__
    detail = " ".join(f"{kind}: {error}".split())[:300]
    print(
        _say(lang, f"错误：命令未能完成（内部错误“{kind}”）。加 --debug 可查看详细信息。",
             f"error: the command could not complete ({detail}). Add --debug for details."),
        file=sys.stderr,
    )  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
