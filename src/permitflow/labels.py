"""The platform's words for every code a person can meet, in Chinese and English.

A portal shows these labels in its own screens and every message of the library uses them:
the 附件名称 of 附件管理 (学历证书, 学位证书 … 其他材料, M§1.6), the business types (新办 …
注销), the states and events of every machine (the buttons' words: 提交, 撤回, 受理 …), the roles,
every vocabulary of the records (户口性质, 住所证明, 婚姻状况, 退休人员类别, 必传 / 非必传 …) and
the fields of a snapshot or a case file, as an input error names them (出生日期, 随往人员姓名)::

    >>> label(Slot.MARRIAGE)
    '结婚证'
    >>> label(Slot.MARRIAGE, business_type=BusinessType.BUSINESS_CHANGE)
    '婚姻证明材料'
    >>> label(BusinessType.RENEWAL, "en")
    'Renewal'
    >>> role_label(Role.AUTHORITY, level=2)
    '主管部门第2级'

The words are data, in ``labels.toml`` next to this module, read with the message catalogue's
loader ([`Catalogue`][permitflow.messages.Catalogue]): a file rather than a Python mapping
because the rule texts are files of the same format (one reviewer, one translator, one way
to reword for a district), because a label needs a variant per screen (the marriage slot on
the 业务信息变更 screen, the draft of each procedure) and a placeholder (the review level),
which that format and its checks already have, and because a label is not logic: nothing in
it needs the type checker, while completeness is checked when the file loads.

Checked when this module is imported: every member of every vocabulary in
[`VOCABULARIES`][permitflow.labels.VOCABULARIES] has a label in both languages, and every
label of a vocabulary names a member (or a business type, for a variant) — anything else is a
[`DefinitionError`][permitflow.errors.DefinitionError] listing what is missing. The built-in
machine definitions take their states' and events' labels from here
([`both`][permitflow.labels.both]) when they are built, so a missing one fails at import, and
the definition carries them as ``label_zh`` / ``label_en``: read a state's label from the
definition ([`state_label`][permitflow.labels.state_label]) — it is the catalogue's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

from permitflow._keys import Member, Vocabulary
from permitflow.deadlines import DeadlineKind
from permitflow.errors import Expected, InvalidInput, UnknownEvent
from permitflow.identifiers import Sex
from permitflow.messages import Catalogue, Language, catalogue_error
from permitflow.records.actors import Role
from permitflow.records.application import (
    BasicItem,
    BusinessType,
    CancellationTrigger,
    PermitType,
)
from permitflow.records.holder import (
    ApplicationBasis,
    AssociationState,
    ChildField,
    FileKind,
    HukouKind,
    MaritalStatus,
    PermitState,
    ProfileSection,
    ProfileState,
    ProofKind,
    PropertyUse,
    Requirement,
    Slot,
    StudyStage,
)
from permitflow.retirement import RetirementCategory
from permitflow.rules.finding import RuleKind, Severity, Status
from permitflow.rules.parameters import Confidence
from permitflow.rules.rule import JudgedOn
from permitflow.tags import Tag

if TYPE_CHECKING:
    from permitflow.engine.definition import MachineDefinition

__all__ = [
    "FILE",
    "VOCABULARIES",
    "add_labels",
    "both",
    "codes",
    "enum_both",
    "event_label",
    "field_label",
    "label",
    "machine_label",
    "role_label",
    "ruleset_label",
    "state_label",
]

FILE = Path(__file__).with_name("labels.toml")
"""The catalogue's data file."""

VOCABULARIES: Mapping[Vocabulary, str] = MappingProxyType(
    {
        BusinessType: "business_type",
        Slot: "slot",
        Requirement: "requirement",
        Role: "role",
        PermitType: "permit_type",
        BasicItem: "basic_item",
        CancellationTrigger: "cancellation_trigger",
        HukouKind: "hukou_kind",
        MaritalStatus: "marital_status",
        ApplicationBasis: "application_basis",
        StudyStage: "study_stage",
        ProfileSection: "profile_section",
        FileKind: "file_kind",
        ChildField: "child_field",
        ProfileState: "profile_state",
        ProofKind: "proof_kind",
        PropertyUse: "property_use",
        AssociationState: "association_state",
        PermitState: "permit_state",
        RetirementCategory: "retirement_category",
        Sex: "sex",
        DeadlineKind: "deadline_kind",
        Severity: "severity",
        Status: "status",
        RuleKind: "rule_kind",
        Confidence: "confidence",
        JudgedOn: "judged_on",
        Tag: "tag",
    }
)
"""Every vocabulary with labels, and the table of ``labels.toml`` that holds them."""

_OTHER_TABLES = frozenset({"machine", "state", "event", "ruleset", "field"})
"""Tables of labels that are not a vocabulary's: looked up by code (``both``)."""

_LEVEL = "level"


def _check(catalogue: Catalogue) -> None:
    """Every member has a label; every label of a vocabulary is a member's or its variant."""
    business_types = {kind.value for kind in BusinessType}
    problems: list[str] = []
    known: set[str] = set()
    for vocabulary, table in VOCABULARIES.items():
        for member in vocabulary:
            code = f"{table}.{member.value}"
            known.add(code)
            if code not in catalogue:
                problems.append(f"no label for {vocabulary.__name__}.{member.name} ({code})")
    known.add("role.authority.level")
    tables = set(VOCABULARIES.values())
    for code in sorted(catalogue.codes):
        head, _, rest = code.partition(".")
        if head in _OTHER_TABLES:
            continue
        if head not in tables:
            problems.append(f"{code} belongs to no vocabulary")
            continue
        value, _, variant = rest.partition(".")
        if f"{head}.{value}" not in known or (
            variant and code not in known and variant not in business_types
        ):
            problems.append(f"{code} is not a member of its vocabulary nor a business type's")
    if problems:
        raise catalogue_error(FILE.name, problems)


