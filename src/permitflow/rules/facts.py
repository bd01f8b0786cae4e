"""What a rule's message is made of: typed facts, rendered in words only when it is read.

A check hands each verdict that does not pass a `Facts` instance: an attrs class whose fields
are its message's placeholders, typed (a date, a count, a label, a `Unit`), never pre-formatted
strings. The rule binds every facts class its check declares to a text of its catalogue when
it is defined (see [`permitflow.messages`][permitflow.messages]); the formatter renders each
field in the reader's language. The values below are the few a rule message needs beyond
dates, numbers and labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import ClassVar

from attrs import frozen

from permitflow.errors import PermitflowError
from permitflow.identifiers import normalize_credit_code as _normal
from permitflow.messages import Language
from permitflow.records.holder import HolderRecord
from permitflow.retirement import Retirement
from permitflow.text import MISSING, Bytes, Money, Quoted, organisation

__all__ = [
    "PLAIN",
    "Age",
    "Bytes",
    "Facts",
    "Given",
    "Month",
    "MonthSpan",
    "Money",
    "Plain",
    "Reason",
    "Unit",
    "indexed_months",
    "months",
    "unit",
    "units",
]


class Facts:
    """The typed context of a rule's message: subclass it with an attrs class whose fields are
    the message's placeholders (``@frozen class NoContract(Facts): employer: Unit``).

    A check hands a failing or waiting verdict its facts (``failed(field, NoContract(...))``)
    and declares the classes it may hand in its return annotation
    (``-> Iterable[Verdict[NoContract | ThirdParty]]``); the rule binds each class to its
    text when it is defined. ``variant`` names the text: None for the rule's own message
    (code ``EMP-004``), a word for a distinct cause (code ``EMP-004.third_party``)."""

    __slots__ = ()
    variant: ClassVar[str | None] = None


@frozen
class Plain(Facts):
    """No facts: the rule's own message says it all."""


PLAIN = Plain()


@frozen
class Unit:
    """An organisation as a person knows it: its name, with its unified social credit code."""

    credit_code: str | None
    """The code as the record holds it; None when there is none."""
    name: str | None = None
    """The name, when the record has one for that code."""

    def words(self, lang: Language) -> str:
        """Its name with its code in brackets, or the code alone when the name is unknown."""
        return organisation(self.name, self.credit_code, lang)

    def __str__(self) -> str:
        # What a program reads in a finding's facts: the code alone.
        return self.credit_code or ""


@frozen
class Given:
    """Something a person typed that may be missing: read in quotes, or as 「未填写」."""

    text: str | None
    """What was typed; None (or only spaces) when nothing was."""

    def words(self, lang: Language) -> str:
        """The text in quotes, or the words for nothing."""
        if self.text is None or not self.text.strip():
            return MISSING[lang]
        return Quoted(self.text.strip()).words(lang)

    def __str__(self) -> str:
        return (self.text or "").strip()


@frozen
class Month:
    """A calendar month, read ``2025-09``."""

    first_day: date
    """Its first day."""

    def words(self, lang: Language) -> str:
        """The month as ``YYYY-MM``."""
        return self.first_day.strftime("%Y-%m")

    def __str__(self) -> str:
        return self.first_day.strftime("%Y-%m")

    @classmethod
    def of_index(cls, index: int) -> Month:
        """The month of a month index (``permitflow.months.month_index``)."""
        year, month0 = divmod(index, 12)
        return cls(date(year, month0 + 1, 1))


def months(days: Iterable[date]) -> tuple[Month, ...]:
    """The months of ``days``, in their order."""
    return tuple(Month(day.replace(day=1)) for day in days)


def indexed_months(indices: Iterable[int]) -> tuple[Month, ...]:
    """The months of month indices, in their order."""
    return tuple(Month.of_index(index) for index in indices)


@frozen
class MonthSpan:
    """Consecutive calendar months, read ``2023-03 至 2026-02``."""

    first: Month
    """The first month."""
    last: Month
    """The last month (the first one again for a span of one month)."""

    @classmethod
    def of(cls, indices: range) -> MonthSpan | None:
        """The span of a range of month indices; None when it is empty."""
        if not indices:
            return None
        return cls(Month.of_index(indices.start), Month.of_index(indices.stop - 1))

    def words(self, lang: Language) -> str:
        """The first and the last month."""
        first, last = self.first.words(lang), self.last.words(lang)
        return f"{first} 至 {last}" if lang == "zh" else f"{first} to {last}"

    def __str__(self) -> str:
        return f"{self.first}..{self.last}"


@frozen
class Reason:
    """What an error says, as a fact of a rule's message: its message, as a clause."""

    error: PermitflowError
    """The error, e.g. the [`InvalidIdentifier`][permitflow.errors.InvalidIdentifier] a parse
    raised."""

    def words(self, lang: Language) -> str:
        """The error's message in ``lang``, without its final stop."""
        return self.error.message(lang).rstrip("。.")

    def __str__(self) -> str:
        # What a program reads in a finding's facts: the error's code.
        return self.error.code


@frozen
class Age:
    """A statutory retirement age, read ``60岁3个月`` / ``60 years 3 months``."""

    retirement: Retirement
    """The retirement whose age it is."""

    def words(self, lang: Language) -> str:
        """The age in years and months."""
        return self.retirement.age_zh if lang == "zh" else self.retirement.age_en

    def __str__(self) -> str:
        return self.retirement.age_zh


def unit(holder: HolderRecord, code: str | None) -> Unit:
    """The organisation of credit code ``code`` with the name the holder's record gives it:
    the associated employer's, else a work-history employer's."""
    if code is None:
        return Unit(None)
    return Unit(code, _name_of(holder, _normal(code)))


def units(holder: HolderRecord, codes: Iterable[str]) -> tuple[Unit, ...]:
    """`unit` of each code, in the order of the codes sorted."""
    return tuple(unit(holder, code) for code in sorted(codes))


def _name_of(holder: HolderRecord, code: str) -> str | None:
    employer = holder.association.employer
    if employer is not None and _normal(employer.credit_code) == code:
        return employer.name
    for record in holder.profile.work_history:
        if record.employer_uscc is not None and _normal(record.employer_uscc) == code:
            return record.employer_name
    return None
