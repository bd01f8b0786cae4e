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

The unit of work is one *partition*: a shard of the synthetic population
(:class:`SyntheticShard`) or a holder-id range of the portal's database
(:class:`DatabaseRange`). A partition is a few numbers or ids, and the worker reads its own
holders from it — it generates them, or queries the database — so no holder ever travels from
the parent; :func:`scan_partition` sends back only the holders that need action. The same
function runs on every executor: in this process (``--workers 1``), on a process pool (the
default, one worker per core) or on a ``dask.distributed`` cluster (``--executor dask``: a
local cluster, or ``--scheduler ADDRESS`` for a running one; the ``dask`` extra). Progress is a
``tqdm`` bar (the ``scan`` extra): rate and ETA on a terminal, nothing in a non-TTY log.

    python examples/nightly_scan.py --synthetic 20000 --within 20
    python examples/nightly_scan.py --synthetic 200000 --executor dask --workers 2
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
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
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
    """Scan one holder snapshot (``permitflow.to_dict``) at ``moment``."""
    record = permitflow.from_dict(holder)
    if not isinstance(record, HolderRecord):
        raise TypeError("scan_holder takes holder snapshots")
    return scan_record(record, moment, within=within)


def scan_record(record: HolderRecord, moment: datetime, *, within: int = 20) -> HolderScan:
    """Scan one holder at ``moment``, looking ``within`` working days ahead."""
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


# --- partitions: what a worker reads for itself ------------------------------------------------


@frozen
class SyntheticShard:
    """Holders ``start`` … ``stop - 1`` of the synthetic population drawn from ``seed``.

    Each holder is drawn from its own seed, so a shard holds the same holders whichever
    worker generates it and however the population is cut.
    """

    start: int
    stop: int
    seed: int = 2026

    @property
    def size(self) -> int:
        return self.stop - self.start

    def holders(self, moment: datetime) -> Iterator[HolderRecord]:
        return synthetic_holders(self.start, self.stop, moment, seed=self.seed)


@frozen
class DatabaseRange:
    """The holders stored by the example portal with ``first <= id < stop`` (``stop`` None:
    to the end), read by the worker in pages of ``page`` rows."""

    url: str
    first: str
    stop: str | None
    size: int
    page: int = 2_000

    def holders(self, moment: datetime) -> Iterator[HolderRecord]:
        for snapshot in _database_rows(self):
            record = permitflow.from_dict(snapshot)
            assert isinstance(record, HolderRecord)  # the holders table holds holders
            yield record


Partition = SyntheticShard | DatabaseRange


@frozen
class PartitionScan:
    """What one partition sent back: how many holders it read and those that need action."""

    scanned: int
    found: tuple[HolderScan, ...]
    cpu_seconds: float
    """CPU time the worker spent on it, generation or reading included."""


def scan_partition(partition: Partition, moment: datetime, *, within: int = 20) -> PartitionScan:
    """Read the partition's holders and scan each; the unit of work of every executor."""
    started = time.process_time()
    scanned = 0
    found: list[HolderScan] = []
    for record in partition.holders(moment):
        scanned += 1
        result = scan_record(record, moment, within=within)
        if result.notices:
            found.append(result)
    return PartitionScan(scanned, tuple(found), time.process_time() - started)


def synthetic_partitions(count: int, size: int, seed: int = 2026) -> list[SyntheticShard]:
    return [SyntheticShard(start, min(start + size, count), seed)
            for start in range(0, count, size)]  # fmt: skip


def database_partitions(url: str, size: int) -> list[DatabaseRange]:
    """Cut the stored holders into id ranges of ``size`` rows; only the ids are read here."""
    from sqlalchemy import create_engine, select

    holders = _holders_table()
    engine = create_engine(url)
    with engine.connect() as connection:
        ids = connection.execute(select(holders.c.id).order_by(holders.c.id)).scalars().all()
    engine.dispose()
    cuts = list(range(0, len(ids), size))
    return [
        DatabaseRange(url, ids[cut], ids[cut + size] if cut + size < len(ids) else None,
                      min(size, len(ids) - cut))
        for cut in cuts
    ]  # fmt: skip


