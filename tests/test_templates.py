"""Case templates: ``permitflow case new`` writes a minimal valid case a person edits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from permitflow import BusinessType, Engine
from permitflow.cases import check_case, load_case
from permitflow.cli import EXIT_BLOCKED, EXIT_INPUT, EXIT_OK, main
from permitflow.errors import InvalidSnapshot
from permitflow.samples import AT

ROOT = Path(__file__).resolve().parents[1]

STATES = [
    (business_type, state.name, state.terminal)
    for business_type in BusinessType
    for state in Engine(rules=False).definition(business_type, review_levels=2).states
]


def case_new(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["case", "new", *argv]) == EXIT_OK
    body: dict[str, Any] = json.loads(capsys.readouterr().out)
    return body


def write(tmp_path: Path, body: dict[str, Any] | str) -> Path:
    path = tmp_path / "mine.json"
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("business_type", "state", "terminal"), STATES, ids=[f"{t.value}-{s}" for t, s, _ in STATES]
)
def test_a_new_case_loads_in_every_state_of_every_business_type(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    business_type: BusinessType,
    state: str,
    terminal: bool,
) -> None:
    body = case_new(capsys, business_type.value, "--state", state)
    case = load_case(write(tmp_path, body))
    assert (case.application.business_type, case.application.state) == (business_type, state)
    assert case.holder.holder_id == body["holder"]["holder_id"]
    if not terminal and not state.startswith("authority_review"):
        # Nothing blocks the next step; at a review level the reviewer's attestations do.
        assert check_case(case).exit_code == EXIT_OK


def test_a_new_draft_states_only_what_matters(capsys: pytest.CaptureFixture[str]) -> None:
    body = case_new(capsys, "renewal")
    assert set(body) == {"name", "at", "business_type", "form", "holder"}
    assert body["at"] == AT.isoformat()
    assert len(json.dumps(body)) < 600


def test_an_unknown_state_is_refused_with_the_states_of_the_machine(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["case", "new", "renewal", "--state", "nowhere", "--lang", "en"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "has no state “nowhere”" in err
    assert "“Awaiting acceptance by the authority” (awaiting_acceptance)" in err


def test_a_case_file_without_a_holder_takes_the_default_record(tmp_path: Path) -> None:
    case = load_case(write(tmp_path, {"business_type": "renewal", "at": AT.isoformat()}))
    assert case.holder.holder_id == "42010619900515001X"
    assert check_case(case).exit_code == EXIT_OK


def test_a_state_goes_with_a_business_type_only(tmp_path: Path) -> None:
    body = json.loads((ROOT / "examples/cases/renewal-filed-late.json").read_text("utf-8"))
    body["state"] = "ready"
    with pytest.raises(InvalidSnapshot) as caught:
        load_case(write(tmp_path, body))
    assert [p.path for p in caught.value.problems] == ["$.state"]


def test_case_new_renewal_edited_in_two_places_gives_the_expected_finding(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # permitflow case new renewal > mine.json
    assert main(["case", "new", "renewal"]) == EXIT_OK
    mine = write(tmp_path, capsys.readouterr().out)
    assert main(["check", str(mine), "--lang", "en"]) == EXIT_OK
    capsys.readouterr()
    # Edit the resident id where it appears, the record's id and the basic information, with a
    # mistyped last character: the check character no longer matches (ID-001).
    text = mine.read_text("utf-8")
    assert text.count('"42010619900515001X"') == 2
    mine.write_text(text.replace('"42010619900515001X"', '"420106199005150010"'), "utf-8")
    code = main(["check", str(mine), "--lang", "en"])
    out = capsys.readouterr().out
    assert code == EXIT_BLOCKED
    assert "Failed (Error): The resident identity number of “张伟” is invalid" in out
    assert "(ID-001).\n" in out
    assert "The check character of the resident identity number does not match" in out
