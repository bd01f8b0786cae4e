"""The ``permitflow`` command line, driven through ``main(argv)`` as the console script runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import permitflow
from permitflow.cli import EXIT_BLOCKED, EXIT_INPUT, EXIT_OK, main
from permitflow.testing import wording_problems
from spoken import code_names

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "examples" / "cases"
READY = CASES / "new-application-ready.json"
COLLECTIVE = CASES / "new-application-collective-hukou.json"
LATE_RENEWAL = CASES / "renewal-filed-late.json"
EXPIRED_RENEWAL = CASES / "renewal-after-expiry.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main([str(arg) for arg in argv])
    except SystemExit as exited:  # argparse's own errors and --help
        code = int(exited.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def case_file(tmp_path: Path, body: Any) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def ready_case() -> dict[str, Any]:
    body: dict[str, Any] = json.loads(READY.read_text(encoding="utf-8"))
    return body


# --- check --------------------------------------------------------------------------------------


def test_a_complete_new_application_checks_clean_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "check", READY, "--lang", "en")
    assert code == EXIT_OK
    assert "Business: New application · state: Draft · step: Submit" in out
    assert "Result: nothing blocks “Submit”" in out


def test_a_blocking_finding_exits_1_and_names_rule_message_and_citation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "check", COLLECTIVE)
    assert code == EXIT_BLOCKED
    assert "未通过（错误）：申请人为北京市集体户口" in out
    assert "无法办理（HUK-001）。\n" in out
    assert "[M§2 注意事项 2] 「申请人为北京市集体户口、学校临时户口的，不在受理范围之内」" in out
    assert "结论：" in out


def test_json_output_lists_every_finding_in_the_requested_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "check", COLLECTIVE, "--format", "json", "--lang", "en")
    data = json.loads(out)
    assert code == EXIT_BLOCKED
    assert data["blocked"] is True
    assert "HUK-001" in data["blocking"]
    assert data["ruleset"]["name"] == "haidian"
    huk = next(f for f in data["findings"] if f["rule_id"] == "HUK-001")
    assert huk["status"] == "failed"
    assert huk["severity"] == "error"
    assert huk["citation"]["section"].startswith("M§2")
    assert huk["message"].startswith("The applicant")
    assert any(f["status"] == "passed" for f in data["findings"])


def test_all_lists_the_passed_rules_as_well(capsys: pytest.CaptureFixture[str]) -> None:
    _, short, _ = run(capsys, "check", READY, "--lang", "en")
    _, full, _ = run(capsys, "check", READY, "--lang", "en", "--all")
    assert "BI-001" not in short
    assert "BI-001" in full


def test_a_case_given_as_an_application_snapshot_checks_its_event(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "check", LATE_RENEWAL, "--format", "json")
    data = json.loads(out)
    assert code == EXIT_OK
    assert (data["state"], data["event"]) == ("ready", "initiate")
    late = next(f for f in data["findings"] if f["rule_id"] == "REN-005")
    assert (late["severity"], late["status"]) == ("warning", "failed")
    code, out, _ = run(capsys, "check", LATE_RENEWAL, "--lang", "en")
    late_line = r"Failed \(Warning\): The permit is valid until 2026-04-03.*\(REN-005\)\."
    assert re.search(late_line, out)
    assert re.search(r"Failed \(Warning\): .*\(POL-007\)\.", out), "the dates do not span 3 years"
    assert "(2 warning(s) or tip(s))" in out


def test_the_default_event_is_the_next_step_of_the_application(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "check", EXPIRED_RENEWAL, "--format", "json")
    data = json.loads(out)
    assert code == EXIT_BLOCKED
    assert (data["state"], data["event"], data["blocking"]) == ("draft", "prepare", ["REN-006"])


def test_at_moves_the_moment_of_judgement(capsys: pytest.CaptureFixture[str]) -> None:
    # Three months later the dated materials of the same record are no longer recent (DOC-002).
    code, out, _ = run(capsys, "check", READY, "--at", "2026-06-16T10:00", "--format", "json")
    data = json.loads(out)
    assert code == EXIT_BLOCKED
    assert data["at"] == "2026-06-16T10:00:00+08:00"
    assert "DOC-002" in data["blocking"]


def test_an_unknown_event_is_unusable_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", READY, "--event", "fly")
    assert code == EXIT_INPUT
    assert err.startswith("错误：“新办”申请没有“fly”这一事项；现在可以办理：")
    assert "error:" not in err
    code, out, _ = run(capsys, "check", READY, "--event", "fly", "--format", "json")
    assert json.loads(out)["error"]["code"] == "unknown_event"


@pytest.mark.parametrize(
    ("lang", "chinese", "english"), [("zh", True, False), ("en", False, True), ("both", True, True)]
)
def test_errors_are_written_in_the_language_asked_for(
    capsys: pytest.CaptureFixture[str], lang: str, chinese: bool, english: bool
) -> None:
    code, _, err = run(capsys, "check", READY, "--event", "fly", "--lang", lang)
    assert code == EXIT_INPUT
    assert ("错误：" in err) is chinese
    assert ("error:" in err) is english


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "argv",
    [
        ["check", str(READY), "--event", "fly"],
        ["check", "missing.json"],
        ["check", "{broken}"],
        ["check", str(READY), "--at", "yesterday"],
        ["rules", "--ruleset", "nope"],
        ["retirement", "--birth", "1966-05-15"],
        ["deadline", "--expiry", "2200-01-01"],
    ],
    ids=["unknown event", "missing file", "not JSON", "bad moment", "unknown rule set",
         "missing argument", "outside the calendar"],
)  # fmt: skip
def test_an_error_speaks_the_language_asked_for_only(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], lang: str
) -> None:
    if "{broken}" in argv:
        broken = tmp_path / "broken.json"
        broken.write_text('{"holder": ', encoding="utf-8")
        argv = [str(broken) if arg == "{broken}" else arg for arg in argv]
    code, _, err = run(capsys, *argv, "--lang", lang)
    assert code == EXIT_INPUT
    message = [line for line in err.splitlines() if line and not line.startswith(" ")][-1]
    if message.startswith("usage:"):  # an argument error: argparse's usage line, then ours
        message = err.splitlines()[-1]
    assert wording_problems(message.partition(": ")[2], lang) == []  # type: ignore[arg-type]
    assert message.startswith(("permitflow", "错误：" if lang == "zh" else "error:"))


def test_both_languages_write_the_answer_in_chinese_then_english(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "check", COLLECTIVE, "--lang", "both")
    assert code == EXIT_BLOCKED
    assert 0 <= out.index("结论：") < out.index("Result:")


def test_both_languages_are_refused_for_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", str(READY), "--lang", "both", "--format", "json"])
    assert exit_info.value.code == EXIT_INPUT
    assert "choose zh or en" in capsys.readouterr().err


def test_a_wrong_check_digit_fails_the_applicants_step_of_a_renewal(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # ID-001 judges every step the applicant takes, not only the employer's initiate.
    body = json.loads(LATE_RENEWAL.read_text("utf-8"))
    holder_id = body["holder"]["holder_id"]
    draft = {"holder": body["holder"], "business_type": "renewal", "at": body["at"]}
    good = case_file(tmp_path, draft)
    code, out, _ = run(capsys, "check", good, "--format", "json")
    assert json.loads(out)["event"] == "prepare"
    assert "ID-001" not in json.loads(out)["blocking"]
    wrong = json.dumps(draft, ensure_ascii=False).replace(holder_id, holder_id[:-1] + "0")
    (tmp_path / "case.json").write_text(wrong, encoding="utf-8")
    code, out, _ = run(capsys, "check", good, "--format", "json")
    assert code == EXIT_BLOCKED
    assert "ID-001" in json.loads(out)["blocking"]


def test_a_bad_holder_field_is_reported_with_its_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    body = ready_case()
    body["holder"]["profile"]["general"]["phone"] = 13800138000
    code, out, err = run(capsys, "check", case_file(tmp_path, body), "--format", "json")
    assert code == EXIT_INPUT
    assert "手机号码（$.holder.profile.general.phone）应为文字，现为“13800138000”" in err
    assert json.loads(out)["error"]["context"]["path"] == "$.holder.profile.general.phone"


def test_a_bad_form_field_is_reported_with_its_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    body = ready_case()
    body["form"] = {"permit_type": "domestic", "children": "none"}
    code, _, err = run(capsys, "check", case_file(tmp_path, body))
    assert code == EXIT_INPUT
    assert "随往子女（$.form.children）应为列表（[…]），现为“none”" in err


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"colour": "blue"}, "$.colour"),
        ({"application": {}}, "$"),
        ({"event": 3}, "$.event"),
        ({"expect": {"exit": 5}}, "$.expect.exit"),
        ({"at": "yesterday"}, "$.at"),
        ({"business_type": "visa"}, "$.business_type"),
    ],
)
def test_a_malformed_case_is_refused_with_the_path_of_the_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: dict[str, Any], path: str
) -> None:
    case = case_file(tmp_path, {**ready_case(), **change})
    code, out, _ = run(capsys, "check", case, "--format", "json")
    assert code == EXIT_INPUT
    assert path in [problem["path"] for problem in json.loads(out)["error"]["context"]["problems"]]


def test_an_application_of_another_holder_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    body = json.loads(LATE_RENEWAL.read_text(encoding="utf-8"))
    body["application"]["holder_id"] = "11010519491231002X"
    code, _, err = run(capsys, "check", case_file(tmp_path, body))
    assert code == EXIT_INPUT
    # The loader sees it first: the history's applicant is not the application's holder.
    assert "办理人（$.application.history[0].actor）办理的不是本人或本单位的业务" in err


def test_unreadable_and_non_json_files_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "check", tmp_path / "missing.json")
    assert code == EXIT_INPUT
    assert "missing.json" in err
    assert "文件不存在" in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"holder": ', encoding="utf-8")
    code, _, err = run(capsys, "check", broken)
    assert code == EXIT_INPUT
    assert "文件不是有效的 JSON：第1行第12列缺少值" in err
    code, _, err = run(capsys, "check", broken, "--lang", "en")
    assert "the file is not JSON: line 1, column 12: a value is missing" in err


# --- deadline, retirement, id -------------------------------------------------------------------


def test_deadline_counts_official_make_up_days(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "deadline", "--expiry", "2025-10-31", "--lang", "en")
    assert code == EXIT_OK
    assert "Latest submission: 2025-09-28" in out
    assert "official make-up working day" in out
    assert "Estimated: no" in out


def test_deadline_says_when_it_rests_on_an_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    # No CalendarEstimateWarning escapes (pytest turns warnings into errors): the answer says it.
    code, out, _ = run(capsys, "deadline", "--expiry", "2027-10-31", "--format", "json")
    data = json.loads(out)
    assert code == EXIT_OK
    assert data["latest_submission"]["date"] == "2027-09-28"
    assert data["estimated"] is True
    assert data["latest_submission"]["estimated_years"] == [2027]


def test_deadline_review_due_from_a_given_submission(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "deadline", "--expiry", "2026-12-31", "--submitted", "2026-09-01",
        "--working-days", "25", "--format", "json",
    )  # fmt: skip
    data = json.loads(out)
    assert code == EXIT_OK
    assert data["latest_submission"]["working_days"] == 25
    assert data["review_due"]["reference"] == "2026-09-01"


def test_retirement_after_the_reform(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "retirement", "--birth", "1965-05-10", "--category", "male", "--on", "2025-06-30"
    )
    assert code == EXIT_OK
    assert "60岁2个月" in out
    assert "2025年7月" in out
    assert "未达到" in out
    code, out, _ = run(
        capsys, "retirement", "--birth", "1984-11-02", "--category", "female_worker",
        "--format", "json", "--lang", "en",
    )  # fmt: skip
    data = json.loads(out)
    assert (data["retirement_month"], data["age"], data["delay_months"]) == (
        "2039-11", "55 years", 60
    )  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "“retired”不是退休人员类别，可选：原法定退休年龄60周岁的男职工（male）、"
               "原法定退休年龄55周岁的女职工（female_cadre）、原法定退休年龄50周岁的女职工"
               "（female_worker）"),
        ("en", "'retired' is not a retirement category; choose one of: Men formerly retiring at "
               "60 (male), Women formerly retiring at 55 (female_cadre), Women formerly retiring "
               "at 50 (female_worker)"),
    ],
)  # fmt: skip
def test_a_wrong_retirement_category_is_refused_with_every_choice_in_words(
    capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    code, _, err = run(
        capsys, "retirement", "--birth", "1966-05-15", "--category", "retired", "--lang", lang
    )
    assert code == EXIT_INPUT
    assert said in err


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        ("zh", ["退休人员类别，可选：", "female_cadre：原法定退休年龄55周岁的女职工"]),
        ("en", ["retirement category, one of:", "female_cadre: Women formerly retiring at 55"]),
    ],
)
def test_the_retirement_help_lists_each_category_with_its_label(
    capsys: pytest.CaptureFixture[str], lang: str, lines: list[str]
) -> None:
    _, out, _ = run(capsys, "retirement", "--help", "--lang", lang)
    shown = [line.strip() for line in out.splitlines()]
    assert all(any(line.endswith(wanted) for line in shown) for wanted in lines)


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("zh", "按默认记录生成的证件业务信息变更业务，状态：聘用单位审核中"),
        ("en", "Business-information change from the default record, in the state “With the "
               "employer for review”"),
    ],
)  # fmt: skip
def test_a_new_case_is_named_in_labels(
    capsys: pytest.CaptureFixture[str], lang: str, name: str
) -> None:
    code, out, _ = run(
        capsys, "case", "new", "business_change", "--state", "employer_review", "--lang", lang
    )
    assert code == EXIT_OK
    assert json.loads(out)["name"] == name


def test_a_wrong_business_type_is_refused_with_the_labels(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "case", "new", "visa")
    assert code == EXIT_INPUT
    assert "“visa”不是业务类型，可选：新办（new）、续签（renewal）" in err


def test_id_validates_resident_ids_and_credit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "id", "11010519491231002x", "--format", "json")
    assert code == EXIT_OK
    assert json.loads(out)["birth_date"] == "1949-12-31"
    code, out, _ = run(capsys, "id", "91350100M000100Y43", "--lang", "en")
    assert code == EXIT_OK
    assert "unified social credit code" in out


def test_an_invalid_identifier_exits_1_with_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "id", "11010519491231003X", "--lang", "en")
    assert code == EXIT_BLOCKED
    assert "check character" in out
    code, out, _ = run(capsys, "id", "91350100M000100Y44", "--format", "json")
    assert code == EXIT_BLOCKED
    assert json.loads(out)["error"]["context"]["part"] == "check_digit"


# --- diagram, rules -----------------------------------------------------------------------------


def test_diagram_draws_the_machine(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diagram", "renewal", "--review-levels", "3")
    assert code == EXIT_OK
    assert "stateDiagram-v2" in out
    assert "authority_review_3" in out


def test_rules_catalogue_in_markdown_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, md, _ = run(capsys, "rules")
    assert code == EXIT_OK
    assert md.startswith("# Rules catalogue: haidian")
    assert "| HUK-001 |" in md
    code, out, _ = run(capsys, "rules", "--format", "json")
    data = json.loads(out)
    ids = [rule["id"] for rule in data["rules"]]
    assert len(ids) == len(set(ids)) > 50
    assert all(rule["citation"]["section"] for rule in data["rules"])
    assert all(f"| {rule_id} |" in md for rule_id in ids)


def test_an_unknown_rule_set_version_is_an_error_in_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "rules", "--version", "1999.1")
    assert code == EXIT_INPUT
    assert err == "错误：规则集“haidian”没有“1999.1”版（现有：“2021.11”）。\n"


# --- arguments and help -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", ["check", "case", "deadline", "retirement", "id", "diagram", "rules"]
)
def test_every_command_has_help_with_examples_that_run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert "usage: permitflow" in help_text
    examples = help_text.partition("\nexamples:\n")[2].splitlines()
    assert examples
    assert all(line.startswith(f"  permitflow {command} ") for line in examples)
    monkeypatch.chdir(ROOT)
    for line in examples:
        argv = line.split()[1:]
        if ">" in argv:
            argv = argv[: argv.index(">")]
        assert main(argv) in (EXIT_OK, EXIT_BLOCKED), line
        capsys.readouterr()


def test_version_prints_the_version_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == EXIT_OK
    assert capsys.readouterr().out == f"permitflow {permitflow.__version__}\n"


@pytest.mark.parametrize(
    ("lang", "chinese", "english"), [("zh", True, False), ("en", False, True), ("both", True, True)]
)
def test_a_bad_date_argument_exits_2_in_the_language_asked_for(
    capsys: pytest.CaptureFixture[str], lang: str, chinese: bool, english: bool
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["deadline", "--expiry", "31/12/2026", "--lang", lang])
    assert exit_info.value.code == EXIT_INPUT
    err = capsys.readouterr().err
    assert ("不是日期" in err) is chinese
    assert ("is not a date" in err) is english


def test_a_missing_argument_is_named_in_chinese_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["deadline"])
    assert exit_info.value.code == EXIT_INPUT
    err = capsys.readouterr().err
    assert "缺少必需的参数：“--expiry”" in err
    assert "required" not in err


@pytest.mark.parametrize("module", ["permitflow", "permitflow.cli"])
def test_the_package_runs_as_a_program(module: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", module, "check", str(COLLECTIVE), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        check=False,
    )
    assert completed.returncode == EXIT_BLOCKED, completed.stderr
    assert "HUK-001" in completed.stdout


def test_a_reader_that_stops_early_gets_no_error() -> None:
    """``permitflow rules | head -1``: the command stops quietly when its reader has had enough."""
    with subprocess.Popen(
        [sys.executable, "-m", "permitflow", "rules", "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
    ) as command:  # fmt: skip
        assert command.stdout is not None
        assert command.stderr is not None
        command.stdout.read(10)
        command.stdout.close()
        err = command.stderr.read().decode("utf-8")
        assert command.wait() == EXIT_OK
    assert err == ""


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", sorted(CASES.glob("*.json")), ids=lambda path: path.stem)
def test_check_speaks_in_labels_on_every_example_case(
    capsys: pytest.CaptureFixture[str], case: Path, lang: str
) -> None:
    """The business, its state and step, the findings and the verdict in words: no state or
    event names, no field paths, no enum values outside quoted data (the case's own name)."""
    _, out, _ = run(capsys, "check", case, "--lang", lang, "--all")
    found = [(line, names) for line in out.splitlines() if (names := code_names(line, lang))]
    assert found == []
