"""One spec per business type: what the package knows of it, in one value.

A business type is registered once, with ``register_business_type``, from this package or from
outside it alike. The per-type tables are read from the registered specs: the machines an engine
runs by default (``BUSINESS_MACHINES``), the form each type files (``FORM_TYPES``), what the
rules read of it (``TRAITS``: its review levels, the permit states it is filed in, the
attachments it asks for and hands in), the sample form and holder of ``permitflow.samples``; the
rule groups it brings join those of ``permitflow.groups``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from attrs import Factory, field, frozen

from permitflow.cancellation_due import CancellationDue
from permitflow.engine.definition import MachineDefinition
from permitflow.errors import DefinitionError, Expected, InvalidInput
from permitflow.groups import add_groups
from permitflow.labels import add_labels
from permitflow.records.application import (
    FORM_TYPES,
    TRAITS,
    BusinessType,
    Form,
    business_type_of,
)
from permitflow.records.holder import HolderRecord, PermitState, Requirement, Slot

__all__ = [
    "BUSINESS_MACHINES",
    "BusinessTypeSpec",
    "Procedure",
    "business_type_spec",
    "business_type_specs",
    "register_business_type",
]


class Procedure(StrEnum):
    """Who files a business type and who reviews it before the authority does."""

    APPLICANT_FILED = "applicant_filed"
    """The applicant files, the employer reviews, then the authority (新办, the changes)."""
    EMPLOYER_FILED = "employer_filed"
    """The employer files (发起) for the holder, then the authority (续签, 聘用单位变更)."""
    DIRECT = "direct"
    """The filing goes straight to the authority (注销)."""


def _key(code: BusinessType | str) -> BusinessType:
    return BusinessType.define(code)


def _attachments(row: Mapping[Slot, Requirement] | Mapping[str, str]) -> Mapping[Slot, Requirement]:
    return {Slot(slot): Requirement(cell) for slot, cell in row.items()}


_ORDER = list(PermitState)


def _permit_states(states: Iterable[PermitState | str]) -> frozenset[PermitState]:
    return frozenset(PermitState(state) for state in states)


@frozen
class BusinessTypeSpec:
    """A business type, whole: its machine, its form and where a holder starts it from."""

    business_type: BusinessType = field(converter=_key)
    """The business type it describes: a built-in one, or a new code (``"reissue"``), which
    the spec defines as a key (``BusinessType("reissue")``)."""
    machine: Callable[[int], MachineDefinition]
    """Its machine for a number of authority review levels."""
    form_type: type[Form]
    """The form it files."""
    procedure: Procedure
    """Who files it and who reviews it."""
    sample_form: Callable[[date], Form]
    """A complete, plausible form filed on a day, for samples and tests."""
    permit_state: PermitState = PermitState.VALID
    """The state of the permit of the holder its samples start it from (one of
    ``permit_states``)."""
    new_employer: bool = False
    """Whether it starts associated with an employer other than the permit's (the old one's
    dissociation having suspended the permit)."""
    permit_states: frozenset[PermitState] = field(
        default=Factory(lambda spec: frozenset({spec.permit_state}), takes_self=True),
        converter=_permit_states, kw_only=True,
    )  # fmt: skip
    """The states of the permit it may be filed and reviewed in, which FLOW-003 holds it to;
    by default the one its samples start from."""
    labels: Mapping[str, tuple[str, str]] = {}
    """Labels (code → (zh, en)) the type brings beyond ``labels.toml``: for a type registered
    from outside, its name (``business_type.<code>``) and any words its states and events need
    beyond the shared ones (``state.draft.<code>``); the built-in types have theirs in the
    file."""
    attachments: Mapping[Slot, Requirement] = field(
        factory=dict, converter=_attachments, kw_only=True
    )
    """How it asks for each attachment slot (附件管理 and its 要求 column, M§1.6): the slots
    it names, each required, optional or required when a fact of the holder or the form holds;
    the slots it does not name it does not ask for. A rule set naming the type in
    ``attachments.required`` asks otherwise."""
    hands_in: Callable[[Form | None], frozenset[Slot]] | None = field(default=None, kw_only=True)
    """The attachment slots a filing hands in, given its form, when it hands in only some of
    them (a basic-information change: those of the changed items); None when it files the
    whole record. The documents' dates are judged on the slots it hands in."""
    review_levels: int | None = field(default=None, kw_only=True)
    """The number of authority levels that review it, where its procedure fixes one (证件补办:
    one); None: the number its rule set gives every type (``review.authority_levels``). A
    rule set naming the type in ``review.authority_levels_by_type`` overrides either."""
    reasons: tuple[Form, ...] = field(default=(), kw_only=True)
    """One form per reason it may be filed for, when its form states one of several (注销原因,
    M§7); the business list (可办业务列表) judges it with each and offers it when one holds.
    Empty: it is judged with its empty form."""
    due: Callable[[HolderRecord, date], tuple[CancellationDue, ...]] | None = field(
        default=None, kw_only=True
    )
    """The reasons, on a day, that it must be filed at once (应即时注销), which the business list
    shows beside it; None: nothing makes it due."""
    template_form: Form | None = field(default=None, kw_only=True)
    """The form a case template (``permitflow case new``) files where the sample form rests on
    a fact the sample holder lacks; None: the sample form."""
    template_facts: Mapping[str, Any] = field(factory=dict, kw_only=True)
    """What a case template states of the holder beyond the sample record for its form to
    hold, as a case file writes a holder (``{"association": {"employer": …}}``)."""
    groups: Mapping[str, tuple[str, str]] = {}
    """Rule groups (code → (zh, en) title) the type brings for its own rules and its guards
    (``"rei": ("证件补办", "Reissue")``), registered with it; the groups of the manual are
    known already."""


