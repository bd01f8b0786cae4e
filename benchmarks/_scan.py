"""The nightly batch scan: renewal deadline and statutory retirement date of every holder.

A scan reads three columns per holder, as a query on the portal's database returns them: the
permit's expiry date, the birth date and the declared retirement category. For each holder it
asks ``permitflow.deadlines.latest_renewal_submission`` and
``permitflow.retirement.statutory_retirement`` and counts two things a portal acts on: renewals
whose last submission day falls within the next 30 days, and holders who reach the statutory
retirement age before their permit expires (the permit must then be cancelled, M§7).

Columns travel as ``array('i')`` of date ordinals (and small category indexes), so that handing
a chunk to another process costs a memory copy, not the pickling of a million ``date`` objects.
Expiry dates lie in 2025-03-01 … 2026-12-24: every counted working day is in a year with an
official holiday arrangement, so no answer is an estimate and no warning is raised.
"""

from __future__ import annotations

import random
import time
from array import array
from datetime import date, timedelta

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
