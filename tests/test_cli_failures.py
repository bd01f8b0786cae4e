"""Every failure of the command line that is not a finding exits 2 with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

import permitflow.cli
from permitflow.cli import EXIT_INPUT, EXIT_OK, main

READY = Path(__file__).resolve().parents[1] / "examples" / "cases" / "new-application-ready.json"


def _boom(*_: object, **__: object) -> None:
    raise RecursionError("maximum recursion depth exceeded\nwhile reading")


def test_an_unexpected_failure_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(permitflow.cli, "load_case", _boom)
    assert main(["check", str(READY), "--lang", "en"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert err.startswith("error: the command could not complete (RecursionError: maximum")


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(permitflow.cli, "load_case", _boom)
    with pytest.raises(RecursionError):
        main(["check", str(READY), "--debug"])


def test_a_case_file_with_a_bom_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + READY.read_bytes())
    assert main(["check", str(path)]) == EXIT_OK
    assert main(["check", str(READY)]) == EXIT_OK


def test_a_file_that_is_not_utf8_is_still_unusable_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b"\xff\xfe{}")
    assert main(["check", str(path)]) == EXIT_INPUT
