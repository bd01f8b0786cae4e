"""The snapshot loader under a mutation fuzzer: every outcome a faithful, possible value or
InvalidSnapshot (bounded for CI; the long run is documented in docs/concepts/snapshots.md)."""

from __future__ import annotations

import warnings

from snapshot_fuzz import run

from permitflow.errors import CalendarEstimateWarning

CI_INPUTS = 3_000


def test_every_mutated_snapshot_is_refused_or_loaded_faithfully_and_possibly() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalendarEstimateWarning)
        report = run(CI_INPUTS)
    print(report.line())
    assert report.inputs == CI_INPUTS
    assert report.outcomes["refused"] > 0
    assert report.outcomes["accepted"] > 0
    assert report.findings == 0, (report.line(), report.examples)
