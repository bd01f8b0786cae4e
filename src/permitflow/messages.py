"""The words a person reads: message templates in Chinese and English, keyed by a stable code.

A portal shows a finding's or an error's message as it is, to applicants and HR clerks, so
every sentence comes from one catalogue and every fact in it is rendered by one formatter
([`words`][permitflow.messages.words]): dates as ``2026-05-01``, counts and amounts with their
unit, a missing value as 「未填写」, lists with 、, an enum value or a code never as such.

A [`Catalogue`][permitflow.messages.Catalogue] maps a code (``EMP-004``, ``EMP-004.no_contract``,
``EMP-004.title``, ``event_not_allowed``) to a text in both languages with named placeholders
(``{employer}``). A code is bound to its *context* — an attrs class whose fields are the
placeholders and their types, or a mapping of names to types — with
[`Catalogue.template`][permitflow.messages.Catalogue.template], which checks the pair: a
placeholder the context does not have, a field of the context that a language never uses, a
format specification or a conversion (``{x:>3}``, ``{x!r}``: the formatter alone decides how a
value reads), a missing language, an empty text — all raise
[`DefinitionError`][permitflow.errors.DefinitionError] naming the file and the code. Binding
happens when the rule or the error class is defined, at import, so that no wording problem is
found while a case is judged.

Where the texts live: in data files next to what they describe — a rule set's ``texts/*.toml``
(one file per rule module, keyed by rule id) and the library's own ``texts/*.toml`` (error codes).
Data rather than strings in code because a derived rule set (another district, a policy variant)
rewords a rule with one overlay file and no code
([`Catalogue.overlay`][permitflow.messages.Catalogue.overlay]), a translator or a reviewer reads
every sentence of a rule set in one place, and the rules page of the documentation is drawn from
the same files. The typed contexts stay in code, next to the check that fills them, because the
type checker then holds a check to the facts its message declares.

A [`Template`][permitflow.messages.Template] renders lazily: ``template.text(values)`` keeps the
values and renders a language only when it is read (then keeps it), which is what a finding
does — most findings are stored or counted, few are read in both languages.

File format (TOML; a table with ``zh`` and ``en`` is a text, its sub-tables are codes below it)::

    ["EMP-004"]
    title = { zh = "个税和社保由签订劳动合同的申请单位缴纳", en = "Tax and insurance are paid ..." }
    ["EMP-004".no_contract]
    zh = "尚无劳动合同记录……"
    en = "No labour contract is on record ..."
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
from attrs import frozen

if TYPE_CHECKING:
    from permitflow.errors import DefinitionError

__all__ = [
    "LANGUAGES",
    "Catalogue",
    "Context",
    "Language",
    "Template",
    "Text",
    "catalogue_error",
    "words",
]

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

Context = type | Mapping[str, Any]
"""What a template's placeholders are: an attrs class (its fields and their types) or a mapping
of placeholder names to types."""

_Part = tuple[str, str | None]
"""A literal text and the placeholder that follows it (None at the end)."""


def catalogue_error(what: str, errors: list[str]) -> DefinitionError:
    """The error of texts that do not match their code's context (``errors``: the problems,
    each ``"problem @ file:$.code.lang"``)."""
    # Imported here: the exception classes take their own texts from a catalogue.
    from permitflow.errors import DefinitionError

    return DefinitionError("catalogue", catalogue=what, problems=errors)


# --- the formatter -------------------------------------------------------------------------------


def words(value: object, lang: Language) -> str:
    """A fact as a person reads it in ``lang``: [`permitflow.text.render`][permitflow.text.render],
    the one formatter (labels for codes, ``2026-05-01`` for dates, 「未填写」 for nothing)."""
    # Imported here: the formatter reads the labels, which this module's loader reads.
    from permitflow.text import render

    return render(value, lang)


# --- templates -----------------------------------------------------------------------------------


def _parse(text: str) -> tuple[tuple[_Part, ...], list[str]]:
    """The parts of a template text and the problems of its placeholders."""
    parts: list[_Part] = []
    problems: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        return (), [f"unbalanced braces ({error})"]
    for literal, name, spec, conversion in parsed:
        if name is None:
            parts.append((literal, None))
            continue
        if not name.isidentifier():
            problems.append(f"placeholder {{{name}}} is not a plain name")
        if spec or conversion:
            problems.append(f"placeholder {{{name}}} has a format or conversion")
        parts.append((literal, name))
    return tuple(parts), problems


def _placeholders(parts: Iterable[_Part]) -> set[str]:
    return {name for _, name in parts if name is not None}


@frozen(eq=False)
class Template:
    """One code's text in both languages, checked against its context."""

    code: str
    """The code it is the text of, e.g. ``EMP-004.no_contract``."""
    zh: str
    """The Chinese text, placeholders in braces."""
    en: str
    """The English text, placeholders in braces."""
    fields: tuple[str, ...]
    """The placeholders, which are exactly the context's fields."""
    _parts: Mapping[Language, tuple[_Part, ...]] = attrs.field(repr=False)
    _compiled: dict[Language, tuple[str, tuple[str, ...]]] = attrs.field(
        init=False, repr=False, factory=dict
    )
    """Per language: the text as a positional format string and the placeholder of each
    position, so that rendering is one ``str.format`` call."""

    def __attrs_post_init__(self) -> None:
        for lang in LANGUAGES:
            pattern: list[str] = []
            names: list[str] = []
            for literal, name in self._parts[lang]:
                pattern.append(literal.replace("{", "{{").replace("}", "}}"))
                if name is not None:
                    pattern.append(f"{{{len(names)}}}")
                    names.append(name)
            self._compiled[lang] = ("".join(pattern), tuple(names))

    def render(self, values: object, lang: Language) -> str:
        """The text in ``lang``, each placeholder filled with its value's words; ``values`` is a
        mapping or an object with the context's fields as attributes."""
        pattern, names = self._compiled[lang]
        if not names:
            return pattern.format()
        get: Callable[[str], object] = (
            values.__getitem__ if isinstance(values, Mapping) else values.__getattribute__
        )
        return pattern.format(*[words(get(name), lang) for name in names])

    def text(self, values: object = None) -> Text:
        """The text with ``values``, rendered per language when read."""
        return Text(self, values)

    def then(self, other: Template) -> Template:
        """This text followed by ``other``'s (a note appended to a message); ``other`` may add
        no placeholders of its own."""
        if other.fields:
            raise catalogue_error(
                self.code, [f"{other.code} adds placeholders {list(other.fields)}"]
            )
        return Template(
            f"{self.code}+{other.code}",
            self.zh + other.zh,
            self.en + other.en,
            self.fields,
            {lang: self._parts[lang] + other._parts[lang] for lang in LANGUAGES},
        )

    @classmethod
    def literal(cls, code: str, zh: str, en: str) -> Template:
        """A text without placeholders, taken as it is (braces included)."""
        return cls(code, zh, en, (), {"zh": ((zh, None),), "en": ((en, None),)})


