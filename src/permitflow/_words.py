"""Facts in words, for the messages of the error catalogue.

Labels of the built-in vocabulary (machines, states, events, roles, enum members) come from the
code that defines them: the machine definitions and the docstrings written under each field and
enum member. A fact with no label is shown as given, in quotes, never as a Python literal.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import json
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from enum import Enum
from functools import cache
from typing import Any

from permitflow import messages
from permitflow.messages import Language

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_LEADING_TERM = re.compile(rf"^([{_CJK}][{_CJK}（）()/、]*)(?=$|[\s,.;:，。；：])")
_CLOSING_TERM = re.compile(rf"\(([{_CJK}]+)\)(?=$|[.;:])")


def quoted(text: object) -> str:
    """User data, an identifier or a value given, set off from the sentence."""
    return f"“{text}”"


def clause(text: str) -> str:
    """A sentence as a clause of a longer one: without its final stop."""
    return text.rstrip("。.； ")


def sentences(parts: Iterable[str], lang: Language) -> str:
    return ("；" if lang == "zh" else "; ").join(clause(part) for part in parts)


def _series(parts: Sequence[str], lang: Language, word_zh: str, word_en: str) -> str:
    if not parts:
        return "无" if lang == "zh" else "none"
    if len(parts) == 1:
        return parts[0]
    if lang == "zh":
        return "、".join(parts[:-1]) + word_zh + parts[-1]
    return ", ".join(parts[:-1]) + f" {word_en} " + parts[-1]


def alternatives(parts: Sequence[str], lang: Language) -> str:
    """``A、B或C`` / ``A, B or C``."""
    return _series(parts, lang, "或", "or")


def conjunction(parts: Sequence[str], lang: Language) -> str:
    """``A、B和C`` / ``A, B and C``."""
    return _series(parts, lang, "和", "and")


def listing(parts: Sequence[str], lang: Language) -> str:
    """``A、B、C`` / ``A, B, C``: the items of a list, none of them preferred."""
    if not parts:
        return "无" if lang == "zh" else "none"
    return ("、" if lang == "zh" else ", ").join(parts)


def reference(rule_id: str, lang: Language) -> str:
    """A rule id as the bracketed reference closing a clause."""
    return f"（{rule_id}）" if lang == "zh" else f" ({rule_id})"


def period(version: str, start: date, end: date | None, lang: Language) -> str:
    """A rule-set version and its period of force: ``2021.11版（2021-11-01至…）``."""
    until = end.isoformat() if end is not None else "…"
    if lang == "zh":
        return f"{version}版（{start.isoformat()}至{until}）"
    return f"version {version} ({start.isoformat()} to {until})"


def say(value: Any, lang: Language) -> str:
    """Any fact in words: labels for the vocabulary and data in quotes; everything else
    through the catalogue's formatter (``permitflow.messages.words``)."""
    if isinstance(value, Enum):
        return enum_label(value, lang)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10_000:
        return str(value)  # a year, a level, a position: no thousands separator
    if isinstance(value, str):
        return quoted(value)
    if isinstance(value, bool | int | float | date):
        return messages.words(value, lang)
    if value is None or callable(getattr(value, "words", None)):
        return messages.words(value, lang)
    role = getattr(value, "role", None)
    if isinstance(role, Enum) and hasattr(value, "id"):
        return actor(value, lang)
    if isinstance(value, list | tuple | set | frozenset):
        return listing([say(item, lang) for item in value], lang)
    return quoted(value)


