"""Applications (业务申请): immutable snapshots, one per business of one holder."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar, Protocol

from attrs import AttrsInstance, field, frozen

from permitflow._keys import Key
from permitflow.errors import Expected, InvalidInput
from permitflow.records.actors import Actor
from permitflow.records.audit import AuditEntry, EntryKind
from permitflow.records.holder import Child, Hukou, PermitState, Requirement, Slot


class BusinessType(Key):
    """A business (业务类型): the six of the personal edition (新办, 续签, 聘用单位变更,
    证件基础信息变更, 证件业务信息变更, 注销), and any a ``BusinessTypeSpec`` registered since
    defines (``permitflow.machines.register_business_type``). Read like a string enum:
    ``BusinessType("new") is BusinessType.NEW``; an unknown code is a ``ValueError``, once the
    packages publishing business types have been asked for it (``finder``)."""

    NEW: ClassVar[BusinessType]
    """新办 (M§2)."""
    RENEWAL: ClassVar[BusinessType]
    """续签 (M§3)."""
    EMPLOYER_CHANGE: ClassVar[BusinessType]
    """聘用单位变更 (M§4)."""
    BASIC_CHANGE: ClassVar[BusinessType]
    """证件基础信息变更 (M§5)."""
    BUSINESS_CHANGE: ClassVar[BusinessType]
    """证件业务信息变更: accompanying children (M§6)."""
    CANCELLATION: ClassVar[BusinessType]
    """注销 (M§7)."""

    finder: ClassVar[Callable[[str], object] | None] = None
    """Registers the type of a code no type has yet, when an installed package publishes one
    (``permitflow.machines.published``, which sets it); None: nothing more is found."""

    @classmethod
    def _missing(cls, code: str) -> BusinessType | None:
        if cls.finder is not None:
            cls.finder(code)
        return cls._keys.get(code)


for _code in (
    "new", "renewal", "employer_change", "basic_change", "business_change", "cancellation",
):  # fmt: skip
    BusinessType.define(_code)


def find_business_type(code: object) -> BusinessType | None:
    """The business type of ``code`` (a published one loaded if need be); None for anything
    no business type has."""
    try:
        return BusinessType(code)
    except ValueError:
        return None


def business_type_of(value: BusinessType | str) -> BusinessType:
    """``value`` as a business type; anything else is an
    [`InvalidInput`][permitflow.errors.InvalidInput] naming the field
    and the known types."""
    try:
        return BusinessType(value)
    except ValueError:
        raise InvalidInput(
            "one_of", field="business_type", value=str(value),
            expected=Expected("one_of", tuple(BusinessType), BusinessType),
        ) from None  # fmt: skip


class PermitType(StrEnum):
    """The type of permit applied for."""

    DOMESTIC = "domestic"
    """国内人员: the type non-Beijing Chinese citizens working in Beijing choose (M§2.2)."""
    OVERSEAS = "overseas"
    """留学人员 / 境外人员 and the other types a portal may offer."""


@frozen
class NewForm:
    """The form of a new application (新办, M§2)."""

    permit_type: PermitType = field(default=PermitType.DOMESTIC, converter=PermitType)
    """The permit type applied for (default: domestic)."""
    children: tuple[Child, ...] = ()
    """Accompanying children (随往子女) declared with the application."""


@frozen
class RenewalForm:
    """The form of a renewal (续签, M§3)."""

    employer_checked: bool = False
    """The employer has checked the materials (单位确认无误, M§3.2)."""


@frozen
class EmployerChangeForm:
    """The form of an employer change (聘用单位变更, M§4)."""

    employer_accepted: bool = False
    """The new employer accepts the holder (经单位认可, M§4 intro)."""
    left_previous_on: date | None = None
    """The day the labour relation with the former employer ended."""


class BasicItem(StrEnum):
    """The items a basic-information change (证件基础信息变更) may change (M§5)."""

    HUKOU_LOCATION = "hukou_location"
    RESIDENCE_ADDRESS = "residence_address"
    EDUCATION = "education"
    OTHER = "other"


@frozen
class BasicChangeForm:
    """The form of a basic-information change (证件基础信息变更, M§5)."""

    reason: str = ""
    """申请原因, e.g. 居住地址信息变更 (M§5.3)."""
    instructions_confirmed: bool = False
    """The applicant confirmed the instructions (已阅读办理须知)."""
    changed_items: tuple[BasicItem, ...] = ()
    """The items changed, e.g. ``["residence_address"]``."""
    new_hukou: Hukou | None = None
    """The new hukou, when the hukou changes."""


@frozen
class BusinessChangeForm:
    """The form of a business-information change (证件业务信息变更, M§6): the accompanying
    children."""

    instructions_confirmed: bool = False
    """The applicant confirmed the instructions (已阅读办理须知)."""
    children: tuple[Child, ...] = ()
    """The accompanying children after the change."""
    employer_remark: str | None = None
    """The employer's remark for an unmarried applicant with a child (M§6.1)."""
    custody_to_applicant: bool | None = None
    """What the divorce agreement says about custody (M§6.1)."""


