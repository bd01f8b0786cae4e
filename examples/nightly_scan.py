"""Nightly scan: which permits need action soon, on every core.

For every holder it reports, as of a moment:

* ``expired`` — the permit is past its expiry date and still live: the expiry timer is due
  ("一旦过期，无法恢复", M§3 注意事项 3);
* ``renewal_late`` — the latest renewal submission day (20 working days before expiry, M§3
  注意事项 3) has passed and the permit has not expired yet;
* ``renewal_due`` — that day falls within the next N working days;
* ``retirement`` — the holder reaches the statutory retirement age within N working days (or
  has reached it): the permit must be cancelled (M§7); ``retirement_undeclared`` when a woman's
  category is not declared and the earliest possible date (female_worker) is within reach.

The work for one holder is :func:`scan_holder`, a pure top-level function: it takes a holder
snapshot dict (``permitflow.to_dict``) and a moment and returns a small picklable
:class:`HolderScan`, so any executor can map it — ``ProcessPoolExecutor`` here, or Dask, Ray or
Spark over the same function.

    python examples/nightly_scan.py --synthetic 20000 --within 20
    python examples/nightly_scan.py --database sqlite:///examples/portal.db --at 2026-03-16
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from datetime import date, datetime, timedelta, timezone
from functools import partial
from typing import Any, TextIO

from attrs import frozen

import permitflow
from permitflow import (
    Association,
    AssociationState,
    Employer,
    GeneralInfo,
    HolderRecord,
    Hukou,
    HukouKind,
    Permit,
    PermitState,
    Profile,
)
from permitflow.calendar import add_working_days_flagged
from permitflow.deadlines import latest_renewal_submission
from permitflow.errors import CalendarEstimateWarning
from permitflow.identifiers import Sex, is_valid_resident_id, parse_resident_id
from permitflow.machines.permit import expiry_due
from permitflow.retirement import RetirementCategory, category_for, statutory_retirement
from permitflow.rules.registry import default_family

BEIJING = timezone(timedelta(hours=8))
KINDS = ("expired", "renewal_late", "renewal_due", "retirement", "retirement_undeclared")


@frozen
class Notice:
    kind: str
    day: date
    """The day it is about: the expiry, the latest submission day or the retirement date."""


@frozen
class HolderScan:
    """What the scan found for one holder (small: it crosses process boundaries)."""

    holder_id: str
    notices: tuple[Notice, ...] = ()
    estimated: bool = False
    """Some answer rests on a year without an official holiday arrangement."""


def scan_holder(holder: Mapping[str, Any], moment: datetime, *, within: int = 20) -> HolderScan:
    """Scan one holder snapshot at ``moment``, looking ``within`` working days ahead."""
    record = permitflow.from_dict(holder)
    if not isinstance(record, HolderRecord):
        raise TypeError("scan_holder takes holder snapshots")
    day = moment.astimezone(BEIJING).date()
    permit = record.permit
    if permit.state not in (PermitState.VALID, PermitState.SUSPENDED):
        return HolderScan(record.holder_id)
    horizon, estimated = add_working_days_flagged(day, within)
    notices: list[Notice] = []
    if permit.expires_on is not None:
        if expiry_due(permit, day):
            notices.append(Notice("expired", permit.expires_on))
        else:
            params = default_family().in_force_on(day).params_on(day)
            with warnings.catch_warnings():
                # Carried as ``estimated`` in the result instead.
                warnings.simplefilter("ignore", CalendarEstimateWarning)
                latest = latest_renewal_submission(
                    permit.expires_on, working_days=params["renewal.working_days_before_expiry"]
                )
            estimated = estimated or latest.estimated
            if latest.date < day:
                notices.append(Notice("renewal_late", latest.date))
            elif latest.date <= horizon:
                notices.append(Notice("renewal_due", latest.date))
    notices.extend(_retirement(record, horizon))
    return HolderScan(record.holder_id, tuple(notices), estimated)


def _retirement(record: HolderRecord, horizon: date) -> Iterator[Notice]:
    person = parse_resident_id(record.holder_id, today=date.max)
    general = record.profile.general
    # A man retires as a man whatever was declared; a woman's post decides, if she declared it.
    declared = general.retirement_category if general and person.sex is Sex.FEMALE else None
    category = category_for(person.sex, declared)
    if category is not None:
        retires = statutory_retirement(person.birth_date, category).retirement_date
        if retires <= horizon:
            yield Notice("retirement", retires)
        return
    # Undeclared women: the earliest statutory date is that of a worker post.
    earliest = statutory_retirement(person.birth_date, RetirementCategory.FEMALE_WORKER)
    if earliest.retirement_date <= horizon:
        yield Notice("retirement_undeclared", earliest.retirement_date)


# --- running it -------------------------------------------------------------------------------


def run_scan(
    holders: Iterable[Mapping[str, Any]],
    moment: datetime,
    *,
    within: int = 20,
    executor: Executor | None = None,
    total: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    chunksize: int = 256,
) -> list[HolderScan]:
    """Map :func:`scan_holder` over ``holders`` (with ``executor``, else in this process)."""
    work = partial(scan_holder, moment=moment, within=within)
    results = (
        executor.map(work, holders, chunksize=chunksize) if executor is not None
        else map(work, holders)
    )  # fmt: skip
    found: list[HolderScan] = []
    for done, result in enumerate(results, start=1):
        if result.notices:
            found.append(result)
        if progress is not None:
            progress(done, total)
    return found


class ProgressBar:
    """A plain-text progress bar on a stream, redrawn at most every 1 % (or at the end)."""

    def __init__(self, stream: TextIO | None = None, width: int = 40) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.shown = -1

    def __call__(self, done: int, total: int | None) -> None:
        if not total:
            return
        percent = done * 100 // total
        if percent == self.shown and done != total:
            return
        self.shown = percent
        filled = self.width * done // total
        bar = "#" * filled + "." * (self.width - filled)
        end = "\n" if done == total else ""
        self.stream.write(f"\r[{bar}] {percent:3d}% {done}/{total} holders{end}")
        self.stream.flush()


def summary(results: list[HolderScan], scanned: int, within: int, seconds: float) -> str:
    counts = Counter(notice.kind for result in results for notice in result.notices)
    labels = {
        "expired": "expired, expiry timer due (已过期)",
        "renewal_late": "latest renewal day passed (已过续签最晚提交日)",
        "renewal_due": f"renewal due within {within} working days (续签临近)",
        "retirement": f"statutory retirement age within {within} working days (应注销)",
        "retirement_undeclared": "retirement possible, category undeclared (退休类别未申报)",
    }
    lines = [f"Scanned {scanned} holders in {seconds:.1f} s; {len(results)} need action."]
    lines += [f"  {counts[kind]:>8}  {labels[kind]}" for kind in KINDS]
    if any(result.estimated for result in results):
        lines.append(
            "  Some dates rest on an estimated holiday calendar; recheck once the State "
            "Council notice is published."
        )
    return "\n".join(lines)


# --- sources of holders -------------------------------------------------------------------------


def synthetic_population(count: int, moment: datetime, seed: int = 2026) -> list[dict[str, Any]]:
    """``count`` holder snapshots with permits expiring over the next three years."""
    rng = random.Random(seed)
    today = moment.astimezone(BEIJING).date()
    employer = Employer("91110108MA01ABCD5T", "北京海淀示例科技有限公司")
    population = []
    for index in range(count):
        holder_id = _resident_id(rng, index)
        person = parse_resident_id(holder_id, today=today)
        category = None
        if person.sex is Sex.FEMALE and rng.random() < 0.8:
            category = rng.choice(["female_cadre", "female_worker"])
        elif person.sex is Sex.MALE:
            category = "male"
        expires = today + timedelta(days=rng.randint(-30, 3 * 365))
        record = HolderRecord(
            holder_id=holder_id,
            profile=Profile(
                general=GeneralInfo(
                    name=f"持证人{index}", resident_id=holder_id, phone="13800138000",
                    hukou=Hukou(HukouKind.FAMILY, person.province_code),
                    address="北京市海淀区中关村大街1号", retirement_category=category,
                )
            ),
            association=Association(AssociationState.ASSOCIATED, employer),
            permit=Permit(
                PermitState.VALID, employer_credit_code=employer.credit_code,
                issued_on=expires - timedelta(days=3 * 365), expires_on=expires,
            ),
        )  # fmt: skip
        population.append(permitflow.to_dict(record))
    return population


def _resident_id(rng: random.Random, index: int) -> str:
    born = date(1964, 1, 1) + timedelta(days=rng.randint(0, 36 * 365))
    stem = f"420106{born:%Y%m%d}{index % 1000:03d}"
    # The check character is whichever one the validator accepts.
    return next(stem + c for c in "0123456789X" if is_valid_resident_id(stem + c, today=date.max))


def database_holders(url: str) -> list[dict[str, Any]]:
    """Holder snapshots stored by the example portal (needs its ``portal`` extra)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from portal.store import Store

    return list(Store(url).holder_snapshots())


