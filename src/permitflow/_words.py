"""Facts in words, for the messages of the error catalogue.

Labels come from [`permitflow.labels`][permitflow.labels] (enum members, roles, the states and
events of the built-in machines, looked up by the machine's name an error carries); a field of
the records is named by the Chinese term its docstring gives. Everything else goes through
[`permitflow.text.render`][permitflow.text.render]. A fact with no label (a custom machine's
state, a value found in a document) is shown as given, in quotes, never as a Python literal.
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

from permitflow._keys import Member, is_vocabulary
from permitflow.messages import Language
from permitflow.text import Quoted, render

_CJK = "\u3400-\u9fff\uf900-\ufaff"
_LEADING_TERM = re.compile(rf"^([{_CJK}][{_CJK}（）()/、]*)(?=$|[\s,.;:，。；：])")
_CLOSING_TERM = re.compile(rf"\(([{_CJK}]+)\)(?=$|[.;:])")


def quoted(text: object) -> str:
    """User data, an identifier or a value given, set off from the sentence."""
    return Quoted(str(text)).words("zh")


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
    """Any fact in words: data in quotes, an actor by role and identity, a list item by item;
    everything else (labels, dates, numbers, nothing) through ``permitflow.text.render``."""
    if isinstance(value, str) and not isinstance(value, Member):
        return quoted(value)
    role = getattr(value, "role", None)
    if isinstance(role, Enum) and hasattr(value, "id"):
        return actor(value, lang)
    if isinstance(value, list | tuple):
        return listing([say(item, lang) for item in value], lang)
    return render(value, lang)


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
    from permitflow.labels import role_label

    words = role_label(value.role, lang, level=value.level)
    return f"{words}（{value.id}）" if lang == "zh" else f"{words} ({value.id})"


def role(value: Any, lang: Language) -> str:
    from permitflow.labels import role_label

    return role_label(value, lang)


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


def choices(values: Sequence[Any], enum: type | None, lang: Language) -> str:
    """Allowed values: each label with its code (``新办（new）``) when the enum has labels, else
    the code alone in quotes."""
    from permitflow.labels import VOCABULARIES, label

    spoken = []
    for value in values:
        member = _member(enum, value) if enum in VOCABULARIES else None
        if member is None:
            spoken.append(quoted(value))
        elif lang == "zh":
            spoken.append(f"{label(member, lang)}（{value}）")
        else:
            spoken.append(f"{label(member, lang)} ({value})")
    return listing(spoken, lang)


def _member(enum: type | None, value: Any) -> Member | None:
    if not is_vocabulary(enum):
        return None
    try:
        return enum(value)
    except ValueError:
        return None


# --- the machines' own words ------------------------------------------------------------------


@cache
def _definitions(kinds: tuple[Any, ...]) -> Mapping[str, Any]:
    """The registered definitions by name; a business machine with the most review levels any
    rule set has had, so that every levelled state has its label."""
    from permitflow.machines import BUSINESS_MACHINES, HOLDER_MACHINES
    from permitflow.rules.registry import default_family

    levels = max(default_family().review_levels_used)
    found: dict[str, Any] = {d.name: d for d in HOLDER_MACHINES}
    for kind in kinds:
        definition = BUSINESS_MACHINES[kind](levels)
        found[definition.name] = definition
    return found


def _definition(name: str) -> Any:
    from permitflow.machines import BUSINESS_MACHINES

    # A business type registered later is another set of machines, whose words are found too.
    return _definitions(tuple(BUSINESS_MACHINES)).get(name)


def _is_business(name: str) -> bool:
    from permitflow.records.application import BusinessType

    return name in BusinessType


def machine(name: str, lang: Language) -> str:
    """What a machine's state belongs to: ``“新办”申请`` / ``the new application``, ``单位关联`` /
    ``the employer association``."""
    from permitflow.labels import machine_label

    definition = _definition(name)
    if definition is None:
        return quoted(name)
    label = machine_label(definition, lang)
    if lang == "zh":
        return f"“{label}”申请" if _is_business(name) else label
    noun = f"{label[0].lower()}{label[1:]}"
    if _is_business(name) and not noun.endswith("application"):
        noun += " application"
    return f"the {noun}"


def state(machine_name: str, name: str, lang: Language) -> str:
    """A state by its label in quotes; a state the machine does not have (a stored document's
    data) as written."""
    from permitflow.labels import state_label

    definition = _definition(machine_name)
    if definition is None or name not in {s.name for s in definition.states}:
        return quoted(name)
    return quoted(state_label(definition, name, lang))


def event(machine_name: str, name: str, lang: Language, from_state: str | None = None) -> str:
    """An event by its button's words: the label of its transition from ``from_state`` when
    there is one, else of its first transition; one the machine lacks as written."""
    from permitflow.labels import event_label

    definition = _definition(machine_name)
    if definition is None or name not in definition.events:
        return quoted(name)
    return quoted(event_label(definition, name, lang, source=from_state))


def state_choices(machine_name: str, names: Iterable[str], lang: Language) -> str:
    """States to choose from, each label with its code: ``草稿（填写申请）（draft）``."""
    spoken = [f"{state(machine_name, name, lang)}（{name}）" if lang == "zh"
              else f"{state(machine_name, name, lang)} ({name})" for name in names]  # fmt: skip
    return listing(spoken, lang)


def events(
    machine_name: str, names: Iterable[str], lang: Language, from_state: str | None = None
) -> str:
    """What a person may do now: the events among ``names`` some person may fire (the
    platform's own steps, a timer's or another machine's effect, are no advice to anyone)."""
    said = [event(machine_name, name, lang, from_state)
            for name in names if _a_person_fires(machine_name, name, from_state)]  # fmt: skip
    return listing(said, lang)


def _a_person_fires(machine_name: str, name: str, from_state: str | None) -> bool:
    from permitflow.records.actors import Role

    definition = _definition(machine_name)
    if definition is None:
        return True
    transitions = [t for t in definition.transitions if t.event == name]
    here = [t for t in transitions if from_state in t.sources] or transitions
    return not here or any(t.roles - {Role.SYSTEM} for t in here)


def holder_events(names: Iterable[str], lang: Language) -> str:
    """Events of the holder's record, each with the label of the machine defining it."""
    from permitflow.machines import HOLDER_MACHINES

    owner = {e: d.name for d in HOLDER_MACHINES for e in d.events}
    said = [event(owner.get(name, ""), name, lang)
            for name in names if _a_person_fires(owner.get(name, ""), name, None)]  # fmt: skip
    return listing(said, lang)


# --- where a value is ---------------------------------------------------------------------------


def keys(parent: str, names: Sequence[str], lang: Language) -> str:
    """The keys of a document's object at ``parent``, each after its field's name when the
    field labels have one: 一般信息（general）、教育信息（education） / general information
    (general), education (education)."""
    from permitflow.labels import field_label

    spoken = []
    for name in names:
        named = field_label(f"{parent}.{name}", lang)
        if named is None:
            spoken.append(quoted(name))
        else:
            spoken.append(f"{named}（{name}）" if lang == "zh" else f"{named} ({name})")
    return listing(spoken, lang)


def where(path: str, words_zh: str | None, lang: Language) -> str:
    """A JSON path with the field's name in words, from the field labels: ``出生日期（$.holder
    .permit.children[0].birth_date）`` / ``birth date ($.holder…)``; a field they do not name
    (a key nobody defined) by its key, quoted: ``“nickname”（$.holder.nickname）``; the whole
    document: 文档（$）."""
    from permitflow.labels import field_label

    named = field_label(path, lang) or (words_zh if lang == "zh" else None)
    if named is None:
        keys = re.findall(r"\.([^.\[]+)", path)
        if keys:
            named = quoted(keys[-1])
        elif path in ("", "$"):
            named = "文档" if lang == "zh" else "the document"
        else:
            named = "条目" if lang == "zh" else "the entry"
    return f"{named}（{path}）" if lang == "zh" else f"{named} ({path})"
