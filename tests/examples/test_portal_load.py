"""The portal's load test (examples/portal/loadtest.py), small, on each database.

`.ci/run` runs it larger and prints its counts; here it runs with fewer workers and clients.
"""

from __future__ import annotations

from datetime import date

import pytest
from portal.loadtest import main, resident_id


def test_the_test_holders_have_well_formed_resident_ids() -> None:
    from permitflow.identifiers import is_valid_resident_id

    ids = [resident_id(number) for number in range(40)]
    assert len(set(ids)) == 40
    assert all(is_valid_resident_id(number, today=date(2026, 12, 1)) for number in ids)


def test_under_load_and_a_killed_worker_nothing_is_lost_doubled_or_falsely_refused(
    empty_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--database", empty_database, "--workers", "2", "--clients", "6",
                 "--requests", "8", "--seconds", "40"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "lost 0, doubled 0, stored without a 2xx 0, false conflicts 0, 5xx 0" in out
