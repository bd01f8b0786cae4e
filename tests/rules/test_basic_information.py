"""ACC, BI, EDU and HIS: access and the basic information (M§1.2-1.4)."""

from __future__ import annotations

from datetime import date

from rules_fixtures import AT, REMOVED, application, context, expect, valid_holder

from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord, StudyRecord, StudyStage, WorkRecord
from permitflow.rules.finding import Status
from permitflow.rules.rule import RuleContext

NEW = BusinessType.NEW
PASSED, FAILED, ATTEST = Status.PASSED, Status.FAILED, Status.NEEDS_ATTESTATION


def submit(holder: HolderRecord | None = None) -> RuleContext:
    return context(holder or valid_holder(), application(NEW), "submit")


def review(holder: HolderRecord | None = None, attested: tuple[str, ...] = ()) -> RuleContext:
    app = application(NEW, "authority_review", attested=attested)
    return context(holder or valid_holder(), app, "pass")


# --- ACC --------------------------------------------------------------------------------------


def test_acc_001_login_is_enforced_by_the_portal() -> None:
    (finding,) = expect("ACC-001", submit(), PASSED)
    assert "enforced_by" in finding.facts_dict()


def test_acc_002_business_needs_a_complete_profile() -> None:
    expect("ACC-002", submit(), PASSED)
    (finding,) = expect("ACC-002", submit(valid_holder(profile_state="incomplete")), FAILED)
    assert "not complete" in finding.message_en
    assert "incomplete" not in finding.message_zh + finding.message_en


# --- BI ---------------------------------------------------------------------------------------


def test_bi_001_all_five_sections_are_needed() -> None:
    expect("BI-001", submit(), PASSED)
    (finding,) = expect("BI-001", submit(valid_holder(**{"profile.photo": REMOVED})), FAILED)
    assert finding.facts_dict() == {"missing": "photo"}
    two = valid_holder(**{"profile.photo": REMOVED, "profile.work_history": ()})
    (finding,) = expect("BI-001", submit(two), FAILED)
    assert finding.facts_dict() == {"missing": "work_history, photo"}


def test_bi_002_waits_for_a_reviewer_and_passes_once_attested() -> None:
    expect("BI-002", review(), ATTEST)
    expect("BI-002", review(attested=("BI-002",)), PASSED)
    ctx = context(valid_holder(), None, "pass", business_type=NEW)
    expect("BI-002", ctx, ATTEST)


def test_bi_003_the_photo_is_judged_by_a_reviewer() -> None:
    (finding,) = expect("BI-003", review(), ATTEST)
    assert finding.facts_dict()["uploaded_on"] == "2026-03-06"
    assert "上传于 2026-03-06" in finding.message_zh
    expect("BI-003", review(attested=("BI-003",)), PASSED)
    (finding,) = expect("BI-003", review(valid_holder(**{"profile.photo": REMOVED})), ATTEST)
    assert finding.message_zh.startswith("证件照片尚未上传")


def test_bi_004_the_address_is_the_one_on_the_proof() -> None:
    expect("BI-004", submit(), PASSED)
    moved = valid_holder(**{"residence.address": "北京市海淀区中关村大街28号院1号楼101室"})
    (finding,) = expect("BI-004", submit(moved), FAILED)
    assert finding.field == "profile.general.address"
    assert "28号院" in finding.message_zh


def test_bi_004_without_a_proof_or_general_information_says_which_is_missing() -> None:
    (finding,) = expect("BI-004", submit(valid_holder(residence=REMOVED)), FAILED)
    assert finding.message_zh.startswith("尚未录入在京合法稳定住所证明")
    (finding,) = expect("BI-004", submit(valid_holder(**{"profile.general": REMOVED})), FAILED)
    assert finding.message_zh.startswith("一般信息尚未填写")


def test_bi_004_the_district_selector_counts_as_part_of_the_address() -> None:
    holder = valid_holder(
        **{
            "profile.general.address": "中关村大街２７号院3号楼 502室",
            "profile.general.address_district": "海淀区",
        }
    )
    expect("BI-004", submit(holder), PASSED)
    elsewhere = valid_holder(
        **{
            "profile.general.address": "中关村大街27号院3号楼502室",
            "profile.general.address_district": "朝阳区",
        }
    )
    expect("BI-004", submit(elsewhere), FAILED)


