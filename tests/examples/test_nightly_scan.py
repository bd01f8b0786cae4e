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

import attrs
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES))

import nightly_scan  # noqa: E402
from nightly_scan import HolderScan, Notice, run_scan, scan_holder  # noqa: E402

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


def population(count: int) -> list[nightly_scan.SyntheticShard]:
    return nightly_scan.synthetic_partitions(count, 100)


def test_a_shard_holds_the_same_holders_however_the_population_is_cut() -> None:
    whole = list(nightly_scan.synthetic_holders(0, 300, MOMENT))
    cut = [h for shard in nightly_scan.synthetic_partitions(300, 70)
           for h in shard.holders(MOMENT)]  # fmt: skip
    assert cut == whole
    assert len({h.holder_id for h in whole}) == 300
    assert [(s.start, s.stop) for s in nightly_scan.synthetic_partitions(250, 100)] == [
        (0, 100), (100, 200), (200, 250)
    ]


def test_a_partition_sends_back_only_the_holders_that_need_action() -> None:
    shard = nightly_scan.SyntheticShard(0, 200)
    result = nightly_scan.scan_partition(shard, MOMENT)
    expected = [scan for scan in (nightly_scan.scan_record(h, MOMENT)
                                  for h in shard.holders(MOMENT)) if scan.notices]  # fmt: skip
    assert result.scanned == 200
    assert list(result.found) == expected
    assert 0 < len(result.found) < 200
    assert result.cpu_seconds > 0
    # What crosses the process boundary is the partition (a few numbers), not its holders.
    assert len(pickle.dumps(shard)) < 200


def test_processes_find_what_one_process_finds_in_the_same_order() -> None:
    seen: list[int] = []
    _, serial = run_scan(population(300), MOMENT, progress=seen.append)
    assert seen == [100, 100, 100]
    with ProcessPoolExecutor(2) as executor:
        done, parallel = run_scan(population(300), MOMENT, executor=executor)
    assert parallel == serial
    assert sum(result.scanned for result in done) == 300
    found = {notice.kind for result in serial for notice in result.notices}
    assert {"expired", "renewal_due", "renewal_late", "retirement"} <= found


def test_a_dask_local_cluster_finds_what_one_process_finds() -> None:
    pytest.importorskip("distributed")
    _, serial = run_scan(population(200), MOMENT)
    with nightly_scan.executor_for("dask", 2) as executor:
        assert executor is not None
        _, clustered = run_scan(population(200), MOMENT, executor=executor)
    assert clustered == serial


def test_the_command_prints_a_summary_and_no_progress_frames_in_a_log(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = io.StringIO()
    code = nightly_scan.main(
        ["--synthetic", "200", "--at", "2026-03-16", "--workers", "2", "--partition", "50",
         "--list"], out=out,
    )  # fmt: skip
    assert code == 0
    text = out.getvalue()
    assert "Scanned 200 holders" in text
    assert "holders per CPU-second" in text
    assert "renewal due within 20 working days" in text
    assert "renewal_due" in text
    # stderr is not a terminal here: the bar stays silent instead of writing \r frames.
    assert capsys.readouterr().err == ""


def test_the_progress_bar_shows_rate_and_eta_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with nightly_scan.progress_bar(300) as bar:
        bar.update(100)
        bar.update(200)
    shown = terminal.getvalue()
    assert "300/300" in shown
    assert "holders/s" in shown
    assert "<" in shown  # elapsed<remaining


def test_the_command_scans_the_portals_database_by_id_ranges(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy")
    from portal.migrate import migrate
    from portal.store import Store

    url = f"sqlite:///{tmp_path / 'portal.db'}"
    migrate(url)
    store = Store(url)
    stored = list(nightly_scan.synthetic_holders(0, 45, MOMENT))

    def add(connection: Any) -> None:
        for record in stored:
            store.add_holder(connection, record)

    store.write(add)
    ranges = nightly_scan.database_partitions(url, 20)
    assert [part.size for part in ranges] == [20, 20, 5]
    assert ranges[-1].stop is None
    read = [h for part in ranges for h in attrs.evolve(part, page=7).holders(MOMENT)]
    assert sorted(h.holder_id for h in read) == sorted(h.holder_id for h in stored)
    out = io.StringIO()
    assert nightly_scan.main(["--database", url, "--at", "2026-03-16", "--workers", "2",
                              "--partition", "20"], out=out) == 0  # fmt: skip
    assert "Scanned 45 holders" in out.getvalue()
