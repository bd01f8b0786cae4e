"""Facts as a person reads them: the one formatter of every message and every screen.

[`render`][permitflow.text.render] turns a value into words in one language::

    enum member          its label                      结婚证 / Marriage certificate
    date                 ISO 8601                       2026-05-01
    datetime             day and minute                 2026-05-01 09:30
    Bytes(3_000_000)     megabytes, as the platform     2.9 MB   (「大小：2M以内」)
    Money(2_500_000)     yuan, from fen                 25,000.00 元 / CNY 25,000.00
    Employer, Unit       name with credit code          北京海淀示例科技有限公司（9111…）
    True / False         yes / no                       是 / 否
    None, ()             missing, in words              未填写 / not given
    list, tuple, set     joined                         甲、乙 / A, B
    int, float           grouped from 10,000            2026, 12,000, 2.5
    Quoted("张小明")     user data, set off             “张小明”

A value with a ``words(lang)`` method (a message text, a rule's fact) says its own words. A
value of none of these kinds is a ``TypeError``: the formatter never falls back to ``repr``,
so a byte dump, a field path or an unknown object cannot reach a person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

from attrs import frozen

from permitflow._keys import Member

if TYPE_CHECKING:
    from permitflow.messages import Language
    from permitflow.records.application import BusinessType

__all__ = [
    "MISSING",
    "Bytes",
    "Labelled",
    "Money",
    "Quoted",
    "organisation",
    "referenced",
    "render",
]

MISSING = {"zh": "未填写", "en": "not given"}
"""A value nobody gave, in words."""
_YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
_LIST_SEPARATOR = {"zh": "、", "en": ", "}
_GROUPED_FROM = 10_000
"""Below it an integer is a year, a level or a count of days: no thousands separator."""


@frozen
class Bytes:
    """A size in bytes, read as the platform states its limits: in megabytes (「大小：2M以内」,
    1 MB = 1,048,576 bytes)."""

    count: int
    """The number of bytes."""

    def words(self, lang: Language) -> str:
        """Megabytes to one decimal, rounded up so that a file over a limit never reads as the
        limit itself (2 MB and one byte is 2.1 MB); below 0.1 MB in kilobytes, below 1 KB in
        bytes."""
        if self.count < 1024:
            return f"{self.count} 字节" if lang == "zh" else f"{self.count} bytes"
        if self.count < 104_858:
            return f"{-(-self.count // 1024)} KB"
        tenths = -(-self.count * 10 // 1_048_576)
        whole, rest = divmod(tenths, 10)
        return f"{whole:,} MB" if not rest else f"{whole:,}.{rest} MB"

    def __str__(self) -> str:
        # What a program reads in a finding's facts: the count itself.
        return str(self.count)


@frozen
class Money:
    """An amount of money in fen (分), as the records keep taxable income."""

    fen: int
    """The amount in fen: ``2_500_000`` is 25,000.00 yuan."""

    def words(self, lang: Language) -> str:
        """Yuan with two decimals: 25,000.00 元 / CNY 25,000.00."""
        sign = "-" if self.fen < 0 else ""
        yuan, fen = divmod(abs(self.fen), 100)
        amount = f"{sign}{yuan:,}.{fen:02d}"
        return f"{amount} 元" if lang == "zh" else f"CNY {amount}"


@frozen
class Quoted:
    """Data a person typed or a document holds (a name, an address, a file name), set off
    from the sentence in quotes; the only way free text enters a message as such."""

    text: str
    """The text as given."""

    def words(self, lang: Language) -> str:
        """The text in quotes: “张小明”."""
        return f"“{self.text}”"


@frozen
class Labelled:
    """An enum member read on one business's screen: ``Labelled(Slot.MARRIAGE,
    BusinessType.BUSINESS_CHANGE)`` reads 婚姻证明材料."""

    value: Member
    """The member."""
    business_type: BusinessType | None
    """The business whose screen it is on (None: the default label)."""

    def words(self, lang: Language) -> str:
        """The member's label on that screen."""
        return _label(self.value, lang, self.business_type)


def organisation(name: str | None, credit_code: str | None, lang: Language) -> str:
    """An organisation by name, with its unified social credit code where both are known:
    北京海淀示例科技有限公司（91110108MA01ABCD5T）; in English the Chinese name is quoted data:
    “北京海淀示例科技有限公司” (91110108MA01ABCD5T)."""
    if credit_code is None:
        if not name:
            return MISSING[lang]
        return name if lang == "zh" else f"“{name}”"
    if not name:
        return f"统一社会信用代码 {credit_code}" if lang == "zh" else credit_code
    return f"{name}（{credit_code}）" if lang == "zh" else f"“{name}” ({credit_code})"


def referenced(sentence: str, reference: str, lang: Language) -> str:
    """A sentence closed by a bracketed reference (a rule id): ``……不一致（BI-004）。`` /
    ``… differs (BI-004).``"""
    bare = sentence.rstrip("。.；; ")
    return f"{bare}（{reference}）。" if lang == "zh" else f"{bare} ({reference})."


def render(value: object, lang: Language) -> str:
    """``value`` in words, in ``lang`` (see the table above)."""
    if value is None:
        return MISSING[lang]
    spoken: Callable[[Language], str] | None = getattr(value, "words", None)
    if callable(spoken):
        return str(spoken(lang))
    if isinstance(value, bool):
        return _YES_NO[lang][0 if value else 1]
    if isinstance(value, Member):
        return _label(value, lang, None)
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= _GROUPED_FROM else str(value)
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        items = sorted(value, key=str) if isinstance(value, frozenset | set) else value
        return _LIST_SEPARATOR[lang].join(render(item, lang) for item in items) or MISSING[lang]
    name, code = getattr(value, "name", None), getattr(value, "credit_code", None)
    if isinstance(name, str) and isinstance(code, str):
        return organisation(name, code, lang)
    raise TypeError(f"no words for a {type(value).__name__}: give it a label or a words()")


def _label(value: Member, lang: Language, business_type: BusinessType | None) -> str:
    # Imported on first use: the labels' vocabularies are records whose errors speak through
    # this formatter.
    from permitflow.labels import label

    return label(value, lang, business_type=business_type)
