"""Rule parameters: dated, cited values read strictly from TOML files.

A rule's logic is code; every number, list or switch it uses is a parameter here, keyed by the
day it took effect and citing where it comes from. One file format, read with stdlib
``tomllib``; nothing in a file is ever evaluated — a string that looks like code stays a string.

Format (every ``*.toml`` file of a rule set's ``parameters`` folder; a dotted parameter name is
its table path)::

    [renewal.working_days_before_expiry]
    label_zh = "续签至少提前提交的工作日数"
    label_en = "Working days before expiry by which a renewal must be submitted"
    unit = "working_days"          # optional free text: working_days, months, bytes, count, ...
    confidence = "C"               # C manual, S secondary source, I inference, U unknown
    [[renewal.working_days_before_expiry.values]]
    since = 2021-01-01             # a TOML date (not a string): the first day the value applies
    value = 20                     # int, float, bool, string, array or (inline) table
    citation = "M§3 注意事项 3"     # required: where the value comes from
    quote = "申请办理续签业务需至少提前 20 个工作日（规定审核周期）提交"   # optional

Strictness: an unknown key, a value of the wrong TOML type, a missing ``citation``, two values
with the same ``since``, values of different types within one parameter, a table that is neither
a parameter nor a namespace of parameters, or a parameter defined in two files raise
[`RuleDataError`][permitflow.errors.RuleDataError]; its ``context["errors"]`` lists
``"message @ $.path.to.field"`` lines and ``context["file"]`` names the file.

Resolution by date: the value in force on a day is the one with the latest ``since`` on or
before that day. Asking before the first ``since`` raises — a parameter has no value before the
rule existed, rather than a silent zero.
"""

from __future__ import annotations

import bisect
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import attrs
import cattrs
from attrs import frozen

from permitflow._problems import jsonable, problems_of
from permitflow.errors import (
    Expected,
    Problem,
    RuleDataError,
    RuleSetNotInForce,
    UnknownParameter,
)

__all__ = [
    "Confidence",
    "DatedValue",
    "ParameterDescription",
    "ParameterTable",
    "ResolvedParameters",
    "load_parameters",
]


class Confidence(StrEnum):
    CONFIRMED = "C"
    """Stated by the manual (or checked by running the cited library)."""
    SECONDARY = "S"
    """Stated by a secondary source."""
    INFERRED = "I"
    """Our inference or design choice."""
    UNKNOWN = "U"
    """Not confirmed anywhere; a default to be replaced when the guide is known."""


@frozen
class DatedValue:
    """One value of a parameter, in force from ``since`` until the next value's day."""

    since: date
    value: Any
    citation: str
    """Where the value comes from (a manual section, a notice)."""
    quote: str = ""
    """The sentence of the source that states it, in the source's language."""


@frozen
class ParameterDescription:
    """One parameter with its labels and its dated, cited values (oldest first)."""

    name: str
    label_zh: str
    label_en: str
    confidence: Confidence
    values: tuple[DatedValue, ...]
    unit: str | None = None
    file: str = ""
    """The file that defines it, for messages."""

    def value_on(self, day: date) -> Any:
        """The value in force on ``day``; raises before the first ``since``."""
        index = bisect.bisect_right([v.since for v in self.values], day) - 1
        if index < 0:
            raise self.not_in_force()
        return self.values[index].value

    def not_in_force(self) -> RuleSetNotInForce:
        first = self.values[0].since
        return RuleSetNotInForce("parameter", parameter=self.name, first=first)


# --- the file schema ----------------------------------------------------------------------------


@frozen
class _ValueData:
    since: date
    value: Any
    citation: str
    quote: str = ""


@frozen
class _ParameterData:
    label_zh: str
    label_en: str
    confidence: Confidence
    values: tuple[_ValueData, ...]
    unit: str | None = None


def _strict(kind: type) -> Any:
    def structure(value: Any, _: Any) -> Any:
        # bool is an int and datetime a date in Python; TOML keeps them apart, so do we.
        if type(value) is not kind:
            raise TypeError(f"expected a TOML {kind.__name__}")
        return value

    return structure


