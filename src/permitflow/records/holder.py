"""The holder's record: one immutable aggregate a portal stores next to the applications.

It holds what the manual's personal edition lets a person keep on the platform — the basic
information (个人基础信息, M§1.3-1.4), the attachment slots (附件管理, M§1.5-1.6), the employer
association (单位关联, M§2.1) — plus the permit itself and the employment facts (labour contract,
monthly taxable income, social insurance) the rules read.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum

from attrs import field, frozen

from permitflow.errors import InvalidInput
from permitflow.records.actors import Role
from permitflow.records.audit import AuditEntry

BEIJING_PROVINCE_CODE = "11"


# --- basic information (个人基础信息) ------------------------------------------------------------


class HukouKind(StrEnum):
    """户口性质: the nature of a household registration (M§1.4, M§2 注意事项 2)."""
    FAMILY = "family"
    """A family household registration (家庭户)."""
    COLLECTIVE = "collective"
    """A collective household (集体户口); a Beijing one is outside the scope (M§2 注意事项 2)."""
    SCHOOL_TEMPORARY = "school_temporary"
    """A school's temporary household (学校临时户口); outside the scope (M§2 注意事项 2)."""


@frozen
class Hukou:
    """户口: the applicant's household registration (户口性质 and 户籍所在地, M§1.4)."""

    kind: HukouKind = field(converter=HukouKind)
    """The registration's nature (户口性质): family, collective or school temporary."""
    province_code: str
    """The first two digits of the division code of the registration place (11 = Beijing)."""
    place: str = ""
    """户籍所在地 as written on the hukou page, e.g. ``湖北省武汉市``."""
    registered_on: date | None = None
    """The day of the registration at this place (迁入日期 on the hukou page), when known."""

    @property
    def in_beijing(self) -> bool:
        """True when the registration is in Beijing (division code 11)."""
        return self.province_code == BEIJING_PROVINCE_CODE


class MaritalStatus(StrEnum):
    """婚姻状况 (M§1.4): unmarried, married, divorced or remarried."""

    UNMARRIED = "unmarried"
    MARRIED = "married"
    DIVORCED = "divorced"
    REMARRIED = "remarried"


@frozen
class GeneralInfo:
    """一般信息."""

    name: str
    """姓名, as on the resident identity card, e.g. ``张伟``."""
    resident_id: str
    """公民身份号码 (18 characters, GB 11643), e.g. ``42010619900515001X``; normally the
    holder's id."""
    phone: str
    """手机号码, 11 digits, e.g. ``13800138000``."""
    hukou: Hukou
    """户口: its nature and place."""
    address: str
    """现居住地址 as typed in the free-text field."""
    address_district: str | None = None
    """The district chosen in the selector next to the address, when the form has one."""
    marital_status: MaritalStatus = field(default=MaritalStatus.UNMARRIED, converter=MaritalStatus)
    """婚姻状况; married asks for the marriage material (ATT)."""
    retirement_category: str | None = None
    """``male``, ``female_cadre`` or ``female_worker``; declared, as the post decides it (§8)."""


class ApplicationBasis(StrEnum):
    """申报依据: whether the applicant applies by degree or by professional title (M§1.4)."""

    DEGREE = "degree"
    """以学位申报: title fields stay empty (M§1.4)."""
    TITLE = "title"
    """以职称申报."""


@frozen
class Education:
    """教育信息."""

    highest_education: str
    """最高学历, e.g. ``硕士研究生``."""
    highest_degree: str | None
    """最高学位, e.g. ``硕士``; None without a degree."""
    basis: ApplicationBasis = field(converter=ApplicationBasis)
    """申报依据: by degree or by title."""
    degree_foreign: bool = False
    """The degree was awarded abroad (境外学位): it needs the CSCSE certification report."""
    degree_certificate_number: str | None = None
    """学位证书编号, e.g. ``1000342017000123``."""
    cscse_report_number: str | None = None
    """The certification report number of 教育部留学服务中心, for a foreign degree."""
    holds_title_certificate: bool = False
    """是否持有专业技术职务证书."""
    title_name: str | None = None
    """职称名称, when applying by title."""
    title_level: str | None = None
    """职称级别 (初级, 中级, 副高级, 正高级), when applying by title."""