class CancellationTrigger(StrEnum):
    """Why the permit is cancelled (注销, M§7): a Beijing hukou, the employer left Beijing,
    retirement."""

    BEIJING_HUKOU = "beijing_hukou"
    """已取得北京市户口."""
    EMPLOYER_LEFT_BEIJING = "employer_left_beijing"
    """工作单位转至外省市."""
    RETIREMENT = "retirement"
    """已到达法定退休年龄."""


@frozen
class CancellationForm:
    """The form of a cancellation (注销, M§7)."""

    trigger: CancellationTrigger = field(converter=CancellationTrigger)
    """The reason of the cancellation."""


Form = AttrsInstance
"""A business type's form: an attrs class of its own (``NewForm``, ``RenewalForm``, … or the
form of a type registered from outside); the rules narrow it with ``isinstance``."""


FORM_TYPES: dict[BusinessType, type[Form]] = {}
"""The form each business type files, filled in as business types are registered
(``permitflow.machines.spec.register_business_type``)."""

class BusinessTraits(Protocol):
    """What the rules read of a business type from its spec (``BusinessTypeSpec``), which
    they do not import: each is the type's own default, which a rule set may override."""

    @property
    def review_levels(self) -> int | None:
        """The number of authority review levels its procedure fixes, or None."""
        ...

    @property
    def attachments(self) -> Mapping[Slot, Requirement]:
        """How it asks for each attachment slot it names (the others it does not ask for)."""
        ...

    @property
    def permit_states(self) -> frozenset[PermitState]:
        """The states of the permit it may be filed and reviewed in."""
        ...

    @property
    def hands_in(self) -> Callable[[Form | None], frozenset[Slot]] | None:
        """The slots a filing hands in, given its form, when it hands in only some; None
        when it files the whole record."""
        ...


TRAITS: dict[BusinessType, BusinessTraits] = {}
"""What the spec of each business type says that the rules read, filled in as business types
are registered (``permitflow.machines.spec.register_business_type``)."""

ITEM_SLOTS: Mapping[BasicItem, tuple[Slot, ...]] = {
    BasicItem.EDUCATION: (Slot.EDU_CERT, Slot.DEGREE_CERT, Slot.TITLE_CERT),
    BasicItem.HUKOU_LOCATION: (Slot.HUKOU,),
    BasicItem.RESIDENCE_ADDRESS: (Slot.RESIDENCE,),
}
"""The attachment slots that prove each item a basic-information change may change (M§5.2:
删除原有附件——上传所需修改附件); the other items have none."""


@frozen
class RuleSetPin:
    """The rule-set version an application is judged by, fixed when it is first submitted."""

    name: str
    """The rule-set family, e.g. ``haidian``."""
    version: str
    """The version, e.g. ``2021.11``."""


@frozen
class Attestation:
    """A person's declaration that an attestation rule is satisfied (who, when)."""

    rule_id: str
    """The rule attested, e.g. ``BI-002``."""
    actor: Actor
    """Who attested (a reviewer at the level reviewing, or the employer)."""
    at: datetime
    """When."""
    note: str = ""
    """What the person checked, in their words."""


@frozen
class Application:
    """One application (申请) of a business type, as an immutable snapshot: its state, form, pinned
    rule set, attestations and history."""

    id: str
    """The portal's id of the application, e.g. ``R-2026-0001``."""
    business_type: BusinessType = field(converter=BusinessType)
    """Which business (续签, 注销, ...)."""
    holder_id: str
    """The applicant's resident identity number."""
    employer_id: str
    """Credit code of the employer that reviews or initiates this application."""
    state: str
    """The machine state, e.g. ``draft`` or ``authority_review_1`` (``permitflow diagram TYPE``
    draws them)."""
    form: Form
    """The business type's form."""
    created_at: datetime
    """When the draft was started."""
    version: int = 0
    """The number of accepted events; a portal writes with it (optimistic versions)."""
    ruleset: RuleSetPin | None = None
    """The rule-set version pinned at the first submission; None before."""
    submitted_at: datetime | None = None
    """The first submission's moment; None before."""
    attestations: tuple[Attestation, ...] = ()
    """The attestations recorded for rules a person judges."""
    history: tuple[AuditEntry, ...] = ()
    """The accepted events, oldest first."""

    @property
    def last_entry(self) -> AuditEntry | None:
        """The latest accepted event, or None for a new draft."""
        return self.history[-1] if self.history else None

    def latest(self, events: frozenset[str]) -> AuditEntry | None:
        """The most recent audit entry of an event among ``events`` (never an attestation)."""
        for entry in reversed(self.history):
            if entry.event in events and entry.kind is EntryKind.EVENT:
                return entry
        return None

    def attested(self, rule_id: str) -> Attestation | None:
        """True when ``rule_id`` has been attested since the last submission."""
        for attestation in self.attestations:
            if attestation.rule_id == rule_id:
                return attestation
        return None