def test_bi_004_at_review_the_document_itself_must_be_checked() -> None:
    expect("BI-004", review(), ATTEST)
    expect("BI-004", review(attested=("BI-004",)), PASSED)


def test_bi_005_the_district_is_not_repeated() -> None:
    expect("BI-005", submit(), PASSED)
    doubled = valid_holder(**{"profile.general.address": "北京市海淀区海淀区中关村大街27号"})
    (finding,) = expect("BI-005", submit(doubled), FAILED)
    assert finding.facts_dict()["repeated"] == "海淀区"


def test_bi_005_with_a_selector_the_text_does_not_start_with_the_district() -> None:
    chosen = {"profile.general.address_district": "海淀区"}
    plain = valid_holder(**chosen, **{"profile.general.address": "中关村大街27号院"})
    expect("BI-005", submit(plain), PASSED)
    again = valid_holder(**chosen, **{"profile.general.address": "海淀区中关村大街27号院"})
    expect("BI-005", submit(again), FAILED)


# --- EDU --------------------------------------------------------------------------------------


def test_edu_001_the_highest_education_and_degree_are_filled() -> None:
    expect("EDU-001", submit(), PASSED)
    no_degree = valid_holder(**{"profile.education.highest_degree": None})
    (finding,) = expect("EDU-001", submit(no_degree), FAILED)
    assert finding.field == "profile.education.highest_degree"
    assert finding.message_zh.startswith("以学位申报，“国内最高学位”未填写")
    neither = valid_holder(
        **{"profile.education.highest_degree": None, "profile.education.highest_education": ""}
    )
    first, second = expect("EDU-001", submit(neither), FAILED)
    assert first.message_zh.startswith("“国内最高学历”未填写")
    assert second.field == "profile.education.highest_degree"
    (finding,) = expect("EDU-001", submit(valid_holder(**{"profile.education": REMOVED})), FAILED)
    assert finding.message_zh.startswith("教育信息尚未填写")
    # Applying by title, a missing degree is no omission.
    by_title = valid_holder(
        **{"profile.education.highest_degree": None, "profile.education.basis": "title"}
    )
    expect("EDU-001", submit(by_title), PASSED)
    expect("EDU-001", review(), ATTEST)


def test_edu_002_a_foreign_degree_carries_the_cscse_report_number() -> None:
    foreign = {
        "profile.education.degree_foreign": True,
        "profile.education.cscse_report_number": "JY2025-0012345",
    }
    expect("EDU-002", submit(), PASSED)
    numbered = valid_holder(
        **foreign, **{"profile.education.degree_certificate_number": "JY2025-0012345"}
    )
    expect("EDU-002", submit(numbered), PASSED)
    diploma_number = valid_holder(
        **foreign, **{"profile.education.degree_certificate_number": "UK-77881"}
    )
    (finding,) = expect("EDU-002", submit(diploma_number), FAILED)
    assert finding.facts_dict() == {"number": "UK-77881", "report": "JY2025-0012345"}
    no_report = valid_holder(**{"profile.education.degree_foreign": True})
    (finding,) = expect("EDU-002", submit(no_report), FAILED)
    assert finding.message_zh.startswith("国外学位尚未填写教育部留学服务中心认证报告编号")
    expect("EDU-002", review(numbered), ATTEST)


def test_edu_003_applying_by_degree_leaves_title_fields_empty() -> None:
    expect("EDU-003", submit(), PASSED)
    titled = valid_holder(**{"profile.education.title_name": "工程师"})
    (finding,) = expect("EDU-003", submit(titled), FAILED)
    assert finding.facts_dict() == {"filled": "工程师"}
    assert "当前已填写“工程师”" in finding.message_zh
    by_title = valid_holder(
        **{"profile.education.title_name": "工程师", "profile.education.basis": "title"}
    )
    expect("EDU-003", submit(by_title), PASSED)