class StudyStage(StrEnum):
    """学习经历的阶段: from senior high school to doctorate."""

    SENIOR_HIGH = "senior_high"
    SECONDARY_VOCATIONAL = "secondary_vocational"
    JUNIOR_COLLEGE = "junior_college"
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"
    OTHER = "other"


@frozen
class StudyRecord:
    """One line of 学习经历 (M§1.4): a stage, a school, its dates."""

    stage: StudyStage = field(converter=StudyStage)
    """The stage (高中, 本科, 硕士, ...)."""
    school: str
    """学校名称."""
    start: date
    """入学时间."""
    end: date | None = None
    """毕业时间; None while still studying."""


@frozen
class WorkRecord:
    """One line of 工作经历 (M§1.4): an employer and its dates."""

    employer_name: str
    """工作单位名称."""
    start: date
    """开始时间."""
    end: date | None = None
    """结束时间; None for the current employer."""
    employer_uscc: str | None = None
    """The employer's unified social credit code, when known."""


HEAD_BYTES = 16
"""How many first bytes of a file a record keeps: enough for every format signature (``%PDF-``,
JPEG, PNG), never the content. The content stays with the portal; the record keeps its digest."""


def _bounded_head(_: object, __: object, head: bytes) -> None:
    if len(head) > HEAD_BYTES:
        raise InvalidInput("file_head", field="head", limit=HEAD_BYTES, actual=len(head))


def _digest(_: object, __: object, sha256: str | None) -> None:
    if sha256 is not None and not _is_digest(sha256):
        raise InvalidInput("file_digest", field="sha256", value=sha256)


