"""Valid sample records, built without hypothesis: the documented defaults of case files.

``permitflow case new TYPE`` and the case-file loader start from these records, and
``permitflow.testing`` builds its strategies on them. Every fact is valid and consistent as of
the moment ``at`` given (default [`AT`][permitflow.samples.AT]): a complete basic-information
profile of 张伟 (a
non-Beijing family hukou, a master's degree, one employer since 2015-07-01), the eight usual
attachments uploaded ten days before, 36 months of taxable income (25,000.00 yuan a month) and
social insurance paid by the employer, a lease in Haidian valid for another year, an approved
association with the employer, and a permit expiring 270 days after ``at``::

    from permitflow.samples import holder_for, valid_holder

    holder = holder_for("renewal")            # a valid permit, ready to renew
    newcomer = valid_holder(permit_state=PermitState.NONE)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
from dateutil.relativedelta import relativedelta

from permitflow.records.application import (
    BusinessType,
    Form,
)
from permitflow.records.holder import (
    ApplicationBasis,
    Association,
    AssociationState,
    Attachment,
    Child,
    Education,
    Employer,
    Employment,
    FileInfo,
    GeneralInfo,
    HolderRecord,
    Hukou,
    HukouKind,
    IncomeMonth,
    InsuranceMonth,
    LabourContract,
    MaritalStatus,
    Permit,
    PermitState,
    Photo,
    Profile,
    ProfileState,
    ProofKind,
    PropertyUse,
    ResidenceProof,
    Slot,
    StudyRecord,
    StudyStage,
    WorkRecord,
)
from permitflow.rules.rule import BEIJING, local_date

__all__ = [
    "AT",
    "CHILD",
    "EMPLOYERS",
    "HOLDER_IDS",
    "STRANGER_EMPLOYER",
    "STRANGER_ID",
    "default_form",
    "holder_for",
    "valid_holder",
]

AT = datetime(2026, 3, 16, 10, 0, tzinfo=BEIJING)
"""Monday 2026-03-16, 10:00 in Beijing: a working day with official calendar data."""

HOLDER_IDS = (
    "42010619900515001X",
    "320102198803211231",
    "510107199208084567",
    "370202198511307893",
)
"""Valid resident identity numbers of non-Beijing people of working age."""
EMPLOYERS = (
    Employer("91110108MA01ABCD5T", "北京海淀示例科技有限公司"),
    Employer("91110105MA02EFGH7Y", "北京朝阳示例信息有限公司"),
    Employer("91110108MA03JKLM11", "北京中关村示例软件有限公司"),
    Employer("91110108MA04NPQR07", "北京海淀示例生物有限公司"),
)
"""Beijing employers with valid unified social credit codes."""
STRANGER_ID = "130102199502143211"
"""A valid resident id that owns nothing in these records."""
STRANGER_EMPLOYER = "91110102MA06BCDE2D"
"""A valid credit code of an employer that has nothing to do with these records."""

_PDF = b"%PDF-1.7\n"
_ADDRESS = "北京市海淀区中关村大街27号院3号楼502室"


def _pdf(name: str, size_bytes: int = 400_000) -> FileInfo:
    return FileInfo(name=name, size_bytes=size_bytes, head=_PDF)


def _months_before(day: date, count: int) -> tuple[date, ...]:
    first = day.replace(day=1)
    return tuple(first - relativedelta(months=n) for n in range(count, 0, -1))


def _attachments(day: date) -> tuple[Attachment, ...]:
    uploaded = day - timedelta(days=10)
    issued = day - timedelta(days=5)
    plain = tuple(
        Attachment(slot, _pdf(f"{slot.value}.pdf"), uploaded)
        for slot in (Slot.EDU_CERT, Slot.DEGREE_CERT, Slot.HUKOU, Slot.INTEGRITY, Slot.MARRIAGE)
    )
    return (
        *plain,
        Attachment(Slot.TAXABLE_INCOME, _pdf("taxable_income.pdf"), uploaded, issued_on=issued),
        Attachment(
            Slot.RESIDENCE,
            _pdf("residence.pdf", 1_200_000),
            uploaded,
            document="lease",
            valid_until=day + relativedelta(years=1),
        ),
        Attachment(
            Slot.OTHER,
            _pdf("resignation.pdf"),
            uploaded,
            document="resignation_certificate",
            issued_on=issued,
        ),
    )


def _profile(holder_id: str, employer: Employer, marital: MaritalStatus, day: date) -> Profile:
    return Profile(
        general=GeneralInfo(
            name="张伟",
            resident_id=holder_id,
            phone="13800138000",
            hukou=Hukou(HukouKind.FAMILY, holder_id[:2], "户籍所在地"),
            address=_ADDRESS,
            address_district=None,
            marital_status=marital,
            retirement_category="male" if int(holder_id[16]) % 2 else "female_cadre",
        ),
        education=Education(
            highest_education="硕士研究生",
            highest_degree="硕士",
            basis=ApplicationBasis.DEGREE,
            degree_certificate_number="1000342017000123",
        ),
        study_history=(
            StudyRecord(StudyStage.SENIOR_HIGH, "第一中学", date(2005, 9, 1), date(2008, 6, 30)),
            StudyRecord(StudyStage.BACHELOR, "武汉大学", date(2008, 9, 1), date(2012, 6, 30)),
            StudyRecord(StudyStage.MASTER, "北京大学", date(2012, 9, 1), date(2015, 6, 30)),
        ),
        work_history=(WorkRecord(employer.name, date(2015, 7, 1), None, employer.credit_code),),
        photo=Photo(FileInfo("photo.jpg", 40_000, b"\xff\xd8\xff\xe0"), day - timedelta(days=10)),
    )


def valid_holder(
    *,
    at: datetime = AT,
    holder_id: str = HOLDER_IDS[0],
    employer: Employer = EMPLOYERS[0],
    permit_state: PermitState = PermitState.VALID,
    marital_status: MaritalStatus = MaritalStatus.MARRIED,
    expires_in_days: int = 270,
) -> HolderRecord:
    """A complete, consistent holder record whose dated facts are recent as of ``at``.

    ``permit_state`` NONE gives someone about to apply for a new permit (associated with
    ``employer``); VALID and SUSPENDED a holder whose permit expires ``expires_in_days`` after
    ``at`` (suspended: dissociated by ``employer``); EXPIRED and CANCELLED a former holder.
    """
    day = local_date(at)
    months = _months_before(day, 36)
    expires = day + timedelta(days=expires_in_days)
    if permit_state in (PermitState.EXPIRED, PermitState.CANCELLED):
        expires = day - timedelta(days=abs(expires_in_days) % 300 + 1)
    permit = (
        Permit()
        if permit_state is PermitState.NONE
        else Permit(
            state=permit_state,
            number=f"HD{holder_id[-6:]}",
            permit_type="domestic",
            employer_credit_code=employer.credit_code,
            issued_on=expires - relativedelta(years=3),
            expires_on=expires,
            changed_on=expires - relativedelta(years=3),
        )
    )
    suspended = permit_state is PermitState.SUSPENDED
    return HolderRecord(
        holder_id=holder_id,
        profile_state=ProfileState.COMPLETE,
        profile=_profile(holder_id, employer, marital_status, day),
        residence=ResidenceProof(
            kind=ProofKind.LEASE,
            address=_ADDRESS,
            property_use=PropertyUse.RESIDENTIAL,
            district="海淀区",
            valid_until=day + relativedelta(years=1),
        ),
        attachments=_attachments(day),
        employment=Employment(
            contract=LabourContract(
                employer.credit_code, date(2015, 7, 1), day + relativedelta(years=2)
            ),
            income=tuple(IncomeMonth(m, employer.credit_code, 2_500_000) for m in months),
            insurance=tuple(InsuranceMonth(m, employer.credit_code) for m in months),
        ),
        association=Association(
            state=AssociationState.DISSOCIATED if suspended else AssociationState.ASSOCIATED,
            employer=employer,
            code=f"GL-{employer.credit_code[-4:]}",
            since=datetime(2024, 1, 1, 9, 0, tzinfo=BEIJING),
        ),
        permit=permit,
    )


def _moved_to(holder: HolderRecord, employer: Employer, at: datetime) -> HolderRecord:
    """The holder after leaving for ``employer``: suspended, newly associated, two months paid."""
    day = local_date(at)
    former = holder.association.employer
    assert former is not None  # valid_holder always has an employer
    recent = set(_months_before(day, 2))

    def payer(month: date) -> str:
        return employer.credit_code if month in recent else former.credit_code

    employment = Employment(
        contract=LabourContract(employer.credit_code, day - relativedelta(months=2, days=5)),
        income=tuple(
            IncomeMonth(m.month, payer(m.month), m.taxable_income_cents)
            for m in holder.employment.income
        ),
        insurance=tuple(
            InsuranceMonth(m.month, payer(m.month)) for m in holder.employment.insurance
        ),
    )  # fmt: skip
    association = Association(
        AssociationState.ASSOCIATED, employer, f"GL-{employer.credit_code[-4:]}", at
    )
    started = employment.contract.start if employment.contract else day
    history = (
        *(attrs.evolve(w, end=started - timedelta(days=1)) for w in holder.profile.work_history),
        WorkRecord(employer.name, started, None, employer.credit_code),
    )
    return HolderRecord(
        holder_id=holder.holder_id,
        profile_state=holder.profile_state,
        profile=attrs.evolve(holder.profile, work_history=history),
        residence=holder.residence,
        attachments=holder.attachments,
        employment=employment,
        association=association,
        permit=holder.permit,
    )


def holder_for(
    business_type: BusinessType | str,
    *,
    at: datetime = AT,
    holder_id: str = HOLDER_IDS[0],
    employer: Employer = EMPLOYERS[0],
    new_employer: Employer = EMPLOYERS[1],
) -> HolderRecord:
    """A holder record from which ``business_type`` can be started at ``at``: with the permit
    state its spec starts from, and associated with ``new_employer`` when the spec says so."""
    # The specs name the sample forms of this module, so they are read when called.
    from permitflow.machines.spec import business_type_spec

    spec = business_type_spec(business_type)
    holder = valid_holder(
        at=at, holder_id=holder_id, employer=employer, permit_state=spec.permit_state
    )
    return _moved_to(holder, new_employer, at) if spec.new_employer else holder


CHILD = Child(
    name="张小明",
    resident_id="420106202001150017",
    relationship="子",
    birth_certificate_number="O420123456",
    unit="北京市海淀区中关村第一小学",
    birth_date=date(2020, 1, 15),
    hukou_province_code="42",
    birth_certificate_file=FileInfo("birth.pdf", 300_000, b"%PDF-1.7\n"),
    hukou_page_file=FileInfo("child_hukou.pdf", 300_000, b"%PDF-1.7\n"),
)
"""A minor, domestic, non-Beijing child (born 2020-01-15) with both uploads."""


def default_form(business_type: BusinessType | str, *, at: datetime = AT) -> Form:
    """A complete, plausible form of ``business_type``: its spec's sample form filed on the day
    of ``at`` (a cancellation for retirement)."""
    from permitflow.machines.spec import business_type_spec

    return business_type_spec(business_type).sample_form(local_date(at))