class Text:
    """A template and its values, rendered in a language the first time it is read."""

    __slots__ = ("_en", "_template", "_values", "_zh")

    def __init__(self, template: Template, values: object = None) -> None:
        self._template = template
        self._values = values
        self._zh: str | None = None
        self._en: str | None = None

    @property
    def template(self) -> Template:
        """The template it renders."""
        return self._template

    @property
    def values(self) -> object:
        """The values it fills the template with (a mapping or an object with attributes)."""
        return self._values

    @property
    def zh(self) -> str:
        """The text in Chinese (rendered on first reading)."""
        if self._zh is None:
            self._zh = self._template.render(self._values, "zh")
        return self._zh

    @property
    def en(self) -> str:
        """The text in English (rendered on first reading)."""
        if self._en is None:
            self._en = self._template.render(self._values, "en")
        return self._en

    def in_language(self, lang: Language) -> str:
        """The text in ``lang``."""
        return self.zh if lang == "zh" else self.en

    def words(self, lang: Language) -> str:
        """A text is a value like any other: placed in another template, it reads itself."""
        return self.in_language(lang)

    def __repr__(self) -> str:
        return f"Text({self._template.code!r}, {self.zh!r})"


def context_fields(context: Context) -> dict[str, Any]:
    """The placeholder names of a context and their declared types."""
    if isinstance(context, Mapping):
        return dict(context)
    if not attrs.has(context):
        raise TypeError(f"a context is an attrs class or a mapping, not {context!r}")
    return {field.name: field.type for field in attrs.fields(context)}