def _is_digest(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


class FileKind(StrEnum):
    """What a file is by its first bytes (its format's signature), whatever its name says."""

    PDF = "pdf"
    """A PDF document (``%PDF-``)."""
    JPEG = "jpeg"
    """A JPEG image."""
    PNG = "png"
    """A PNG image."""
    GIF = "gif"
    """A GIF image."""
    OFFICE = "office"
    """A ZIP container: a Word, Excel or other office document, or an archive."""
    EMPTY = "empty"
    """No content at all."""
    UNKNOWN = "unknown"
    """Any other format."""


_SIGNATURES = (
    (b"%PDF-", FileKind.PDF),
    (b"\xff\xd8\xff", FileKind.JPEG),
    (b"\x89PNG\r\n\x1a\n", FileKind.PNG),
    (b"GIF8", FileKind.GIF),
    (b"PK\x03\x04", FileKind.OFFICE),
)


@frozen
class FileInfo:
    """An uploaded file as the portal saw it: enough to judge format and size, never the
    content itself (see `from_content`)."""

    name: str
    """The file name as uploaded, e.g. ``residence.pdf``; its extension is judged (ATT-002)."""
    size_bytes: int
    """The size in bytes; the platform takes at most 2 MB for a photo and 5 MB for an attachment
    (ATT-003)."""
    head: bytes = field(default=b"", validator=_bounded_head)
    """The first bytes of the content (at most
    [`HEAD_BYTES`][permitflow.records.holder.HEAD_BYTES]); a PDF starts with
    ``%PDF-`` whatever its name says."""
    sha256: str | None = field(default=None, validator=_digest)
    """The SHA-256 of the content, in hexadecimal."""

    @property
    def kind(self) -> FileKind:
        """What the file is by its first bytes."""
        if not self.head:
            return FileKind.EMPTY
        for signature, kind in _SIGNATURES:
            if self.head.startswith(signature):
                return kind
        return FileKind.UNKNOWN

    @classmethod
    def from_content(cls, name: str, content: bytes) -> FileInfo:
        """What a record keeps of an uploaded file: its real length, its first bytes and its
        digest, all read from the bytes themselves."""
        return cls(name, len(content), content[:HEAD_BYTES], hashlib.sha256(content).hexdigest())

    def check_content(self, content: bytes) -> None:
        """Raises [`InvalidInput`][permitflow.errors.InvalidInput] when ``content`` is not the file
        this describes: a
        declared size other than the real length, first bytes (the format) or digest that
        differ."""
        real = FileInfo.from_content(self.name, content)
        differs = [
            name
            for name, declared, found in (
                ("size_bytes", self.size_bytes, real.size_bytes),
                ("head", self.head, real.head[: len(self.head)] if self.head else self.head),
                ("sha256", self.sha256, real.sha256 if self.sha256 is not None else None),
            )
            if declared != found
        ]
        if differs:
            raise InvalidInput(
                "file_mismatch", field=differs[0], value=self.name, differs=differs,
                declared=self.size_bytes, actual=real.size_bytes,
            )  # fmt: skip


@frozen
class Photo:
    """证件照片."""

    file: FileInfo
    """The photo file (JPG)."""
    uploaded_on: date
    """The day it was uploaded."""


class ProfileSection(StrEnum):
    """The five sections of the basic information (M§1.4), in the order of the screens."""

    GENERAL = "general"
    """一般信息."""
    EDUCATION = "education"
    """教育信息."""
    STUDY_HISTORY = "study_history"
    """学习经历."""
    WORK_HISTORY = "work_history"
    """工作经历."""
    PHOTO = "photo"
    """证件照片."""


@frozen
class Profile:
    """The five sections of the basic information (M§1.4)."""

    general: GeneralInfo | None = None
    """一般信息; None until filled in."""
    education: Education | None = None
    """教育信息; None until filled in."""
    study_history: tuple[StudyRecord, ...] = ()
    """学习经历, oldest first."""
    work_history: tuple[WorkRecord, ...] = ()
    """工作经历, oldest first; the current employer has no end date."""
    photo: Photo | None = None
    """证件照片; None until uploaded."""

    def missing_sections(self) -> tuple[ProfileSection, ...]:
        """The sections not yet filled in, in the order of the screens."""
        sections = (
            (ProfileSection.GENERAL, self.general is not None),
            (ProfileSection.EDUCATION, self.education is not None),
            (ProfileSection.STUDY_HISTORY, bool(self.study_history)),
            (ProfileSection.WORK_HISTORY, bool(self.work_history)),
            (ProfileSection.PHOTO, self.photo is not None),
        )
        return tuple(name for name, present in sections if not present)


class ProfileState(StrEnum):
    """Whether the basic information (基本信息) is complete: a business can be started only then
    (M§1.4)."""

    INCOMPLETE = "incomplete"
    COMPLETE = "complete"


# --- residence ---------------------------------------------------------------------------------


class ProofKind(StrEnum):
    """The kind of 在京合法稳定住所证明 (M§2 注意事项 4, 7)."""

    RESIDENCE_CARD_SLIP = "residence_card_slip"
    """《北京市居住证（卡）确认单》, valid with the police station's special seal."""
    RESIDENCE_CARD_IMAGE = "residence_card_image"
    """A screenshot or photo of the electronic residence card: not valid (M§2 注意事项 7)."""
    HOUSE_OWNERSHIP = "house_ownership"
    """《房屋所有权证》."""
    REAL_ESTATE_TITLE = "real_estate_title"
    """《不动产权证书》."""
    LEASE = "lease"
    """房屋租赁合同、协议."""
    OTHER = "other"


class PropertyUse(StrEnum):
    """The use of the property as the proof states it; only a residential one qualifies
    (RES-003)."""

    RESIDENTIAL = "residential"
    OFFICE = "office"
    HOTEL = "hotel"
    COMMERCIAL = "commercial"
    OTHER = "other"


@frozen
class ResidenceProof:
    """在京合法稳定住所证明: what the proof document states."""

    kind: ProofKind = field(converter=ProofKind)
    """What the proof is: residence card slip, ownership certificate, lease, ..."""
    address: str
    """The address the proof states, e.g. ``北京市海淀区中关村大街27号院3号楼502室``."""
    property_use: PropertyUse = field(converter=PropertyUse)
    """The property's use (住宅, 办公, ...)."""
    district: str | None = None
    """The Beijing district of the address, e.g. ``海淀区``, when known."""
    police_seal: bool = False
    """The residence card slip bears the police station's special seal (派出所专用章)."""
    valid_until: date | None = None
    """The last day of validity (of a lease, say), when it has one."""


# --- attachments (附件管理) ----------------------------------------------------------------------


class Slot(StrEnum):
    """The attachment slots of the platform (附件材料, M§1.5)."""

    EDU_CERT = "edu_cert"
    """学历证书."""
    DEGREE_CERT = "degree_cert"
    """学位证书."""
    TITLE_CERT = "title_cert"
    """职称证书或评审材料."""
    TAXABLE_INCOME = "taxable_income"
    """应税收入材料."""
    HUKOU = "hukou"
    """户口本首页及本人页."""
    INTEGRITY = "integrity"
    """诚信声明."""
    MARRIAGE = "marriage"
    """结婚证 / 婚姻证明材料."""
    RESIDENCE = "residence"
    """在京合法稳定住所证明."""
    OTHER = "other"
    """其他材料."""


class Requirement(StrEnum):
    """How a business type requires an attachment slot (the platform's 要求 column, M§1.6),
    as a business type's spec states it (``BusinessTypeSpec.attachments``) or a rule set
    does for the types it names (``attachments.required``)."""

    REQUIRED = "required"
    """必传."""
    OPTIONAL = "optional"
    """非必传."""
    NOT_APPLICABLE = "not_applicable"
    """Not asked for by that business."""
    IF_DEGREE = "if_degree"
    """Required when applying by degree (以学位申报)."""
    IF_TITLE = "if_title"
    """Required when applying by professional title (以职称申报)."""
    IF_MARRIED = "if_married"
    """Required when married or remarried."""
    IF_EDUCATION_CHANGED = "if_education_changed"
    """Required when a basic-information change changes the education."""
    IF_HUKOU_CHANGED = "if_hukou_changed"
    """Required when a basic-information change changes the hukou place."""
    IF_ADDRESS_CHANGED = "if_address_changed"
    """Required when a basic-information change changes the residence address."""


@frozen
class Attachment:
    """An uploaded attachment (附件) in a slot, with the dates the rules judge."""

    slot: Slot = field(converter=Slot)
    """The slot it was uploaded to (学历证书, 应税收入材料, ...)."""
    file: FileInfo
    """The file as uploaded."""
    uploaded_on: date
    """The day it was uploaded; materials must be recent (DOC-002)."""
    document: str | None = None
    """What the file is when the slot holds several kinds, e.g. ``"resignation_certificate"``."""
    issued_on: date | None = None
    """The date printed on a dated material (tax or insurance printouts, slips, certificates)."""
    valid_until: date | None = None
    """The end of validity of a document that has one (contract, lease, identity card)."""


# --- employment facts --------------------------------------------------------------------------


@frozen
class Employer:
    """An employer (聘用单位) of the holder."""

    credit_code: str
    """Unified social credit code (统一社会信用代码)."""
    name: str
    """单位名称, e.g. ``北京海淀示例科技有限公司``."""
    handling_permission: bool = True
    """海淀区开通办理权限 (M§2 intro)."""
    in_beijing: bool = True
    """False once the employer has moved to another province or municipality (M§7)."""
    moved_out_on: date | None = None
    """The day the employer moved out of Beijing, when known (with ``in_beijing`` False)."""


@frozen
class LabourContract:
    """The labour contract (劳动合同) with the current employer."""

    employer_credit_code: str
    """The contracting employer's unified social credit code."""
    start: date
    """The first day of the contract."""
    valid_until: date | None = None
    """The last day of the contract; None for an open-ended one."""


@frozen
class IncomeMonth:
    """One month of taxable income as declared by its withholding agent."""

    month: date
    """The first day of the month."""
    withholder_credit_code: str
    """The credit code of the withholding agent (扣缴义务人): normally the employer."""
    taxable_income_cents: int
    """The month's taxable income in fen (分, 1/100 yuan): ``2_500_000`` is 25,000.00 yuan."""


@frozen
class InsuranceMonth:
    """One month of social insurance as paid by its payer."""

    month: date
    """The first day of the month."""
    payer_credit_code: str
    """The credit code of the unit that paid the social insurance."""
    back_paid: bool = False
    """补缴: paid after the month was due."""


@frozen
class Employment:
    """The employment facts the rules read: the contract, and income tax and social insurance month
    by month (36 months at most are judged)."""

    contract: LabourContract | None = None
    """The labour contract with the current employer; None when there is none."""
    income: tuple[IncomeMonth, ...] = ()
    """Taxable income by month, oldest first."""
    insurance: tuple[InsuranceMonth, ...] = ()
    """Social insurance by month, oldest first."""
    third_party_payroll: bool = False
    """Tax or insurance withheld and paid by a third party (第三方代扣代缴)."""


@frozen
class PaymentsImport:
    """The tax and insurance months a portal imports (from the tax and social-insurance
    records): they replace the months the record held."""

    income: tuple[IncomeMonth, ...] = ()
    """Every month of taxable income, as declared by its withholding agents."""
    insurance: tuple[InsuranceMonth, ...] = ()
    """Every month of social insurance, as paid by its payers."""
    third_party_payroll: bool = False
    """Tax or insurance withheld and paid by a third party (第三方代扣代缴)."""


@frozen
class EmployerFlags:
    """What a portal imports about the associated employer: its Haidian handling permission and
    whether (and since when) it moved out of Beijing."""

    credit_code: str
    """The employer these flags are about: the one the holder is associated with."""
    handling_permission: bool = True
    """海淀区开通办理权限 (M§2 intro)."""
    in_beijing: bool = True
    """False once the employer has moved to another province or municipality (M§7)."""
    moved_out_on: date | None = None
    """The day it moved out of Beijing, when known."""


# --- association (单位关联) ----------------------------------------------------------------------


class AssociationState(StrEnum):
    """The state of the employer association (单位关联, M§1.3)."""

    NONE = "none"
    REQUESTED = "requested"
    ASSOCIATED = "associated"
    DISSOCIATED = "dissociated"


@frozen
class Association:
    """The association with an employer (单位关联): requested by the holder with the
    association code, approved by the employer."""

    state: AssociationState = field(default=AssociationState.NONE, converter=AssociationState)
    """none, requested, associated or dissociated."""
    employer: Employer | None = None
    """The employer asked or associated; None before any request."""
    code: str | None = None
    """The association code (关联码) the employer's system issued."""
    since: datetime | None = None
    """When the association was approved."""
    left_on: date | None = None
    """The day the holder left this employer, once the association ended: the day the holder
    declared, or the day the employer dissociated."""


@frozen
class LeavingDeclaration:
    """The holder's declaration of having left the employer (自原单位离职, M§4.1)."""

    left_on: date


# --- the permit (北京市工作居住证) --------------------------------------------------------------


class PermitState(StrEnum):
    """The state of the permit (工作居住证)."""

    NONE = "none"
    VALID = "valid"
    SUSPENDED = "suspended"
    """挂起: after leaving an employer, until an employer change is approved."""
    EXPIRED = "expired"
    """过期: terminal, 无法恢复 (M§3 注意事项 3)."""
    CANCELLED = "cancelled"
    """注销: terminal (M§7)."""


class ChildField(StrEnum):
    """The required (*) fields of an accompanying person on the form (M§6.3)."""

    NAME = "name"
    """随往人员姓名."""
    RESIDENT_ID = "resident_id"
    """证件号码."""
    RELATIONSHIP = "relationship"
    """与本人关系."""
    BIRTH_CERTIFICATE_NUMBER = "birth_certificate_number"
    """出生证明编号."""
    UNIT = "unit"
    """工作(学习)单位."""


@frozen
class Child:
    """An accompanying child (随往子女), as declared in the application form (M§6.3)."""

    name: str
    """The child's name."""
    resident_id: str
    """The child's resident identity number (its birth date must match, ID-002)."""
    relationship: str
    """与申请人关系, e.g. ``子`` or ``女``."""
    birth_certificate_number: str
    """出生医学证明编号, e.g. ``O420123456``."""
    unit: str
    """工作(学习)单位."""
    birth_date: date
    """出生日期 as declared; the child must be under 18 on the submission day (CHD-001)."""
    hukou_province_code: str
    """The first two digits of the child's hukou division code (11 = Beijing: outside the scope)."""
    domestic: bool = True
    """A domestic (国内) child; an overseas one follows other rules."""
    birth_certificate_file: FileInfo | None = None
    """子女医学出生证明."""
    hukou_page_file: FileInfo | None = None
    """子女户口本页."""


@frozen
class Permit:
    """The holder's Work Residence Permit (工作居住证) as the platform records it."""

    state: PermitState = field(default=PermitState.NONE, converter=PermitState)
    """none, valid, suspended (挂起), expired or cancelled (注销)."""
    number: str | None = None
    """证件编号, e.g. ``HD15001X``; empty before issue."""
    permit_type: str | None = None
    """The permit's type (domestic, ...)."""
    employer_credit_code: str | None = None
    """The credit code of the employer the permit is bound to."""
    issued_on: date | None = None
    """The day it was issued."""
    expires_on: date | None = None
    """The last day of validity (有效期至); a renewal is due at least 20 working days before
    (REN-005)."""
    children: tuple[Child, ...] = ()
    """The accompanying children (随往子女) the permit carries."""
    changed_on: date | None = None
    """The day of the last change of state."""
    employer_set_on: date | None = None
    """The day the permit's employer was last set: its issue, or its last approved renewal or
    employer change (an information change does not set it). None in a record that does not
    say: then the issue day."""

    @property
    def is_terminal(self) -> bool:
        """True once the permit has expired or been cancelled: it cannot be restored."""
        return self.state in (PermitState.EXPIRED, PermitState.CANCELLED)


@frozen
class OpenApplication:
    """The one application in flight for this holder (one at a time)."""

    id: str
    """The open application's id."""
    business_type: str
    """Its business type (``renewal``, ...)."""
    under_review: bool = False
    """With the employer or the authority: the profile and attachments are locked meanwhile
    (catalogue §3.7, inferred); False in a draft and after a return, when the holder fixes."""
    state: str = ""
    """The application's state now: the engine keeps it in step with every event of the
    application ("" in a record written before the marker followed the state)."""
    business_zh: str = ""
    """The business type's name in Chinese (续签, ...), for messages."""
    business_en: str = ""
    """How the platform names the business (新办, 续签 …)."""
    state_zh: str = ""
    """Its state's label in Chinese, for messages."""
    state_en: str = ""
    """How the platform names the state (聘用单位审核中 …)."""
    withdrawable_by: tuple[Role, ...] = ()
    """Who may withdraw (撤回) the application in its state now; empty once the authority has
    accepted it (it is then passed, returned or suspended, never withdrawn)."""


@frozen
class HolderRecord:
    """Everything the platform keeps about one person: the basic information, attachments, residence
    proof, employment facts, employer association and permit, with its own version and history."""

    holder_id: str
    """The holder's resident identity number."""
    profile_state: ProfileState = field(default=ProfileState.INCOMPLETE, converter=ProfileState)
    """Whether the basic information is complete."""
    profile: Profile = Profile()
    """基本信息: the five sections."""
    residence: ResidenceProof | None = None
    """在京合法稳定住所证明; None until declared."""
    attachments: tuple[Attachment, ...] = ()
    """The uploaded attachments, one or more per slot."""
    employment: Employment = Employment()
    """Contract, income and social insurance."""
    association: Association = Association()
    """The employer association."""
    permit: Permit = Permit()
    """The permit."""
    former_permits: tuple[Permit, ...] = ()
    """The holder's ended permits (expired or cancelled), oldest first, each as it ended: a new
    application approved after an ended permit issues a fresh one and keeps the old one here."""
    open_application: OpenApplication | None = None
    """The one open application, if any (FLOW-001)."""
    version: int = 0
    """The number of accepted holder events; a portal writes with it (optimistic versions)."""
    history: tuple[AuditEntry, ...] = ()
    """The accepted holder events, oldest first."""

    def attachment(self, slot: Slot) -> Attachment | None:
        """The latest attachment in ``slot``, or None."""
        for attachment in self.attachments:
            if attachment.slot is slot:
                return attachment
        return None
