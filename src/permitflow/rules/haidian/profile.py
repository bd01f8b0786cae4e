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
from typing import Any

from permitflow.addresses import DISTRICTS, normalize_address, repeated_district
from permitflow.months import month_start
from permitflow.records.holder import ApplicationBasis, StudyStage
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import (
    APPLICANT_SIDE,
    DATA_EVENTS,
    PROFILE_EVENTS,
    REVIEW_EVENTS,
    attestation_due,
    cite,
    same_code,
)
from permitflow.rules.rule import (
    Rule,
    RuleContext,
    Verdict,
    failed,
    needs_attestation,
    passed,
)

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
def _sections_complete(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    missing = ctx.holder.profile.missing_sections()
    if not missing:
        return _PASS_PROFILE
    return (failed("profile", missing=", ".join(missing)),)


BI_001 = Rule(
    id="BI-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="bi",
    events=PROFILE_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite(
        "M§1.4",
        "随后根据流程引导完善“一般信息”、“教育信息”、“学习经历”和“工作经历”并上传“证件照片”等"
        "（照片应为申请人近期一寸免冠白底彩色证件照）。",
    ),
    title_zh="个人基础信息五个部分均已填写",
    title_en="All five sections of the basic information are filled in",
    message_zh="个人基础信息尚缺：{missing}。请在基础信息采集页面补全后再预览提交。",
    message_en="The basic information lacks: {missing}. Complete these sections on the basic "
    "information page, then preview and submit.",
    check=_sections_complete,
)


# M§1.4: 填写信息均应以目前实际情况及所提供的佐证材料作为依据 — only a reviewer holding the
# evidence can confirm it.
def _reflects_reality(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    return (needs_attestation("profile", attest="basic information matches the evidence"),)


BI_002 = Rule(
    id="BI-002",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="bi",
    business_types=APPLICANT_SIDE,
    events=REVIEW_EVENTS,
    citation=cite(_STANDARD, "填写信息均应以目前实际情况及所提供的佐证材料作为依据"),
    title_zh="基础信息与实际情况及佐证材料一致（已核实）",
    title_en="The basic information matches reality and the evidence (attested)",
    message_zh=(
        "请审核人员核对个人基础信息是否与目前实际情况及所上传的佐证材料一致，并记录核实结果。"
    ),
    message_en="A reviewer must check that the basic information matches the current facts "
    "and the uploaded evidence, and record the attestation.",
    check=_reflects_reality,
)


# M§1.4: 照片应为申请人近期一寸免冠白底彩色证件照 — a person judges a photo.
def _photo_standard(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    photo = ctx.holder.profile.photo
    uploaded = photo.uploaded_on.isoformat() if photo is not None else "none"
    return (needs_attestation("profile.photo", uploaded_on=uploaded),)


BI_003 = Rule(
    id="BI-003",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="bi",
    business_types=APPLICANT_SIDE,
    events=REVIEW_EVENTS,
    citation=cite("M§1.4; M§1 注意事项 1", "照片应为申请人近期一寸免冠白底彩色证件照"),
    title_zh="证件照片为近期一寸免冠白底彩色照片（已核实）",
    title_en="The ID photo is a recent one-inch, bareheaded, white-background colour photo "
    "(attested)",
    message_zh="请审核人员确认证件照片（上传于 {uploaded_on}）为近期一寸免冠白底彩色证件照。",
    message_en="A reviewer must confirm the ID photo (uploaded {uploaded_on}) is a recent "
    "one-inch, bareheaded, white-background colour photo.",
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
def _address_matches_proof(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    general = ctx.holder.profile.general
    proof = ctx.holder.residence
    if general is None or proof is None:
        return (failed("profile.general.address", address="-", proof_address="-"),)
    typed = _full_address(general.address, general.address_district)
    recorded = _full_address(proof.address, proof.district)
    if typed != recorded:
        return (
            failed("profile.general.address", address=general.address, proof_address=proof.address),
        )
    if attestation_due(ctx):
        return (needs_attestation("profile.general.address", proof_address=proof.address),)
    return _PASS_ADDRESS


BI_004 = Rule(
    id="BI-004",
    kind=RuleKind.HYBRID,
    severity=Severity.ERROR,
    group="bi",
    events=DATA_EVENTS | REVIEW_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite(
        _STANDARD,
        "现居住地址：应按个人附件“在京合法稳定住所证明”中上传的《北京市居住证（卡）确认单》、"
        "自有住房的《房屋所有权证》或《不动产权证书》或房屋租赁合同、协议中记载的完整地址填写",
    ),
    title_zh="现居住地址与住所证明记载的完整地址一致",
    title_en="The current address is the full address written on the residence proof",
    message_zh="现居住地址“{address}”与住所证明记载的地址“{proof_address}”不一致。"
    "请按住所证明上记载的完整地址填写；审核时须核对证明原件。",
    message_en="The current address '{address}' differs from the address on the residence "
    "proof '{proof_address}'. Enter the full address exactly as the proof states it; at review "
    "the reviewer checks it against the document.",
    check=_address_matches_proof,
)


@lru_cache(maxsize=4096)
def _repeated(address: str, district: str | None) -> str | None:
    return repeated_district(address, selector_district=district)


# M§1.4: 注意北京市所在区不要重复 (and M§6 注意事项 2: 填写“现居住地址”时，注意区县不要重复。)
def _district_not_repeated(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    general = ctx.holder.profile.general
    if general is None:
        return _PASS_ADDRESS
    fragment = _repeated(general.address, general.address_district)
    if fragment is None:
        return _PASS_ADDRESS
    return (failed("profile.general.address", address=general.address, repeated=fragment),)


BI_005 = Rule(
    id="BI-005",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="bi",
    events=PROFILE_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite(_STANDARD, "注意北京市所在区不要重复"),
    title_zh="现居住地址未重复填写市、区",
    title_en="The current address does not repeat the city or district",
    message_zh=(
        "现居住地址“{address}”重复填写了“{repeated}”。已在选择"
        "框中选择的市、区不要在地址中再写一遍，请删除重复部分。"
    ),
    message_en="The current address '{address}' repeats '{repeated}'. Do not write again the "
    "city or district chosen in the selector; remove the repetition.",
    check=_district_not_repeated,
)

# --- EDU: education -------------------------------------------------------------------------------


# M§1.4: “国内最高学历”、“国内最高学位”两项应按申请人在申报时取得的最高学历、学位进行填写
# 不区分国内国外 — machine half: the fields are filled (the degree when applying by degree);
# human half at review: they are the highest held, domestic or foreign.
def _highest_filled(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    education = ctx.holder.profile.education
    if education is None:
        return (failed("profile.education", missing="education"),)
    missing = []
    if not education.highest_education.strip():
        missing.append("highest_education")
    if education.basis is ApplicationBasis.DEGREE and not (education.highest_degree or "").strip():
        missing.append("highest_degree")
    if missing:
        return (failed("profile.education", missing=", ".join(missing)),)
    if attestation_due(ctx):
        return (
            needs_attestation(
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
    events=PROFILE_EVENTS | REVIEW_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite(
        _STANDARD,
        "“国内最高学历”、“国内最高学位”两项应按申请人在"
        "申报时取得的最高学历、学位进行填写不区分国内国外",
    ),
    title_zh="最高学历、学位已按申报时取得的最高学历学位填写",
    title_en="Highest education and degree hold the highest ones obtained at submission",
    message_zh=(
        "教育信息未填写：{missing}。请按申报时已取得的最高学历"
        "、学位填写（不区分国内国外）；审核时核对学历学位证书。"
    ),
    message_en="Education fields missing: {missing}. Enter the highest education and degree "
    "held at submission, domestic or foreign alike; th"
    "e reviewer checks them against the certificates.",
    check=_highest_filled,
)


# M§1.4: 如填写国外学历学位，注意“学位证书编号”按照教育部留学服务中心出具的完整认证报告编号填写
# — machine half: a foreign degree carries a CSCSE report number and the certificate-number
# field holds exactly it; human half at review: it is the complete number of the report.
def _foreign_degree_number(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    education = ctx.holder.profile.education
    if education is None or not education.degree_foreign:
        return _PASS_DEGREE_NUMBER
    report = "".join((education.cscse_report_number or "").split())
    number = "".join((education.degree_certificate_number or "").split())
    if not report or number != report:
        return (
            failed(
                "profile.education.degree_certificate_number",
                number=number or "-",
                report=report or "-",
            ),
        )
    if attestation_due(ctx):
        return (needs_attestation("profile.education.degree_certificate_number", report=report),)
    return _PASS_DEGREE_NUMBER


EDU_002 = Rule(
    id="EDU-002",
    kind=RuleKind.HYBRID,
    severity=Severity.ERROR,
    group="edu",
    events=PROFILE_EVENTS | REVIEW_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite(
        _STANDARD,
        "如填写国外学历学位，注意“学位证书编号”按照教育部留学服务中心出具的完整认证报告编号填写",
    ),
    title_zh="国外学位的证书编号为留学服务中心完整认证报告编号",
    title_en="A foreign degree is numbered by the complete CSCSE certification report number",
    message_zh=(
        "国外学位的“学位证书编号”（{number}）应填写教育部留学服务中"
        "心出具的完整认证报告编号（{report}）。请按认证报告逐字填写。"
    ),
    message_en="For a foreign degree the degree certificate number ({number}) must be the "
    "complete number of the CSCSE certification report ({report}); copy it from the report.",
    check=_foreign_degree_number,
)


# M§1.4: 以学位进行申报的不要填写“职称信息”
def _no_title_when_degree(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    education = ctx.holder.profile.education
    if education is None or education.basis is not ApplicationBasis.DEGREE:
        return _PASS_EDUCATION
    filled = [
        name
        for name, value in (
            ("title_name", education.title_name),
            ("title_level", education.title_level),
        )
        if value is not None and value.strip()
    ]
    if filled:
        return (failed("profile.education", filled=", ".join(filled)),)
    return _PASS_EDUCATION


EDU_003 = Rule(
    id="EDU-003",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="edu",
    events=PROFILE_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite(_STANDARD, "以学位进行申报的不要填写“职称信息”"),
    title_zh="以学位申报，未填写职称信息",
    title_en="Applying by degree, the professional-title fields are empty",
    message_zh="以学位申报时不要填写职称信息，当前已填写：{filled}。请清空职称信息后再提交。",
    message_en="An applicant applying by degree leaves the professional-title fields empty; "
    "filled now: {filled}. Clear them and submit again.",
    check=_no_title_when_degree,
)


# M§1.4: 不以职称申报的，请在国内教育信息栏目下方将“是否持有专业技术职务证书条目”选择“否”。
def _title_flag_no(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    education = ctx.holder.profile.education
    if education is None or education.basis is ApplicationBasis.TITLE:
        return _PASS_TITLE_FLAG
    if education.holds_title_certificate:
        return (failed("profile.education.holds_title_certificate", answer="是"),)
    return _PASS_TITLE_FLAG


EDU_004 = Rule(
    id="EDU-004",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="edu",
    events=PROFILE_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite(
        _STANDARD,
        "不以职称申报的，请在国内教育信息栏目下方将“是否持有专业技术职务证书条目”选择“否”。",
    ),
    title_zh="不以职称申报，“是否持有专业技术职务证书”选择“否”",
    title_en="Not applying by title, 'holds a professional technical post certificate' is 'no'",
    message_zh=(
        "不以职称申报时，“是否持有专业技术职务证书”应选择“否”（当前为“{answer}”）。请修改后再提交。"
    ),
    message_en="When not applying by professional title, answer 'no' (否) to 'holds a "
    "professional technical post certificate' (now '{answer}'); change it and submit again.",
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
def _study_span(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    records = sorted(ctx.holder.profile.study_history, key=lambda r: r.start)
    if not records:
        return (failed("profile.study_history", first="-", last="-"),)
    first, last = records[0], records[-1]
    highest = max(_STAGE_RANK[r.stage] for r in records)
    facts = {"first": first.stage.value, "last": last.stage.value}
    if (
        first.stage.value in ctx.params["history.first_study_stages"]
        and _STAGE_RANK[last.stage] == highest
    ):
        return _PASS_STUDY
    return (failed("profile.study_history", **facts),)


HIS_001 = Rule(
    id="HIS-001",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="his",
    events=PROFILE_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite(_STANDARD, "学习经历：填写自高中时期（或中专）开始至取得最高学历学位时期的信息"),
    title_zh="学习经历自高中（或中专）起填写至最高学历学位",
    title_en="The study history runs from senior high (or secondary vocational) school to the "
    "highest degree",
    message_zh=(
        "学习经历应自高中（或中专）开始填写至取得最高学历学位为止"
        "（当前最早为“{first}”，最后为“{last}”）。请补全学习经历。"
    ),
    message_en="The study history must start at senior high school (or secondary vocational "
    "school) and run to the highest degree (now it starts "
    "with '{first}' and ends with '{last}'); complete it.",
    check=_study_span,
)


# M§1.4: 工作经历：填写自参加工作至申报时期的全部经历 — machine half: the history reaches the
# submission day (a record still open, or ending on or after it) and no record starts after
# it; human half at review: nothing is left out since the first job.
def _work_reaches_submission(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    records = ctx.holder.profile.work_history
    submission = ctx.day
    current = any(r.end is None or r.end >= submission for r in records)
    future = [r.employer_name for r in records if r.start > submission]
    if not records or not current or future:
        latest = max((r.end or submission for r in records), default=None)
        return (
            failed(
                "profile.work_history",
                submission=submission.isoformat(),
                latest_end=latest.isoformat() if latest else "-",
            ),
        )
    if attestation_due(ctx):
        return (needs_attestation("profile.work_history", records=len(records)),)
    return _PASS_WORK


HIS_002 = Rule(
    id="HIS-002",
    kind=RuleKind.HYBRID,
    severity=Severity.ERROR,
    group="his",
    events=PROFILE_EVENTS | REVIEW_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite(_STANDARD, "工作经历：填写自参加工作至申报时期的全部经历"),
    title_zh="工作经历自参加工作填写至申报时",
    title_en="The work history covers everything from the first job up to submission",
    message_zh=(
        "工作经历应填写至申报时（{submission}）为止，当前最近一段截至 {latest_end}，或有开始于申报"
        "日之后的记录。请补全或更正工作经历。"
    ),
    message_en="The work history must reach the submission day ({submission}); the latest "
    "record ends {latest_end}, or a record starts after submission. Complete or correct it.",
    check=_work_reaches_submission,
)


# M§1.4: 填写时建议比对实际社保缴纳情况 — machine half: each social-insurance month of the last
# history.insurance_check_months months falls in a work record of that payer (records without
# a credit code cannot be compared and are left to the reviewer); human half at review.
def _work_matches_insurance(ctx: RuleContext) -> Iterable[Verdict[Any]]:
    window = ctx.params["history.insurance_check_months"]
    since = month_start(ctx.day, window)
    records = ctx.holder.profile.work_history
    spans: dict[str, list[tuple[date, date]]] = {}
    unmatched = []
    for insured in ctx.holder.employment.insurance:
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
    if unmatched:
        return (
            failed(
                "profile.work_history",
                months=", ".join(m.strftime("%Y-%m") for m in unmatched),
                window=window,
            ),
        )
    if attestation_due(ctx):
        return (needs_attestation("profile.work_history", window=window),)
    return _PASS_WORK


HIS_003 = Rule(
    id="HIS-003",
    kind=RuleKind.HYBRID,
    severity=Severity.WARNING,
    group="his",
    events=PROFILE_EVENTS | REVIEW_EVENTS,
    business_types=APPLICANT_SIDE,
    citation=cite(_STANDARD, "填写时建议比对实际社保缴纳情况"),
    title_zh="工作经历与社保缴纳记录相符",
    title_en="The work history agrees with the social-insurance record",
    message_zh=(
        "以下月份的社保缴纳单位在工作经历中找不到对应记录（近 {window} 个月）：{months}。建议比对实"
        "际社保缴纳情况补充或更正工作经历。"
    ),
    message_en="These months of social insurance (last {window} months) have no matching "
    "work record with their payer: {months}. Compare the work history with the actual "
    "social-insurance record and complete or correct it.",
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
