"""Basic information (个人基础信息, M§1.4): general info, education, study and work history.

Groups ``bi`` (BI-001..005), ``edu`` (EDU-001..004) and ``his`` (HIS-001..003). The manual's
"填写标准" paragraph is one long sentence per field; each rule quotes the clause it implements.
The rules about the record's own sections also guard its preview and submission
(``complete_profile``, M§1.5): no profile is complete without its photo, education and
histories. BI-004 (the address as on the residence proof) waits for a filing, since the proof's
content may be recorded later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import ClassVar

from attrs import frozen

from permitflow._memo import ByIdentity
from permitflow.addresses import DISTRICTS, normalize_address, repeated_district
from permitflow.months import month_start
from permitflow.records.holder import (
    ApplicationBasis,
    InsuranceMonth,
    ProfileSection,
    StudyStage,
    WorkRecord,
)
from permitflow.rules.facts import Facts, Given, Month, Plain, months
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import (
    APPLICANT_SIDE,
    PROFILE_STEPS,
    REVIEWING,
    TEXTS,
    attestation_due,
    cite,
    same_code,
)
from permitflow.rules.rule import (
    Rule,
    RuleContext,
    Verdict,
    awaiting_confirmation,
    failed,
    needs_attestation,
    passed,
)
from permitflow.tags import HANDING_IN

_STANDARD = "M§1.4 “个人基础信息”填写标准"
_PASS_PROFILE = (passed("profile"),)
_PASS_ADDRESS = (passed("profile.general.address"),)
_PASS_EDUCATION = (passed("profile.education"),)
_PASS_DEGREE_NUMBER = (passed("profile.education.degree_certificate_number"),)
_PASS_TITLE_FLAG = (passed("profile.education.holds_title_certificate"),)
_PASS_STUDY = (passed("profile.study_history"),)
_PASS_WORK = (passed("profile.work_history"),)

# --- BI: general information ----------------------------------------------------------------------


# M§1.4: 随后根据流程引导完善“一般信息”、“教育信息”、“学习经历”和“工作经历”并上传“证件照片”等
# — all five sections are filled before preview and submit.
@frozen
class Sections(Facts):
    missing: tuple[ProfileSection, ...]


def _sections_complete(ctx: RuleContext) -> Iterable[Verdict[Sections]]:
    missing = ctx.holder.profile.missing_sections()
    if not missing:
        return _PASS_PROFILE
    return (failed("profile", Sections(missing)),)


BI_001 = Rule(
    id="BI-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="bi",
    tags=PROFILE_STEPS,
    business_types=APPLICANT_SIDE,
    citation=cite(
        "M§1.4",
        "随后根据流程引导完善“一般信息”、“教育信息”、“学习经历”和“工作经历”并上传“证件照片”等"
        "（照片应为申请人近期一寸免冠白底彩色证件照）。",
    ),
    texts=TEXTS,
    check=_sections_complete,
)


# M§1.4: 填写信息均应以目前实际情况及所提供的佐证材料作为依据 — only a reviewer holding the
# evidence can confirm it.
def _reflects_reality(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    return (needs_attestation("profile"),)


BI_002 = Rule(
    id="BI-002",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="bi",
    business_types=APPLICANT_SIDE,
    tags=REVIEWING,
    citation=cite(_STANDARD, "填写信息均应以目前实际情况及所提供的佐证材料作为依据"),
    texts=TEXTS,
    check=_reflects_reality,
)


# M§1.4: 照片应为申请人近期一寸免冠白底彩色证件照 — a person judges a photo.
@frozen
class Photo(Facts):
    uploaded_on: date


@frozen
class NoPhoto(Facts):
    variant: ClassVar[str] = "not_uploaded"


def _photo_standard(ctx: RuleContext) -> Iterable[Verdict[Photo | NoPhoto]]:
    photo = ctx.holder.profile.photo
    if photo is None:
        return (needs_attestation("profile.photo", NoPhoto()),)
    return (needs_attestation("profile.photo", Photo(photo.uploaded_on)),)


BI_003 = Rule(
    id="BI-003",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="bi",
    business_types=APPLICANT_SIDE,
    tags=REVIEWING,
    citation=cite("M§1.4; M§1 注意事项 1", "照片应为申请人近期一寸免冠白底彩色证件照"),
    texts=TEXTS,
    check=_photo_standard,
)


@lru_cache(maxsize=4096)
def _full_address(address: str, district: str | None) -> str:
    """An address as district + rest, without country or city prefix, for comparison."""
    text = normalize_address(address)
    for prefix in ("中华人民共和国", "中国"):
        text = text.removeprefix(prefix)
    if text.startswith("北京市"):
        text = text[3:]
    elif text.startswith("北京") and any(text[2:].startswith(d.name) for d in DISTRICTS):
        text = text[2:]
    if district and not text.startswith(normalize_address(district)):
        text = normalize_address(district) + text
    return text


# M§1.4: 现居住地址：应按个人附件“在京合法稳定住所证明”中上传的《北京市居住证（卡）确认单》、
# 自有住房的《房屋所有权证》或《不动产权证书》或房屋租赁合同、协议中记载的完整地址填写
# — machine half: the typed address equals the proof's address (after normalisation, with the
# district selector applied); human half at review: the proof document says that address.
@frozen
class OtherAddress(Facts):
    address: str
    proof_address: str


@frozen
class NoAddress(Facts):
    variant: ClassVar[str] = "no_address"


@frozen
class NoProof(Facts):
    variant: ClassVar[str] = "no_proof"
    address: str


def _address_matches_proof(
    ctx: RuleContext,
) -> Iterable[Verdict[OtherAddress | NoAddress | NoProof]]:
    general = ctx.holder.profile.general
    proof = ctx.holder.residence
    if general is None:
        return (failed("profile.general.address", NoAddress()),)
    if proof is None:
        return (failed("profile.general.address", NoProof(general.address)),)
    typed = _full_address(general.address, general.address_district)
    recorded = _full_address(proof.address, proof.district)
    if typed != recorded:
        return (failed("profile.general.address", OtherAddress(general.address, proof.address)),)
    if attestation_due(ctx):
        return (awaiting_confirmation("profile.general.address", proof_address=proof.address),)
    return _PASS_ADDRESS


BI_004 = Rule(
    id="BI-004",
    kind=RuleKind.HYBRID,
    severity=Severity.ERROR,
    group="bi",
    tags=HANDING_IN | REVIEWING,
    business_types=APPLICANT_SIDE,
    citation=cite(
        _STANDARD,
        "现居住地址：应按个人附件“在京合法稳定住所证明”中上传的《北京市居住证（卡）确认单》、"
        "自有住房的《房屋所有权证》或《不动产权证书》或房屋租赁合同、协议中记载的完整地址填写",
    ),
    texts=TEXTS,
    check=_address_matches_proof,
)


@lru_cache(maxsize=4096)
def _repeated(address: str, district: str | None) -> str | None:
    return repeated_district(address, selector_district=district)


# M§1.4: 注意北京市所在区不要重复 (and M§6 注意事项 2: 填写“现居住地址”时，注意区县不要重复。)
@frozen
class Repeated(Facts):
    address: str
    repeated: str


def _district_not_repeated(ctx: RuleContext) -> Iterable[Verdict[Repeated]]:
    general = ctx.holder.profile.general
    if general is None:
        return _PASS_ADDRESS
    fragment = _repeated(general.address, general.address_district)
    if fragment is None:
        return _PASS_ADDRESS
    return (failed("profile.general.address", Repeated(general.address, fragment)),)


BI_005 = Rule(
    id="BI-005",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="bi",
    tags=PROFILE_STEPS,
    business_types=APPLICANT_SIDE,
    citation=cite(_STANDARD, "注意北京市所在区不要重复"),
    texts=TEXTS,
    check=_district_not_repeated,
)

# --- EDU: education -------------------------------------------------------------------------------


# M§1.4: “国内最高学历”、“国内最高学位”两项应按申请人在申报时取得的最高学历、学位进行填写
# 不区分国内国外 — machine half: the fields are filled (the degree when applying by degree);
# human half at review: they are the highest held, domestic or foreign.
@frozen
class NoEducation(Facts):
    variant: ClassVar[str] = "no_section"


@frozen
class NoHighestEducation(Facts):
    variant: ClassVar[str] = "no_education"


@frozen
class NoHighestDegree(Facts):
    variant: ClassVar[str] = "no_degree"


def _highest_filled(
    ctx: RuleContext,
) -> Iterable[Verdict[NoEducation | NoHighestEducation | NoHighestDegree]]:
    education = ctx.holder.profile.education
    if education is None:
        return (failed("profile.education", NoEducation()),)
    missing: list[Verdict[NoHighestEducation | NoHighestDegree]] = []
    if not education.highest_education.strip():
        missing.append(failed("profile.education.highest_education", NoHighestEducation()))
    if education.basis is ApplicationBasis.DEGREE and not (education.highest_degree or "").strip():
        missing.append(failed("profile.education.highest_degree", NoHighestDegree()))
    if missing:
        return missing
    if attestation_due(ctx):
        return (
            awaiting_confirmation(
                "profile.education",
                education=education.highest_education,
                degree=education.highest_degree or "-",
            ),
        )
    return _PASS_EDUCATION


EDU_001 = Rule(
    id="EDU-001",
    kind=RuleKind.HYBRID,
    severity=Severity.ERROR,
    group="edu",
    tags=PROFILE_STEPS | REVIEWING,
    business_types=APPLICANT_SIDE,
    citation=cite(
        _STANDARD,
        "“国内最高学历”、“国内最高学位”两项应按申请人在"
        "申报时取得的最高学历、学位进行填写不区分国内国外",
    ),
    texts=TEXTS,
    check=_highest_filled,
)


# M§1.4: 如填写国外学历学位，注意“学位证书编号”按照教育部留学服务中心出具的完整认证报告编号填写
# — machine half: a foreign degree carries a CSCSE report number and the certificate-number
# field holds exactly it; human half at review: it is the complete number of the report.
@frozen
class OtherNumber(Facts):
    number: Given
    report: str


@frozen
class NoReport(Facts):
    variant: ClassVar[str] = "no_report"


def _foreign_degree_number(ctx: RuleContext) -> Iterable[Verdict[OtherNumber | NoReport]]:
    education = ctx.holder.profile.education
    if education is None or not education.degree_foreign:
        return _PASS_DEGREE_NUMBER
    report = "".join((education.cscse_report_number or "").split())
    number = "".join((education.degree_certificate_number or "").split())
    field = "profile.education.degree_certificate_number"
    if not report:
        return (failed("profile.education.cscse_report_number", NoReport()),)
    if number != report:
        return (failed(field, OtherNumber(Given(number), report)),)
    if attestation_due(ctx):
        return (awaiting_confirmation(field, report=report),)
    return _PASS_DEGREE_NUMBER


EDU_002 = Rule(
    id="EDU-002",
    kind=RuleKind.HYBRID,
    severity=Severity.ERROR,
    group="edu",
    tags=PROFILE_STEPS | REVIEWING,
    business_types=APPLICANT_SIDE,
    citation=cite(
        _STANDARD,
        "如填写国外学历学位，注意“学位证书编号”按照教育部留学服务中心出具的完整认证报告编号填写",
    ),
    texts=TEXTS,
    check=_foreign_degree_number,
)


# M§1.4: 以学位进行申报的不要填写“职称信息”
@frozen
class TitleFilled(Facts):
    filled: tuple[str, ...]


def _no_title_when_degree(ctx: RuleContext) -> Iterable[Verdict[TitleFilled]]:
    education = ctx.holder.profile.education
    if education is None or education.basis is not ApplicationBasis.DEGREE:
        return _PASS_EDUCATION
    filled = tuple(
        value.strip()
        for value in (education.title_name, education.title_level)
        if value is not None and value.strip()
    )
    if filled:
        return (failed("profile.education", TitleFilled(filled)),)
    return _PASS_EDUCATION


EDU_003 = Rule(
    id="EDU-003",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="edu",
    tags=PROFILE_STEPS,
    business_types=APPLICANT_SIDE,
    citation=cite(_STANDARD, "以学位进行申报的不要填写“职称信息”"),
    texts=TEXTS,
    check=_no_title_when_degree,
)


# M§1.4: 不以职称申报的，请在国内教育信息栏目下方将“是否持有专业技术职务证书条目”选择“否”。
def _title_flag_no(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    education = ctx.holder.profile.education
    if education is None or education.basis is ApplicationBasis.TITLE:
        return _PASS_TITLE_FLAG
    if education.holds_title_certificate:
        return (failed("profile.education.holds_title_certificate"),)
    return _PASS_TITLE_FLAG


EDU_004 = Rule(
    id="EDU-004",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="edu",
    tags=PROFILE_STEPS,
    business_types=APPLICANT_SIDE,
    citation=cite(
        _STANDARD,
        "不以职称申报的，请在国内教育信息栏目下方将“是否持有专业技术职务证书条目”选择“否”。",
    ),
    texts=TEXTS,
    check=_title_flag_no,
)

# --- HIS: study and work history ------------------------------------------------------------------

_STAGE_RANK = {
    StudyStage.SENIOR_HIGH: 1,
    StudyStage.SECONDARY_VOCATIONAL: 1,
    StudyStage.JUNIOR_COLLEGE: 2,
    StudyStage.BACHELOR: 3,
    StudyStage.MASTER: 4,
    StudyStage.DOCTORATE: 5,
    StudyStage.OTHER: 0,
}


# M§1.4: 学习经历：填写自高中时期（或中专）开始至取得最高学历学位时期的信息 — the earliest
# record is one of the first stages (parameter history.first_study_stages) and the latest record
# is the highest stage of the history.
@frozen
class StudySpan(Facts):
    first: StudyStage
    last: StudyStage


@frozen
class NoStudy(Facts):
    variant: ClassVar[str] = "empty"


def _study_span(ctx: RuleContext) -> Iterable[Verdict[StudySpan | NoStudy]]:
    records = sorted(ctx.holder.profile.study_history, key=lambda r: r.start)
    if not records:
        return (failed("profile.study_history", NoStudy()),)
    first, last = records[0], records[-1]
    highest = max(_STAGE_RANK[r.stage] for r in records)
    if (
        first.stage.value in ctx.params["history.first_study_stages"]
        and _STAGE_RANK[last.stage] == highest
    ):
        return _PASS_STUDY
    return (failed("profile.study_history", StudySpan(first.stage, last.stage)),)


HIS_001 = Rule(
    id="HIS-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="his",
    tags=PROFILE_STEPS,
    business_types=APPLICANT_SIDE,
    citation=cite(_STANDARD, "学习经历：填写自高中时期（或中专）开始至取得最高学历学位时期的信息"),
    texts=TEXTS,
    parameters={"history.first_study_stages": list},
    check=_study_span,
)


# M§1.4: 工作经历：填写自参加工作至申报时期的全部经历 — machine half: the history reaches the
# submission day (a record still open, or ending on or after it) and no record starts after
# it; human half at review: nothing is left out since the first job.
@frozen
class WorkEnds(Facts):
    submission: date
    latest_end: date


@frozen
class NoWork(Facts):
    variant: ClassVar[str] = "empty"


@frozen
class WorkLater(Facts):
    variant: ClassVar[str] = "later"
    employers: tuple[str, ...]
    submission: date


def _work_reaches_submission(
    ctx: RuleContext,
) -> Iterable[Verdict[WorkEnds | NoWork | WorkLater]]:
    records = ctx.holder.profile.work_history
    submission = ctx.day
    if not records:
        return (failed("profile.work_history", NoWork()),)
    future = tuple(r.employer_name for r in records if r.start > submission)
    if future:
        return (failed("profile.work_history", WorkLater(future, submission)),)
    latest = max(r.end or submission for r in records)
    if latest < submission:
        return (failed("profile.work_history", WorkEnds(submission, latest)),)
    if attestation_due(ctx):
        return (awaiting_confirmation("profile.work_history", records=len(records)),)
    return _PASS_WORK


HIS_002 = Rule(
    id="HIS-002",
    kind=RuleKind.HYBRID,
    severity=Severity.ERROR,
    group="his",
    tags=PROFILE_STEPS | REVIEWING,
    business_types=APPLICANT_SIDE,
    citation=cite(_STANDARD, "工作经历：填写自参加工作至申报时期的全部经历"),
    texts=TEXTS,
    check=_work_reaches_submission,
)


# M§1.4: 填写时建议比对实际社保缴纳情况 — machine half: each social-insurance month of the last
# history.insurance_check_months months falls in a work record of that payer (records without
# a credit code cannot be compared and are left to the reviewer); human half at review.
@frozen
class Unmatched(Facts):
    window: int
    months: tuple[Month, ...]


def _work_matches_insurance(ctx: RuleContext) -> Iterable[Verdict[Unmatched]]:
    window = ctx.params["history.insurance_check_months"]
    since = month_start(ctx.day, window)
    records, insurance = ctx.holder.profile.work_history, ctx.holder.employment.insurance
    # Judged at every filing and review of the same record: matched once per record and month.
    unmatched = _UNMATCHED.get(
        (records, insurance), since, lambda: _unmatched(records, insurance, since)
    )
    if unmatched:
        return (failed("profile.work_history", Unmatched(window, months(unmatched))),)
    if attestation_due(ctx):
        return (awaiting_confirmation("profile.work_history", window=window),)
    return _PASS_WORK


def _unmatched(
    records: tuple[WorkRecord, ...], insurance: tuple[InsuranceMonth, ...], since: date
) -> tuple[date, ...]:
    """The insurance months from ``since`` on that fall in no work record of their payer."""
    spans: dict[str, list[tuple[date, date]]] = {}
    unmatched = []
    for insured in insurance:
        month = insured.month
        if month < since:
            continue
        payer = insured.payer_credit_code
        payer_spans = spans.get(payer)
        if payer_spans is None:
            # A record overlaps a month when it starts by the month's end and ends after its
            # first day: compare with the first day of the record's start month.
            payer_spans = spans[payer] = [
                (r.start.replace(day=1), r.end or date.max)
                for r in records
                if r.employer_uscc is None or same_code(r.employer_uscc, payer)
            ]
        for start, end in payer_spans:
            if start <= month <= end:
                break
        else:
            unmatched.append(month)
    return tuple(unmatched)


_UNMATCHED: ByIdentity[tuple[date, ...]] = ByIdentity(256)


HIS_003 = Rule(
    id="HIS-003",
    kind=RuleKind.HYBRID,
    severity=Severity.WARNING,
    group="his",
    tags=PROFILE_STEPS | REVIEWING,
    business_types=APPLICANT_SIDE,
    citation=cite(_STANDARD, "填写时建议比对实际社保缴纳情况"),
    texts=TEXTS,
    parameters={"history.insurance_check_months": int},
    check=_work_matches_insurance,
)

RULES: tuple[Rule, ...] = (
    BI_001,
    BI_002,
    BI_003,
    BI_004,
    BI_005,
    EDU_001,
    EDU_002,
    EDU_003,
    EDU_004,
    HIS_001,
    HIS_002,
    HIS_003,
)