def _converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    converter.register_structure_hook(str, _strict(str))
    converter.register_structure_hook(date, _strict(date))
    # Confidence is a str subclass; without its own hook the str hook would let "maybe" in.
    converter.register_structure_hook(Confidence, lambda value, _: Confidence(value))
    return converter


_CONVERTER = _converter()


def _data_error(file: Path, problems: list[Problem]) -> RuleDataError:
    return RuleDataError(file=str(file), problems=problems)


def _parameters_in(
    table: Mapping[str, Any], prefix: str
) -> Iterator[tuple[str, Mapping[str, Any] | None]]:
    """(dotted name, parameter table) pairs; None for a key that is no table at all."""
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if not isinstance(value, dict):
            yield name, None
        elif "values" in value or "label_zh" in value:
            yield name, value
        else:
            yield from _parameters_in(value, name)


def _structure(name: str, data: Mapping[str, Any], file: Path) -> ParameterDescription:
    path = f"$.{name}"
    try:
        parsed = _CONVERTER.structure(data, _ParameterData)
    except cattrs.BaseValidationError as exc:
        raise _data_error(file, problems_of(exc, data, path)) from None
    problems: list[Problem] = []
    if not parsed.values:
        problems.append(Problem("at_least_one_value", f"{path}.values"))
    seen: dict[date, int] = {}
    for index, value in enumerate(parsed.values):
        where = f"{path}.values[{index}]"
        if value.since in seen:
            problems.append(Problem(
                "since_repeats", f"{where}.since", value.since.isoformat(),
                facts={"index": seen[value.since]},
            ))  # fmt: skip
        seen.setdefault(value.since, index)
        if not value.citation.strip():
            problems.append(Problem("empty_citation", f"{where}.citation"))
        if parsed.values and type(value.value) is not type(parsed.values[0].value):
            problems.append(Problem("value_type_differs", f"{where}.value"))
    if problems:
        raise _data_error(file, problems)
    return ParameterDescription(
        name=name,
        label_zh=parsed.label_zh,
        label_en=parsed.label_en,
        confidence=parsed.confidence,
        values=tuple(
            DatedValue(v.since, v.value, v.citation, v.quote)
            for v in sorted(parsed.values, key=lambda v: v.since)
        ),
        unit=parsed.unit,
        file=file.name,
    )


def _load_file(file: Path) -> list[ParameterDescription]:
    try:
        with file.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise _data_error(file, [Problem("not_toml", facts={"detail": str(exc)})]) from None
    found = []
    for name, data in _parameters_in(document, ""):
        if data is None:
            raise _data_error(file, [Problem("outside_table", f"$.{name}")])
        found.append(_structure(name, data, file))
    return found


def load_parameters(files: Iterable[Path]) -> ParameterTable:
    """Read and check every file; a parameter may be defined in one file only."""
    by_name: dict[str, ParameterDescription] = {}
    for file in sorted(files):
        for parameter in _load_file(file):
            earlier = by_name.get(parameter.name)
            if earlier is not None:
                raise _data_error(file, [
                    Problem("defined_in", f"$.{parameter.name}", facts={"file": earlier.file})
                ])  # fmt: skip
            by_name[parameter.name] = parameter
    return ParameterTable(tuple(by_name.values()))


# --- resolution ---------------------------------------------------------------------------------


class ResolvedParameters(Mapping[str, Any]):
    """The parameter values in force on one day, by dotted name (read-only).

    A parameter that exists but has no value yet on that day raises
    [`RuleSetNotInForce`][permitflow.errors.RuleSetNotInForce]; an unknown name raises
    [`UnknownParameter`][permitflow.errors.UnknownParameter] with the name and the day (a
    ``KeyError`` too, so ``get`` answers its default).
    """

    __slots__ = ("_pending", "_values", "day")

    def __init__(
        self, values: dict[str, Any], pending: Mapping[str, ParameterDescription], day: date
    ) -> None:
        self._values = values
        self._pending = pending
        self.day = day
        """The day they are asked for, which an unknown name's error names."""

    def on_day(self, day: date) -> ResolvedParameters:
        """The same values, asked for on ``day`` of the same period."""
        return ResolvedParameters(self._values, self._pending, day)

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            parameter = self._pending.get(name)
            if parameter is None:
                raise UnknownParameter(parameter=name, day=self.day) from None
            raise parameter.not_in_force() from None

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