def _database_rows(part: DatabaseRange) -> Iterator[dict[str, Any]]:
    from sqlalchemy import create_engine, select

    holders = _holders_table()
    engine = create_engine(part.url)
    after: str | None = None
    try:
        with engine.connect() as connection:
            while True:
                query = select(holders.c.id, holders.c.snapshot).order_by(holders.c.id)
                query = query.where(holders.c.id > after) if after is not None else (
                    query.where(holders.c.id >= part.first))  # fmt: skip
                if part.stop is not None:
                    query = query.where(holders.c.id < part.stop)
                rows = connection.execute(query.limit(part.page)).all()
                for row in rows:
                    yield row.snapshot
                if len(rows) < part.page:
                    return
                after = rows[-1].id
    finally:
        engine.dispose()


def _holders_table() -> Any:
    """The portal's ``holders`` table (needs the ``portal`` extra)."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from portal.store import holders

    return holders


# --- running it -------------------------------------------------------------------------------


def run_scan(
    partitions: Sequence[Partition],
    moment: datetime,
    *,
    within: int = 20,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[PartitionScan], list[HolderScan]]:
    """Scan every partition (with ``executor``, else in this process); ``progress`` is told the
    number of holders of each partition as it finishes. Returns the partitions' results and the
    holders that need action, both in partition order."""
    work = partial(scan_partition, moment=moment, within=within)
    done: list[PartitionScan | None] = [None] * len(partitions)
    if executor is None:
        for index, partition in enumerate(partitions):
            done[index] = work(partition)
            if progress is not None:
                progress(partition.size)
    else:
        futures = {executor.submit(work, partition): index
                   for index, partition in enumerate(partitions)}  # fmt: skip
        for future in as_completed(futures):
            index = futures[future]
            done[index] = future.result()
            if progress is not None:
                progress(partitions[index].size)
    results = [result for result in done if result is not None]
    return results, [scan for result in results for scan in result.found]


@contextmanager
def executor_for(
    kind: str, workers: int, scheduler: str | None = None
) -> Iterator[Executor | None]:
    """The executor the command line asks for: none (one worker), processes, or Dask."""
    if kind == "dask":
        with _dask_executor(workers, scheduler) as executor:
            yield executor
    elif workers > 1:
        with ProcessPoolExecutor(workers) as executor:
            yield executor
    else:
        yield None


@contextmanager
def _dask_executor(workers: int, scheduler: str | None) -> Iterator[Executor]:
    """A ``concurrent.futures`` view of a Dask cluster: ``scheduler``'s, or a local one of
    ``workers`` single-threaded processes on the loopback interface."""
    import logging

    import cloudpickle
    from distributed import Client, LocalCluster

    # Workers of a running cluster need permitflow, not this script: it travels by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=None, silence_logs=logging.ERROR,
            ))  # fmt: skip
            client = stack.enter_context(Client(cluster))
        else:
            client = stack.enter_context(Client(scheduler))
        yield client.get_executor(pure=False)


def progress_bar(total: int) -> Any:
    """A tqdm bar over ``total`` holders (rate and ETA), silent when stderr is not a terminal."""
    from tqdm import tqdm

    return tqdm(total=total, unit=" holders", unit_scale=True, disable=None, smoothing=0.1,
                desc="scan")  # fmt: skip


def summary(
    results: list[HolderScan], scanned: int, within: int, seconds: float, cpu_seconds: float
) -> str:
    counts = Counter(notice.kind for result in results for notice in result.notices)
    labels = {
        "expired": "expired, expiry timer due (已过期)",
        "renewal_late": "latest renewal day passed (已过续签最晚提交日)",
        "renewal_due": f"renewal due within {within} working days (续签临近)",
        "retirement": f"statutory retirement age within {within} working days (应注销)",
        "retirement_undeclared": "retirement possible, category undeclared (退休类别未申报)",
    }
    rate = scanned / seconds if seconds else 0.0
    per_core = scanned / cpu_seconds if cpu_seconds else 0.0
    lines = [
        f"Scanned {scanned} holders in {seconds:.1f} s ({rate:,.0f} holders/s; "
        f"{per_core:,.0f} holders per CPU-second in the workers); {len(results)} need action."
    ]
    lines += [f"  {counts[kind]:>8}  {labels[kind]}" for kind in KINDS]
    if any(result.estimated for result in results):
        lines.append(
            "  Some dates rest on an estimated holiday calendar; recheck once the State "
            "Council notice is published."
        )
    return "\n".join(lines)


# --- the synthetic population -----------------------------------------------------------------


_EMPLOYER = Employer("91110108MA01ABCD5T", "北京海淀示例科技有限公司")


def synthetic_holders(
    start: int, stop: int, moment: datetime, *, seed: int = 2026
) -> Iterator[HolderRecord]:
    """Holders ``start`` … ``stop - 1`` of a population whose permits expire over the next
    three years; holder ``i`` depends on ``seed`` and ``i`` only."""
    today = moment.astimezone(BEIJING).date()
    for index in range(start, stop):
        rng = random.Random(seed * 1_000_003 + index)
        holder_id = _resident_id(rng, index)
        person = parse_resident_id(holder_id, today=date.max)
        category = None
        if person.sex is Sex.FEMALE and rng.random() < 0.8:
            category = rng.choice(["female_cadre", "female_worker"])
        elif person.sex is Sex.MALE:
            category = "male"
        expires = today + timedelta(days=rng.randint(-30, 3 * 365))
        yield HolderRecord(
            holder_id=holder_id,
            profile=Profile(
                general=GeneralInfo(
                    name=f"持证人{index}", resident_id=holder_id, phone="13800138000",
                    hukou=Hukou(HukouKind.FAMILY, person.province_code),
                    address="北京市海淀区中关村大街1号", retirement_category=category,
                )
            ),
            association=Association(AssociationState.ASSOCIATED, _EMPLOYER),
            permit=Permit(
                PermitState.VALID, employer_credit_code=_EMPLOYER.credit_code,
                issued_on=expires - timedelta(days=3 * 365), expires_on=expires,
            ),
        )  # fmt: skip


def _resident_id(rng: random.Random, index: int) -> str:
    born = date(1964, 1, 1) + timedelta(days=rng.randint(0, 36 * 365))
    stem = f"420106{born:%Y%m%d}{index % 1000:03d}"
    # The check character is whichever one the validator accepts.
    return next(stem + c for c in "0123456789X" if is_valid_resident_id(stem + c, today=date.max))


def main(argv: list[str] | None = None, *, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--synthetic", type=int, metavar="N", help="scan N generated holders")
    source.add_argument("--database", metavar="URL", help="scan the portal's database")
    parser.add_argument("--at", type=date.fromisoformat, help="the day to scan as of (today)")
    parser.add_argument("--within", type=int, default=20, help="working days to look ahead")
    parser.add_argument("--executor", choices=("processes", "dask"), default="processes")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="a running Dask scheduler (with --executor dask)")  # fmt: skip
    parser.add_argument("--partition", type=int, default=5_000, metavar="HOLDERS",
                        help="holders per partition (the unit of work)")  # fmt: skip
    parser.add_argument("--list", action="store_true", help="print every notice")
    args = parser.parse_args(argv)
    moment = (
        datetime.combine(args.at, datetime.min.time(), BEIJING) if args.at
        else datetime.now(BEIJING)
    )  # fmt: skip
    partitions: list[Partition] = [
        *(synthetic_partitions(args.synthetic, args.partition) if args.synthetic is not None
          else database_partitions(args.database, args.partition))
    ]  # fmt: skip
    total = sum(partition.size for partition in partitions)
    with executor_for(args.executor, args.workers, args.scheduler) as executor:
        # Timed from here: a cluster's start-up is not the scan's work.
        started = time.perf_counter()
        with progress_bar(total) as bar:
            done, results = run_scan(partitions, moment, within=args.within, executor=executor,
                                     progress=bar.update)  # fmt: skip
        seconds = time.perf_counter() - started
    if args.list:
        for result in results:
            for notice in result.notices:
                print(f"{result.holder_id}  {notice.kind:<22} {notice.day}", file=out)
    scanned = sum(result.scanned for result in done)
    cpu = sum(result.cpu_seconds for result in done)
    print(summary(results, scanned, args.within, seconds, cpu), file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
