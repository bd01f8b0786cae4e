"""The nightly batch scan: renewal deadline and statutory retirement date of every holder.

A scan reads three columns per holder, as a query on the portal's database returns them: the
permit's expiry date, the birth date and the declared retirement category. For each holder it
asks ``permitflow.deadlines.latest_renewal_submission`` and
``permitflow.retirement.statutory_retirement`` and counts two things a portal acts on: renewals
whose last submission day falls within the next 30 days, and holders who reach the statutory
retirement age before their permit expires (the permit must then be cancelled, M§7).

Columns are ``array('i')`` of date ordinals (and small category indexes). The holders are
stored in shards, one file each, as a database partitions a table: a worker of the pooled scan
is handed the name of its shard and reads it itself (``scan_shard``), so that the parent ships
no data; the single-process scan reads every shard the same way.
Expiry dates lie in 2025-03-01 … 2026-12-24: every counted working day is in a year with an
official holiday arrangement, so no answer is an estimate and no warning is raised.
"""

from __future__ import annotations

import random
import time
from array import array
from datetime import date, timedelta
from pathlib import Path

from attrs import frozen

from permitflow.deadlines import latest_renewal_submission
from permitflow.retirement import RetirementCategory, statutory_retirement

CATEGORIES = tuple(RetirementCategory)
TODAY = date(2026, 3, 16)
DUE_WITHIN = timedelta(days=30)
_EXPIRY_FIRST = date(2025, 3, 1).toordinal()
_EXPIRY_LAST = date(2026, 12, 24).toordinal()
_BIRTH_FIRST = date(1960, 1, 1).toordinal()
_BIRTH_LAST = date(2002, 12, 31).toordinal()


@frozen
class Columns:
    expiry: array[int]
    birth: array[int]
    category: array[int]

    def __len__(self) -> int:
        return len(self.expiry)


@frozen
class Tally:
    holders: int
    renewals_due: int
    retiring_before_expiry: int
    seconds: float
    """Time spent scanning, without generating the columns."""

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.holders + other.holders,
            self.renewals_due + other.renewals_due,
            self.retiring_before_expiry + other.retiring_before_expiry,
            self.seconds + other.seconds,
        )


def columns(count: int, seed: int) -> Columns:
    rng = random.Random(seed)
    return Columns(
        array("i", (rng.randint(_EXPIRY_FIRST, _EXPIRY_LAST) for _ in range(count))),
        array("i", (rng.randint(_BIRTH_FIRST, _BIRTH_LAST) for _ in range(count))),
        array("i", (rng.randrange(len(CATEGORIES)) for _ in range(count))),
    )


def scan(rows: Columns) -> Tally:
    """Scan ``rows``; the tally's ``seconds`` is the time the scan took."""
    due = retiring = 0
    today = TODAY
    horizon = TODAY + DUE_WITHIN
    fromordinal = date.fromordinal
    categories = CATEGORIES
    start = time.perf_counter()
    for expiry_ordinal, birth_ordinal, category in zip(
        rows.expiry, rows.birth, rows.category, strict=True
    ):
        expiry = fromordinal(expiry_ordinal)
        latest = latest_renewal_submission(expiry).date
        if today <= latest <= horizon:
            due += 1
        retirement = statutory_retirement(fromordinal(birth_ordinal), categories[category])
        if retirement.retirement_date <= expiry:
            retiring += 1
    return Tally(len(rows), due, retiring, time.perf_counter() - start)


def write_shards(rows: Columns, folder: Path, parts: int) -> list[Path]:
    """``rows`` stored in ``parts`` shard files in ``folder``, in order."""
    size = -(-len(rows) // parts)
    paths = []
    for index, start in enumerate(range(0, len(rows), size)):
        path = folder / f"shard-{index:03d}.bin"
        with path.open("wb") as out:
            count = array("i", [min(size, len(rows) - start)])
            count.tofile(out)
            for column in (rows.expiry, rows.birth, rows.category):
                column[start : start + size].tofile(out)
        paths.append(path)
    return paths


def read_shard(path: Path) -> Columns:
    with path.open("rb") as source:
        count = array("i")
        count.fromfile(source, 1)
        columns = []
        for _ in range(3):
            column = array("i")
            column.fromfile(source, count[0])
            columns.append(column)
    return Columns(*columns)


def scan_shard(path: Path) -> Tally:
    """Read the shard at ``path`` and scan it: what one worker of the pooled scan does."""
    return scan(read_shard(path))