# --- the catalogue -------------------------------------------------------------------------------


@frozen
class _Entry:
    zh: str
    en: str
    where: str
    """``file:$.code`` for messages."""
    parts: Mapping[Language, tuple[_Part, ...]]


_TEXT_KEYS = frozenset(LANGUAGES)


def _entries(document: Mapping[str, Any], file: str) -> tuple[dict[str, _Entry], list[str]]:
    entries: dict[str, _Entry] = {}
    errors: list[str] = []

    def walk(table: Mapping[str, Any], prefix: str) -> None:
        texts = {key: table[key] for key in LANGUAGES if key in table}
        where = f"{file}:$.{prefix}"
        if texts:
            missing = [lang for lang in LANGUAGES if lang not in texts]
            if missing:
                errors.append(f"missing language {', '.join(missing)} @ {where}")
            parts: dict[Language, tuple[_Part, ...]] = {}
            for lang in LANGUAGES:
                text = texts.get(lang, "")
                if not isinstance(text, str):
                    errors.append(f"expected a string @ {where}.{lang}")
                    continue
                if lang in texts and not text.strip():
                    errors.append(f"empty text @ {where}.{lang}")
                parsed, problems = _parse(text)
                errors.extend(f"{problem} @ {where}.{lang}" for problem in problems)
                parts[lang] = parsed
            if not missing and len(parts) == len(LANGUAGES):
                entries[prefix] = _Entry(texts["zh"], texts["en"], where, parts)
        for key, value in table.items():
            if key in _TEXT_KEYS:
                continue
            code = f"{prefix}.{key}" if prefix else key
            if isinstance(value, Mapping):
                walk(value, code)
            else:
                errors.append(f"expected a table with zh and en @ {file}:$.{code}")

    walk(document, "")
    return entries, errors


def _read(file: Path) -> tuple[dict[str, _Entry], list[str]]:
    try:
        with file.open("rb") as handle:
            document = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        return {}, [f"not valid TOML: {error} @ {file.name}"]
    return _entries(document, file.name)


