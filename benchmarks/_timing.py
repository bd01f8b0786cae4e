"""Repeated, interleaved measurements and the rows of the result table.

The machine running the benchmarks is shared: a single measurement means little. Every number
is the median of several samples, shown with their range, and variants that are compared are
measured in turns within each repeat (the order rotating from one repeat to the next) so that a
burst of outside load hits all of them alike. A ratio is computed per repeat from the samples of
that repeat, then summarised the same way.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TypeVar

from attrs import frozen

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


@frozen
class Stats:
    median: float
    low: float
    high: float
    count: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        if not values:
            raise ValueError("no samples to summarise")
        return cls(statistics.median(values), min(values), max(values), len(values))

    def map(self, convert: Callable[[float], float]) -> Stats:
        """The same statistics in another unit; a decreasing ``convert`` swaps low and high."""
        a, b = convert(self.low), convert(self.high)
        return Stats(convert(self.median), min(a, b), max(a, b), self.count)


def timed(action: Callable[[], object]) -> float:
    """Seconds taken by ``action``, after a collection so that earlier garbage is not billed."""
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def interleaved(variants: Mapping[K, Callable[[], T]], repeats: int) -> dict[K, list[T]]:
    """``repeats`` samples of each variant, taken in turns, the order rotating each repeat.

    A variant runs one sample and returns what it measured (seconds per unit, bytes, …).
    """
    names = list(variants)
    samples: dict[K, list[T]] = {name: [] for name in names}
    for repeat in range(repeats):
        shift = repeat % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name].append(variants[name]())
    return samples


def paired_ratio(numerator: Sequence[float], denominator: Sequence[float]) -> Stats:
    """Ratios of samples taken in the same repeat, summarised."""
    return Stats.of([a / b for a, b in zip(numerator, denominator, strict=True)])


@frozen
class Row:
    """One line of the result table."""

    benchmark: str
    measure: str
    value: Stats
    unit: str
    target: str = ""
    met: bool | None = None
    """None when the row has no target."""


def per_second(seconds_per_unit: Stats) -> Stats:
    return seconds_per_unit.map(lambda seconds: 1.0 / seconds)


def micros(seconds: Stats) -> Stats:
    return seconds.map(lambda value: value * 1e6)