def given(value: Any, lang: Language) -> str:
    """A value found in a document, as it was written there (JSON), in quotes."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except ValueError:
            text = str(value)
    if len(text) > 60:
        text = text[:57] + "…"
    return quoted(text)


def actor(value: Any, lang: Language) -> str:
    """``聘用单位（91110108MA01ABCD5T）``: the role in words, the identity as data."""
    words = role(value.role, lang)
    if value.level is not None:
        level = value.level
        words = f"{words}第{level}级审核人员" if lang == "zh" else f"{words}, review level {level}"
    return f"{words}（{value.id}）" if lang == "zh" else f"{words} ({value.id})"


def role(value: Any, lang: Language) -> str:
    label: str = value.label_zh if lang == "zh" else value.label_en
    return label


# --- labels drawn from the code -------------------------------------------------------------------


def attribute_docs(cls: type) -> dict[str, str]:
    """The docstring written under each attribute of ``cls``: fields and enum members."""
    docs: dict[str, str] = {}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):
        return docs
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    for here, after in itertools.pairwise(body):
        target: ast.expr | None = None
        if isinstance(here, ast.AnnAssign):
            target = here.target
        elif isinstance(here, ast.Assign) and len(here.targets) == 1:
            target = here.targets[0]
        if (
            isinstance(target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[target.id] = inspect.cleandoc(after.value.value)
    return docs


def term(doc: str) -> str | None:
    """The platform's word for a field or value, when its docstring gives one: the Chinese term
    it opens with (``姓名, as on the card``) or the one closing its first clause (``The
    registration's nature (户口性质): …``)."""
    found = _LEADING_TERM.match(doc) or _CLOSING_TERM.search(doc.split("\n\n")[0])
    return found.group(1) if found else None


@cache
def _terms(cls: type) -> Mapping[str, str]:
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if klass.__module__.startswith("permitflow"):
            docs.update(attribute_docs(klass))
    return {name: found for name, doc in docs.items() if (found := term(doc)) is not None}


def field_term(cls: type, name: str) -> str | None:
    """The Chinese name of field ``name`` of ``cls``, when its docstring gives one."""
    return _terms(cls).get(name)


def enum_label(member: Enum, lang: Language) -> str:
    """A member's label: the role's, the business type's, else its docstring's term (zh)."""
    label = getattr(member, "label_zh" if lang == "zh" else "label_en", None)
    if isinstance(label, str):
        return label
    cls = type(member)
    if cls.__name__ == "BusinessType":
        return machine_label(str(member.value), lang) or quoted(member.value)
    if lang == "zh":
        found = _terms(cls).get(member.name)
        if found is not None:
            return found
    return quoted(member.value)


def choices(values: Sequence[Any], enum: type | None, lang: Language) -> str:
    """Allowed values: each label with its code (``新办（new）``), or the code alone in quotes."""
    spoken = []
    for value in values:
        member = _member(enum, value)
        label = enum_label(member, lang) if member is not None else None
        if label is None or label == quoted(value):
            spoken.append(quoted(value))
        elif lang == "zh":
            spoken.append(f"{label}（{value}）")
        else:
            spoken.append(f"{label} ({value})")
    return listing(spoken, lang)


def _member(enum: type | None, value: Any) -> Enum | None:
    if enum is None or not issubclass(enum, Enum):
        return None
    try:
        return enum(value)
    except ValueError:
        return None


# --- the machines' own words ------------------------------------------------------------------


@cache
def _definitions() -> Mapping[str, Any]:
    """The built-in definitions by name; a business machine with the most review levels any
    rule set has had, so that every levelled state has its label."""
    from permitflow.machines import BUSINESS_MACHINES, HOLDER_MACHINES
    from permitflow.rules.registry import default_family

    levels = max(default_family().review_levels_used)
    found: dict[str, Any] = {d.name: d for d in HOLDER_MACHINES}
    for factory in BUSINESS_MACHINES.values():
        definition = factory(levels)
        found[definition.name] = definition
    return found


def _definition(name: str) -> Any:
    return _definitions().get(name)


def _is_business(name: str) -> bool:
    from permitflow.records.application import BusinessType

    return name in {kind.value for kind in BusinessType}


def machine_label(name: str, lang: Language) -> str | None:
    definition = _definition(name)
    if definition is None:
        return None
    label: str = definition.label_zh if lang == "zh" else definition.label_en
    return label


def machine(name: str, lang: Language) -> str:
    """What a machine's state belongs to: ``“新办”申请`` / ``the new application``, ``单位关联`` /
    ``the employer association``."""
    label = machine_label(name, lang)
    if label is None:
        return quoted(name)
    if lang == "zh":
        return f"“{label}”申请" if _is_business(name) else label
    noun = f"{label[0].lower()}{label[1:]}"
    if _is_business(name) and not noun.endswith("application"):
        noun += " application"
    return f"the {noun}"


def state(machine_name: str, name: str, lang: Language) -> str:
    definition = _definition(machine_name)
    if definition is not None:
        for candidate in definition.states:
            if candidate.name == name:
                return quoted(candidate.label_zh if lang == "zh" else candidate.label_en)
    return quoted(name)


def event(machine_name: str, name: str, lang: Language, from_state: str | None = None) -> str:
    """An event by its button's words: the label of its transition from ``from_state`` when
    there is one, else of its first transition."""
    definition = _definition(machine_name)
    if definition is not None:
        transitions = [t for t in definition.transitions if t.event == name]
        transitions.sort(key=lambda t: from_state not in t.sources)
        if transitions:
            found = transitions[0]
            return quoted(found.label_zh if lang == "zh" else found.label_en)
    return quoted(name)


def state_choices(machine_name: str, names: Iterable[str], lang: Language) -> str:
    """States to choose from, each label with its code: ``草稿（填写申请）（draft）``."""
    spoken = [f"{state(machine_name, name, lang)}（{name}）" if lang == "zh"
              else f"{state(machine_name, name, lang)} ({name})" for name in names]  # fmt: skip
    return listing(spoken, lang)


def events(
    machine_name: str, names: Iterable[str], lang: Language, from_state: str | None = None
) -> str:
    return listing([event(machine_name, name, lang, from_state) for name in names], lang)


def holder_events(names: Iterable[str], lang: Language) -> str:
    """Events of the holder's record, each with the label of the machine defining it."""
    from permitflow.machines import HOLDER_MACHINES

    owner = {e: d.name for d in HOLDER_MACHINES for e in d.events}
    return listing([event(owner.get(name, ""), name, lang) for name in names], lang)


# --- where a value is ---------------------------------------------------------------------------


def where(path: str, words_zh: str | None, lang: Language) -> str:
    """A JSON path with the field's name in words: ``出生日期（$.holder.permit.children[0]
    .birth_date）`` / ``birth date ($.holder…)``."""
    if lang == "zh":
        return f"{words_zh}（{path}）" if words_zh else f"字段{quoted(path)}"
    last = re.findall(r"\.([A-Za-z_]\w*)", path)
    if not last:
        return quoted(path)
    return f"{last[-1].replace('_', ' ')} ({path})"