@frozen(eq=False)
class ParameterTable:
    """All parameters of a rule set, resolved per day with one cached answer per period."""

    parameters: tuple[ParameterDescription, ...]
    _by_name: dict[str, ParameterDescription] = attrs.field(init=False, repr=False, eq=False)
    _boundaries: list[date] = attrs.field(init=False, repr=False, eq=False)
    _resolved: dict[int, ResolvedParameters] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {p.name: p for p in self.parameters})
        boundaries = sorted({v.since for p in self.parameters for v in p.values})
        object.__setattr__(self, "_boundaries", boundaries)
        object.__setattr__(self, "_resolved", {})

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def get(self, name: str) -> ParameterDescription:
        return self._by_name[name]

    def describe(self) -> tuple[ParameterDescription, ...]:
        """Every parameter, sorted by name, with labels, unit, confidence and cited values."""
        return tuple(sorted(self.parameters, key=lambda p: p.name))

    def overlaid(
        self,
        changes: Mapping[str, object],
        *,
        since: date,
        citation: str,
        origin: str,
        problems: list[Problem],
    ) -> ParameterTable:
        """This table with ``changes`` (name → value) laid over it, the way a derived rule set
        redefines what it inherits; what is wrong is appended to ``problems``.

        A plain value applies from ``since`` with ``citation``; a
        [`DatedValue`][permitflow.rules.parameters.DatedValue] from its own day with its own
        citation. Either keeps the inherited values before that day (the history stays readable)
        and the inherited labels, unit and confidence, and must be of the inherited value's type.
        A [`ParameterDescription`][permitflow.rules.parameters.ParameterDescription] defines the
        parameter anew (a new parameter needs its labels). Every changed parameter is then
        defined by ``origin``, which messages name instead of the inherited file.
        """
        by_name = dict(self._by_name)
        for name, change in changes.items():
            path = f"$.{name}"
            inherited = by_name.get(name)
            if isinstance(change, ParameterDescription):
                base, values = change, change.values
            elif inherited is None:
                problems.append(Problem("unknown_parameter", path))
                continue
            else:
                dated = change if isinstance(change, DatedValue) else (
                    DatedValue(since, change, citation)
                )  # fmt: skip
                base = inherited
                values = (*(v for v in inherited.values if v.since < dated.since), dated)
            if not values:
                problems.append(Problem("at_least_one_value", f"{path}.values"))
                continue
            kind = type((inherited or base).values[0].value)
            for index, value in enumerate(values):
                where = f"{path}.values[{index}]"
                if type(value.value) is not kind:
                    problems.append(Problem(
                        "wrong", f"{where}.value", jsonable(value.value), Expected.of(kind)
                    ))  # fmt: skip
                # ``citation`` itself is the caller's to check, once.
                if value.citation is not citation and not value.citation.strip():
                    problems.append(Problem("empty_citation", f"{where}.citation"))
            by_name[name] = attrs.evolve(base, name=name, values=values, file=origin)
        return ParameterTable(tuple(by_name.values()))

    def changes_between(self, name: str, start: date, end: date | None) -> tuple[date, ...]:
        """The ``since`` dates of ``name`` falling after ``start`` and on or before ``end``."""
        return tuple(
            v.since
            for v in self._by_name[name].values
            if v.since > start and (end is None or v.since <= end)
        )

    def on(self, day: date | datetime) -> ResolvedParameters:
        """The values in force on ``day``; computed once per period between two changes, and
        shared by its days (its ``day`` is the period's first; ``on_day`` names another)."""
        day = day.date() if isinstance(day, datetime) else day
        period = bisect.bisect_right(self._boundaries, day)
        resolved = self._resolved.get(period)
        if resolved is None:
            values: dict[str, Any] = {}
            pending: dict[str, ParameterDescription] = {}
            for parameter in self.parameters:
                if parameter.values[0].since <= day:
                    values[parameter.name] = parameter.value_on(day)
                else:
                    pending[parameter.name] = parameter
            # Named by the first day of the period: every day of it shares the resolution.
            start = self._boundaries[period - 1] if period else day
            resolved = ResolvedParameters(values, pending, start)
            self._resolved[period] = resolved
        return resolved
