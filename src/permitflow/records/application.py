"""Applications (业务申请): immutable snapshots, one per business of one holder."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from attrs import field, frozen

from permitflow.errors import InvalidInput
from permitflow.records.actors import Actor
from permitflow.records.audit import AuditEntry
from permitflow.records.holder import Child, Hukou


class BusinessType(StrEnum):
    NEW = "new"
    """新办 (M§2)."""
    RENEWAL = "renewal"
    """续签 (M§3)."""
    EMPLOYER_CHANGE = "employer_change"
    """聘用单位变更 (M§4)."""
    BASIC_CHANGE = "basic_change"
    """证件基础信息变更 (M§5)."""
    BUSINESS_CHANGE = "business_change"
    """证件业务信息变更: accompanying children (M§6)."""
    CANCELLATION = "cancellation"
    """注销 (M§7)."""


def business_type_of(value: BusinessType | str) -> BusinessType:
    """``value`` as a business type; anything else is an
    [`InvalidInput`][permitflow.errors.InvalidInput] naming the field
    and the known types."""
    try:
        return BusinessType(value)
    except ValueError:
        known = ", ".join(kind.value for kind in BusinessType)
        raise InvalidInput(
            f"未知的业务类型 {value!r}，可用：{known}。",
            f"Unknown business type {value!r}; known: {known}.",
            field="business_type",
            value=str(value),
        ) from None


class PermitType(StrEnum):
    DOMESTIC = "domestic"
    """国内人员: the type non-Beijing Chinese citizens working in Beijing choose (M§2.2)."""
    OVERSEAS = "overseas"
    """留学人员 / 境外人员 and the other types a portal may offer."""


@frozen
class NewForm:
    permit_type: PermitType = field(default=PermitType.DOMESTIC, converter=PermitType)
    children: tuple[Child, ...] = ()


@frozen
class RenewalForm:
    employer_checked: bool = False
    """The employer has checked the materials (单位确认无误, M§3.2)."""


@frozen
class EmployerChangeForm:
    employer_accepted: bool = False
    """The new employer accepts the holder (经单位认可, M§4 intro)."""
    left_previous_on: date | None = None
    """The day the labour relation with the former employer ended."""


class BasicItem(StrEnum):
    HUKOU_LOCATION = "hukou_location"
    RESIDENCE_ADDRESS = "residence_address"
    EDUCATION = "education"
    OTHER = "other"


@frozen
class BasicChangeForm:
    reason: str = ""
    """申请原因, e.g. 居住地址信息变更 (M§5.3)."""
    instructions_confirmed: bool = False
    changed_items: tuple[BasicItem, ...] = ()
    new_hukou: Hukou | None = None


@frozen
class BusinessChangeForm:
    instructions_confirmed: bool = False
    children: tuple[Child, ...] = ()
    employer_remark: str | None = None
    """The employer's remark for an unmarried applicant with a child (M§6.1)."""
    custody_to_applicant: bool | None = None
    """What the divorce agreement says about custody (M§6.1)."""


class CancellationTrigger(StrEnum):
    BEIJING_HUKOU = "beijing_hukou"
    """已取得北京市户口."""
    EMPLOYER_LEFT_BEIJING = "employer_left_beijing"
    """工作单位转至外省市."""
    RETIREMENT = "retirement"
    """已到达法定退休年龄."""


@frozen
class CancellationForm:
    trigger: CancellationTrigger = field(converter=CancellationTrigger)


Form = (
    NewForm
    | RenewalForm
    | EmployerChangeForm
    | BasicChangeForm
    | BusinessChangeForm
    | (CancellationForm)
)

FORM_TYPES: dict[BusinessType, type[Form]] = {
    BusinessType.NEW: NewForm,
    BusinessType.RENEWAL: RenewalForm,
    BusinessType.EMPLOYER_CHANGE: EmployerChangeForm,
    BusinessType.BASIC_CHANGE: BasicChangeForm,
    BusinessType.BUSINESS_CHANGE: BusinessChangeForm,
    BusinessType.CANCELLATION: CancellationForm,
}


@frozen
class RuleSetPin:
    """The rule-set version an application is judged by, fixed when it is first submitted."""

    name: str
    version: str


@frozen
class Attestation:
    """A person's declaration that an attestation rule is satisfied (who, when)."""

    rule_id: str
    actor: Actor
    at: datetime
    note: str = ""


@frozen
class Application:
    id: str
    business_type: BusinessType = field(converter=BusinessType)
    holder_id: str
    employer_id: str
    """Credit code of the employer that reviews or initiates this application."""
    state: str
    form: Form
    created_at: datetime
    version: int = 0
    ruleset: RuleSetPin | None = None
    submitted_at: datetime | None = None
    attestations: tuple[Attestation, ...] = ()
    history: tuple[AuditEntry, ...] = ()

    @property
    def last_entry(self) -> AuditEntry | None:
        return self.history[-1] if self.history else None

    def latest(self, events: frozenset[str]) -> AuditEntry | None:
        """The most recent audit entry whose event is one of ``events``."""
        for entry in reversed(self.history):
            if entry.event in events:
                return entry
        return None

    def attested(self, rule_id: str) -> Attestation | None:
        for attestation in self.attestations:
            if attestation.rule_id == rule_id:
                return attestation
        return None