_SPECS: dict[BusinessType, BusinessTypeSpec] = {}


def register_business_type(spec: BusinessTypeSpec) -> BusinessTypeSpec:
    """Adds a business type to every per-type table; a type is registered once.

    Raises:
        InvalidInput: for a business type registered already.
        DefinitionError: for a label the spec gives in other words than the catalogue's,
            a rule group known already by other titles, fewer than one review level, or a
            sample permit state outside the states it may be filed in.
    """
    if spec.business_type in _SPECS:
        raise InvalidInput(
            "registered_twice", field="business_type", value=str(spec.business_type)
        )
    if spec.review_levels is not None and spec.review_levels < 1:
        raise DefinitionError("review_levels", levels=spec.review_levels)
    if spec.permit_state not in spec.permit_states:
        raise DefinitionError(
            "sample_permit_state", business_type=str(spec.business_type),
            states=[str(state) for state in _ORDER if state in spec.permit_states],
        )  # fmt: skip
    add_labels(spec.labels)
    add_groups(spec.groups)
    _SPECS[spec.business_type] = spec
    FORM_TYPES[spec.business_type] = spec.form_type
    TRAITS[spec.business_type] = spec
    return spec


def business_type_spec(business_type: BusinessType | str) -> BusinessTypeSpec:
    """The registered spec of ``business_type``.

    Raises:
        InvalidInput: for a business type that is not registered, naming the ones that are.
    """
    kind = business_type_of(business_type)
    try:
        return _SPECS[kind]
    except KeyError:
        raise InvalidInput(
            "one_of", field="business_type", value=str(kind),
            expected=Expected("one_of", tuple(_SPECS), BusinessType),
        ) from None  # fmt: skip


def business_type_specs() -> tuple[BusinessTypeSpec, ...]:
    """The registered specs, in the order they were registered."""
    return tuple(_SPECS.values())


class _Machines(Mapping[BusinessType, Callable[[int], MachineDefinition]]):
    """The machine factory of each registered business type, as registration leaves them."""

    def __getitem__(self, business_type: BusinessType) -> Callable[[int], MachineDefinition]:
        return _SPECS[business_type].machine

    def __iter__(self) -> Iterator[BusinessType]:
        return iter(_SPECS)

    def __len__(self) -> int:
        return len(_SPECS)


BUSINESS_MACHINES: Mapping[BusinessType, Callable[[int], MachineDefinition]] = _Machines()
"""Each registered business type's machine factory, taking the number of review levels."""