def main(argv: list[str] | None = None, *, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--synthetic", type=int, metavar="N", help="scan N generated holders")
    source.add_argument("--database", metavar="URL", help="scan the portal's database")
    parser.add_argument("--at", type=date.fromisoformat, help="the day to scan as of (today)")
    parser.add_argument("--within", type=int, default=20, help="working days to look ahead")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--list", action="store_true", help="print every notice")
    args = parser.parse_args(argv)
    moment = (
        datetime.combine(args.at, datetime.min.time(), BEIJING) if args.at
        else datetime.now(BEIJING)
    )  # fmt: skip
    holders = (
        synthetic_population(args.synthetic, moment) if args.synthetic is not None
        else database_holders(args.database)
    )  # fmt: skip
    started = time.perf_counter()
    bar = ProgressBar()
    if args.workers > 1:
        with ProcessPoolExecutor(args.workers) as executor:
            results = run_scan(holders, moment, within=args.within, executor=executor,
                               total=len(holders), progress=bar)  # fmt: skip
    else:
        results = run_scan(holders, moment, within=args.within, total=len(holders), progress=bar)
    if args.list:
        for result in results:
            for notice in result.notices:
                print(f"{result.holder_id}  {notice.kind:<22} {notice.day}", file=out)
    print(summary(results, len(holders), args.within, time.perf_counter() - started), file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