@frozen(eq=False)
class Catalogue:
    """Texts by code, loaded from TOML files and checked; bind a code to its context with
    [`template`][permitflow.messages.Catalogue.template]."""

    name: str
    """For messages: the rule set or the library the texts belong to."""
    _entries: Mapping[str, _Entry] = attrs.field(repr=False)

    @classmethod
    def load(cls, name: str, files: Iterable[Path]) -> Catalogue:
        """Read every file; a code may be written in one file only."""
        entries: dict[str, _Entry] = {}
        errors: list[str] = []
        for file in sorted(files):
            found, problems = _read(file)
            errors.extend(problems)
            for code, entry in found.items():
                earlier = entries.get(code)
                if earlier is not None:
                    errors.append(f"{code} is written twice @ {entry.where} and {earlier.where}")
                entries[code] = entry
        if errors:
            raise catalogue_error(name, errors)
        return cls(name, entries)

    @classmethod
    def of(cls, name: str, texts: Mapping[str, tuple[str, str]]) -> Catalogue:
        """A catalogue written in code: code → (zh, en), checked like a file."""
        document: dict[str, Any] = {}
        for code, (zh, en) in texts.items():
            document[code] = {"zh": zh, "en": en}
        entries, errors = _entries(_nested(document), name)
        if errors:
            raise catalogue_error(name, errors)
        return cls(name, entries)

    def overlay(self, files: Iterable[Path]) -> Catalogue:
        """This catalogue with some texts reworded by ``files`` (a derived rule set's wording).

        An overlay rewords codes that exist; a new code has no context to be checked against."""
        changed = Catalogue.load(f"{self.name} (overlay)", files)
        unknown = sorted(set(changed._entries) - set(self._entries))
        if unknown:
            raise catalogue_error(
                changed.name, [f"{code} is not a code of {self.name}" for code in unknown]
            )
        return Catalogue(self.name, {**self._entries, **changed._entries})

    def extended(self, texts: Mapping[str, tuple[str, str]]) -> Catalogue:
        """This catalogue with more texts written in code (code → (zh, en)): a text may be
        given again only in the same words, as rewording belongs to ``overlay``."""
        added = Catalogue.of(f"{self.name} (extension)", texts)
        changed = sorted(
            code for code in texts
            if code in self._entries
            and (self._entries[code].zh, self._entries[code].en)
            != (added._entries[code].zh, added._entries[code].en)
        )  # fmt: skip
        if changed:
            raise catalogue_error(
                added.name, [f"{code} is written already, in other words" for code in changed]
            )
        return Catalogue(self.name, {**added._entries, **self._entries})

    @property
    def codes(self) -> frozenset[str]:
        """Every code it has a text for."""
        return frozenset(self._entries)

    def __contains__(self, code: object) -> bool:
        return code in self._entries

    def placeholders(self, code: str) -> frozenset[str]:
        """The placeholders the text of ``code`` names, in either language (none without it)."""
        entry = self._entries.get(code)
        if entry is None:
            return frozenset()
        return frozenset().union(*(_placeholders(entry.parts[lang]) for lang in LANGUAGES))

    def template(self, code: str, context: Context | None = None) -> Template:
        """The text of ``code`` bound to ``context`` (None: no placeholders), checked."""
        entry = self._entries.get(code)
        if entry is None:
            raise catalogue_error(self.name, [f"no text for code {code}"])
        fields = context_fields(context) if context is not None else {}
        errors = []
        for lang in LANGUAGES:
            used = _placeholders(entry.parts[lang])
            errors += [
                f"unknown placeholder {{{name}}} @ {entry.where}.{lang}"
                for name in sorted(used - fields.keys())
            ]
            errors += [
                f"context field {name} is never used @ {entry.where}.{lang}"
                for name in fields
                if name not in used
            ]
        errors += [
            f"context field {name} holds {kind!r}, which reads as a byte dump or a code "
            f"@ {entry.where}"
            for name, kind in fields.items()
            if kind in (bytes, "bytes", object, "object", Any, "Any")
        ]
        if errors:
            raise catalogue_error(self.name, errors)
        return Template(code, entry.zh, entry.en, tuple(fields), entry.parts)

    def check_used(self, bound: Iterable[str]) -> None:
        """Raise when a code of this catalogue is not among ``bound``: a text nothing would ever
        show (a rule renamed or removed, a variant misspelt)."""
        unused = sorted(set(self._entries) - set(bound))
        if unused:
            raise catalogue_error(
                self.name,
                [f"{code} is bound to nothing @ {self._entries[code].where}" for code in unused],
            )


def _nested(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"A.b": t}`` as ``{"A": {"b": t}}``, the shape a TOML file has."""
    root: dict[str, Any] = {}
    for code, value in flat.items():
        table = root
        *heads, last = code.split(".")
        for head in heads:
            table = table.setdefault(head, {})
        table.setdefault(last, {}).update(value)
    return root
