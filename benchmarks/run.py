"""Run the permitflow benchmarks and print the result table.

    python benchmarks/run.py                  # everything (a few minutes)
    python benchmarks/run.py --quick          # small sizes: a smoke run of about a minute
    python benchmarks/run.py --only bare,scan # some benchmarks only
    python benchmarks/run.py --only rules --profile   # and where their time goes (cProfile)

Benchmarks: lifecycle, bare, rules, snapshot, memory, scale, scan, coldstart (see README.md).
The checkout's ``src`` is put first on the import path, so the code measured is this tree's.
Run by hand, never as a timed test.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE)]


def _number(value: float) -> str:
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _table(rows: Sequence[object]) -> str:
    from _timing import Row

    lines = [
        "| benchmark | measure | median | min – max | unit | target | met |",
        "|---|---|---:|---:|---|---|---|",
    ]
    for row in rows:
        assert isinstance(row, Row)
        spread = (
            "" if row.value.count == 1
            else f"{_number(row.value.low)} – {_number(row.value.high)}"
        )  # fmt: skip
        met = "" if row.met is None else ("yes" if row.met else "**no**")
        lines.append(
            f"| {row.benchmark} | {row.measure} | {_number(row.value.median)} | {spread} "
            f"| {row.unit} | {row.target} | {met} |"
        )
    return "\n".join(lines)


def _header(quick: bool) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"permitflow benchmarks, {'quick' if quick else 'full'} run, "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %z}\n"
        f"Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores"
    )


def main(argv: Sequence[str] | None = None) -> int:
    from _suite import BENCHMARKS, Sizes

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument(
        "--only",
        metavar="NAME[,NAME]",
        help=f"run only these benchmarks: {', '.join(BENCHMARKS)}",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run under cProfile and print the functions taking the most time (set-up included)",
    )
    args = parser.parse_args(argv)
    names = list(BENCHMARKS)
    if args.only:
        names = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in names if name not in BENCHMARKS]
        if unknown:
            parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    sizes = Sizes.smoke() if args.quick else Sizes.full()
    print(_header(args.quick), flush=True)
    profiler = cProfile.Profile() if args.profile else None
    rows = []
    for name in names:
        start = time.perf_counter()
        if profiler is None:
            rows += BENCHMARKS[name](sizes)
        else:
            rows += profiler.runcall(BENCHMARKS[name], sizes)
        print(f"  {name}: {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    print()
    print(_table(rows))
    if profiler is not None:
        print()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(30)
    missed = [row for row in rows if row.met is False]
    print()
    print(f"{sum(row.met is True for row in rows)} targets met, {len(missed)} missed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