def test_edu_004_not_applying_by_title_answers_no() -> None:
    expect("EDU-004", submit(), PASSED)
    holds = valid_holder(**{"profile.education.holds_title_certificate": True})
    expect("EDU-004", submit(holds), FAILED)
    by_title = valid_holder(
        **{"profile.education.holds_title_certificate": True, "profile.education.basis": "title"}
    )
    expect("EDU-004", submit(by_title), PASSED)


# --- HIS --------------------------------------------------------------------------------------


def test_his_001_study_history_starts_at_senior_high_or_secondary_vocational() -> None:
    expect("HIS-001", submit(), PASSED)
    vocational = valid_holder(**{"profile.study_history.0.stage": "secondary_vocational"})
    expect("HIS-001", submit(vocational), PASSED)
    from_bachelor = valid_holder(**{"profile.study_history.0": REMOVED})
    (finding,) = expect("HIS-001", submit(from_bachelor), FAILED)
    assert finding.facts_dict() == {"first": "bachelor", "last": "master"}
    expect("HIS-001", submit(valid_holder(**{"profile.study_history": ()})), FAILED)


def test_his_001_study_history_runs_to_the_highest_degree() -> None:
    stops_early = valid_holder(
        **{
            "profile.study_history": (
                StudyRecord(StudyStage.SENIOR_HIGH, "一中", date(2005, 9, 1), date(2008, 6, 30)),
                StudyRecord(StudyStage.MASTER, "北大", date(2012, 9, 1), date(2015, 6, 30)),
                StudyRecord(StudyStage.BACHELOR, "夜大", date(2016, 9, 1), date(2018, 6, 30)),
            )
        }
    )
    expect("HIS-001", submit(stops_early), FAILED)


def test_his_002_work_history_reaches_the_submission_day() -> None:
    expect("HIS-002", submit(), PASSED)
    ends_on_the_day = valid_holder(**{"profile.work_history.0.end": AT.date()})
    expect("HIS-002", submit(ends_on_the_day), PASSED)
    ended_before = valid_holder(**{"profile.work_history.0.end": date(2026, 3, 15)})
    (finding,) = expect("HIS-002", submit(ended_before), FAILED)
    assert finding.facts_dict()["latest_end"] == "2026-03-15"
    assert "当前最近一段截至 2026-03-15" in finding.message_zh
    (finding,) = expect("HIS-002", submit(valid_holder(**{"profile.work_history": ()})), FAILED)
    assert finding.message_zh.startswith("工作经历尚未填写")
    later_job = valid_holder(
        **{
            "profile.work_history": (
                WorkRecord("甲公司", date(2015, 7, 1)),
                WorkRecord("乙公司", date(2026, 4, 1)),
            )
        }
    )
    (finding,) = expect("HIS-002", submit(later_job), FAILED)
    assert "“乙公司”的开始时间晚于申报日 2026-03-16" in finding.message_zh
    expect("HIS-002", review(), ATTEST)


def test_his_003_work_history_agrees_with_the_insurance_record() -> None:
    expect("HIS-003", submit(), PASSED)
    other_payer = valid_holder(
        **{"employment.insurance.35.payer_credit_code": "91110105MA02EFGH7Y"}
    )
    (finding,) = expect("HIS-003", submit(other_payer), FAILED)
    assert finding.facts_dict()["months"] == "2026-02"
    assert finding.severity.value == "warning"
    expect("HIS-003", review(), ATTEST)


def test_his_003_only_the_window_is_compared() -> None:
    holder = valid_holder()
    window = holder.employment.insurance[0].month  # 2023-03: the oldest month of the window
    assert window == date(2023, 3, 1)
    old_job = valid_holder(
        **{
            "profile.work_history.0.start": date(2023, 3, 31),
            "employment.insurance.0.payer_credit_code": "91110105MA02EFGH7Y",
        }
    )
    expect("HIS-003", submit(old_job), FAILED)
    # A record starting on the last day of the month still covers that month.
    covered = valid_holder(**{"profile.work_history.0.start": date(2023, 3, 31)})
    expect("HIS-003", submit(covered), PASSED)
    starts_later = valid_holder(**{"profile.work_history.0.start": date(2023, 4, 1)})
    expect("HIS-003", submit(starts_later), FAILED)
