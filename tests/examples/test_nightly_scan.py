"""The nightly scan example (examples/nightly_scan.py) on a small synthetic population."""

from __future__ import annotations

import io
import json
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

import permitflow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES))

import nightly_scan  # noqa: E402
from nightly_scan import HolderScan, Notice, run_scan, scan_holder, synthetic_population  # noqa: E402

READY: dict[str, Any] = json.loads(
    (EXAMPLES / "cases" / "new-application-ready.json").read_text(encoding="utf-8")
)
MOMENT = datetime.fromisoformat(READY["at"])  # Monday 2026-03-16, Beijing


def holder(expires: str, *, state: str = "valid", **general: Any) -> dict[str, Any]:
    snapshot = json.loads(json.dumps(READY["holder"]))
    snapshot["permit"] = {**snapshot["permit"], "state": state, "expires_on": expires,
                          "issued_on": "2023-01-01"}  # fmt: skip
    snapshot["profile"]["general"].update(general)
    return snapshot


def kinds(scan: HolderScan) -> list[str]:
    return [notice.kind for notice in scan.notices]


def test_a_permit_far_from_expiry_needs_nothing() -> None:
    assert scan_holder(holder("2026-12-31"), MOMENT).notices == ()


def test_the_renewal_deadline_within_the_horizon_is_reported() -> None:
    # 20 working days before 2026-04-30 is 2026-04-01; 20 working days after 2026-03-16 is
    # 2026-04-14, 5 working days after it 2026-03-23.
    scan = scan_holder(holder("2026-04-30"), MOMENT)
    assert scan.notices == (Notice("renewal_due", date(2026, 4, 1)),)
    assert scan.estimated is False
    assert kinds(scan_holder(holder("2026-04-30"), MOMENT, within=5)) == []


def test_a_missed_renewal_deadline_and_an_expiry_are_reported() -> None:
    assert kinds(scan_holder(holder("2026-03-31"), MOMENT)) == ["renewal_late"]
    assert scan_holder(holder("2026-03-13"), MOMENT).notices == (
        Notice("expired", date(2026, 3, 13)),
    )
    assert scan_holder(holder("2026-03-13", state="cancelled"), MOMENT).notices == ()


def test_the_statutory_retirement_age_is_reported() -> None:
    # A woman born 1963-04-02: past 50 (a worker post) and 55 (a cadre post) alike. Without a
    # declared category the scan can only say that retirement is possible.
    retiree = holder("2026-12-31", resident_id="110105196304020028")
    retiree["holder_id"] = "110105196304020028"
    retiree["profile"]["general"]["retirement_category"] = None
    scan = scan_holder(retiree, MOMENT)
    assert kinds(scan) == ["retirement_undeclared"]
    retiree["profile"]["general"]["retirement_category"] = "female_cadre"
    assert scan_holder(retiree, MOMENT).notices == (Notice("retirement", date(2018, 4, 2)),)


def test_the_result_is_small_and_picklable() -> None:
    scan = scan_holder(holder("2026-04-30"), MOMENT)
    assert pickle.loads(pickle.dumps(scan)) == scan


def test_processes_find_what_one_process_finds() -> None:
    population = synthetic_population(300, MOMENT)
    serial = run_scan(population, MOMENT)
    with ProcessPoolExecutor(2) as executor:
        parallel = run_scan(population, MOMENT, executor=executor, chunksize=50)
    assert parallel == serial
    found = {notice.kind for result in serial for notice in result.notices}
    assert {"expired", "renewal_due", "renewal_late", "retirement"} <= found


def test_the_command_prints_a_progress_bar_and_a_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = io.StringIO()
    code = nightly_scan.main(
        ["--synthetic", "200", "--at", "2026-03-16", "--workers", "2", "--list"], out=out
    )
    assert code == 0
    text = out.getvalue()
    assert "Scanned 200 holders" in text
    assert "renewal due within 20 working days" in text
    assert "renewal_due" in text
    assert "100% 200/200 holders" in capsys.readouterr().err


def test_the_command_scans_the_portals_database(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    from portal.store import Store

    url = f"sqlite:///{tmp_path / 'portal.db'}"
    store = Store(url)
    record = permitflow.from_dict(holder("2026-04-30"))
    assert isinstance(record, permitflow.HolderRecord)
    with store.transaction() as connection:
        store.add_holder(connection, record)
    out = io.StringIO()
    assert nightly_scan.main(["--database", url, "--at", "2026-03-16", "--workers", "1",
                              "--list"], out=out) == 0  # fmt: skip
    assert f"{READY['holder']['holder_id']}  renewal_due" in out.getvalue()
