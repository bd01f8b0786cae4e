"""The library's own texts (``permitflow/texts/*.toml``): error messages, the problems of a
document and the phrases they use, each bound to its typed facts by
[`permitflow.errors`][permitflow.errors] when it is imported."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import Path

from permitflow.messages import Catalogue, Context, Language, Template

_TEMPLATES: dict[str, Template] = {}
"""Every text bound so far, by code."""


@cache
def catalogue() -> Catalogue:
    """The catalogue, read on first use: its errors are the error tree's own, so it is read only
    once that tree exists."""
    return Catalogue.load("permitflow", (Path(__file__).parent / "texts").glob("*.toml"))


def bind(code: str, context: Context | None) -> None:
    """Bind ``code`` to ``context`` (its facts and their types), checked by the catalogue."""
    _TEMPLATES[code] = catalogue().template(code, context)


def bound() -> frozenset[str]:
    """The codes bound so far."""
    return frozenset(_TEMPLATES)


def has(code: str) -> bool:
    """Whether ``code`` has a bound text."""
    return code in _TEMPLATES


def render(code: str, lang: Language, values: Mapping[str, str] | None = None) -> str:
    """The text of ``code`` in ``lang``, its facts already in words."""
    return _TEMPLATES[code].render(values or {}, lang)


def message_template(code: str) -> Template:
    """The bound text of a catalogue code (``event_not_allowed``, ``invalid_input.one_of``,
    ``problem.wrong``...): its Chinese and English with the placeholders it names."""
    return _TEMPLATES[code]