def _load() -> Catalogue:
    catalogue = Catalogue.load("labels", [FILE])
    _check(catalogue)
    return catalogue


_CATALOGUE = _load()


def add_labels(texts: Mapping[str, tuple[str, str]]) -> None:
    """Adds labels written in code (code → (zh, en)): a business type registered from outside
    the package brings its name (``business_type.<code>``) and the words of its states and
    events this way. A label given again must read the same."""
    global _CATALOGUE
    _CATALOGUE = _CATALOGUE.extended(texts)


def _code(value: Member) -> str:
    table = VOCABULARIES.get(type(value))
    if table is None:
        raise catalogue_error(FILE.name, [f"{type(value).__name__} has no labels"])
    return f"{table}.{value.value}"


def label(
    value: Member, lang: Language = "zh", *, business_type: BusinessType | None = None
) -> str:
    """The label of an enum member of the records' vocabularies in ``lang``; with
    ``business_type``, as that business's screen reads it (the marriage slot is 婚姻证明材料
    on the 业务信息变更 screen)."""
    code = _code(value)
    if business_type is not None and f"{code}.{business_type.value}" in _CATALOGUE:
        code = f"{code}.{business_type.value}"
    return _CATALOGUE.template(code).render({}, lang)


def both(code: str, **values: int | str) -> tuple[str, str]:
    """The Chinese and English label of ``code`` (``"state.awaiting_acceptance"``,
    ``"event.pass"`` with ``level=2``): what a machine definition carries as its
    ``label_zh`` and ``label_en``. A code without a label, or a value its label does not take,
    is a [`DefinitionError`][permitflow.errors.DefinitionError]."""
    template = _CATALOGUE.template(code, {name: type(value) for name, value in values.items()})
    return template.render(values, "zh"), template.render(values, "en")


def enum_both(value: Member) -> tuple[str, str]:
    """The Chinese and English label of an enum member (a permit state as the permit machine's
    state, a business type as its machine's name)."""
    return both(_code(value))


def role_label(role: Role, lang: Language = "zh", *, level: int | None = None) -> str:
    """A role's label; an authority reviewer's with the level: 主管部门第2级."""
    if level is not None and role is Role.AUTHORITY:
        return _CATALOGUE.template("role.authority.level", {_LEVEL: int}).render(
            {_LEVEL: level}, lang
        )
    return label(role, lang)


def machine_label(definition: MachineDefinition, lang: Language = "zh") -> str:
    """A machine's name: its business type's (新办) or the holder record part's (单位关联)."""
    return definition.label_zh if lang == "zh" else definition.label_en


def state_label(definition: MachineDefinition, state: str, lang: Language = "zh") -> str:
    """The label of ``definition``'s state ``state`` (a state it does not declare is an
    [`InvalidInput`][permitflow.errors.InvalidInput] naming its states)."""
    for candidate in definition.states:
        if candidate.name == state:
            return candidate.label_zh if lang == "zh" else candidate.label_en
    names = tuple(candidate.name for candidate in definition.states)
    raise InvalidInput(
        "no_state", field="state", value=state, machine=definition.name,
        expected=Expected("one_of", names, machine=definition.name),
    )  # fmt: skip


def event_label(
    definition: MachineDefinition,
    event: str,
    lang: Language = "zh",
    *,
    source: str | None = None,
) -> str:
    """The button's words of ``definition``'s event ``event``: of its transition from
    ``source`` when given (an event reads per review level: 第2级审核通过), else of its first
    transition. An event it does not have is an
    [`UnknownEvent`][permitflow.errors.UnknownEvent]."""
    transitions = [t for t in definition.transitions if t.event == event]
    if source is not None:
        transitions = [t for t in transitions if source in t.sources] or transitions
    if not transitions:
        raise UnknownEvent(event=event, allowed=definition.events, machine=definition.name)
    found = transitions[0]
    return found.label_zh if lang == "zh" else found.label_en


def ruleset_label(name: str, version: str, lang: Language = "zh") -> str:
    """A rule set as a person knows it: 海淀区 2021.11 版 / Haidian District, version 2021.11;
    a rule set the catalogue does not name is shown by its name, quoted."""
    code = f"ruleset.{name}"
    known = _CATALOGUE.template(code).render({}, lang) if code in _CATALOGUE else f"“{name}”"
    return f"{known} {version} 版" if lang == "zh" else f"{known}, version {version}"


_FIELD_NAMES = re.compile(r"\.([A-Za-z_]\w*)")
"""The field names of a JSON path (``$.holder.permit.children[0].name``), indexes left out."""


def field_label(path: str, lang: Language = "zh") -> str | None:
    """The name of the field at JSON path ``path`` in a snapshot or a case file, as an input
    error calls it: ``$.holder.profile.general.name`` is 姓名, ``$.form.children[0].name``
    随往人员姓名 (a name read under its parent field); None for a field the catalogue does not
    know (a key nobody defined)."""
    names = _FIELD_NAMES.findall(path)
    if not names:
        return None
    code = f"field.{names[-1]}"
    if len(names) > 1 and f"{code}.{names[-2]}" in _CATALOGUE:
        code = f"{code}.{names[-2]}"
    return _CATALOGUE.template(code).render({}, lang) if code in _CATALOGUE else None


def codes() -> Iterable[str]:
    """Every code the catalogue has a label for."""
    return sorted(_CATALOGUE.codes)
