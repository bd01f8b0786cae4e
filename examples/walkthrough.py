"""A walk through the six procedures of the Beijing Work Residence Permit (北京市工作居住证).

Four people, real procedures on the default Haidian rule set, fixed dates in 2025 and 2026:

* 张伟 associates with his employer and applies for a new permit (新办). The rules refuse his
  first submission (his address repeats the district); he corrects his basic information and
  submits again. The authority returns the file at level 1 with an opinion and a friendly tip;
  the employer may not resubmit for him, he does. Approved: the permit runs three years. Later
  he adds his child (证件业务信息变更) and records his new hukou location (证件基础信息变更):
  his first filing is returned by the employer and, left open, would hold back every other
  business; he withdraws it (撤回) and files again once ready.
* 李娜's employer renews her permit (续签) well before the latest submission day. She then
  leaves: the former employer dissociates her (the permit is suspended), she associates with
  her new employer, and after two months of social insurance there it files the employer
  change (聘用单位变更). The second review level suspends its review (中止审核) for a check and
  resumes it (恢复审核): the review due date moves back by the working days it was suspended.
* 王强 has reached the statutory retirement age (60 years and 3 months for a man born in
  December 1965); his employer files the cancellation (注销).
* 赵明's employer files a renewal after the latest submission day: the rule set warns (the
  manual puts the risk of a late filing on the employer and the holder), the review does not
  finish before the expiry date, the permit expires and the nightly sweep closes the renewal as
  moot. Told 「请重新办理新办业务」, he applies for a new permit again (新办) and gets a fresh
  one; the expired permit stays in his record as a former permit.

Every accepted event prints one line of the timeline: when, which application, the event, the
state change, who acted, and the findings (rule id, severity) that came with it.

Run: ``python examples/walkthrough.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from permitflow import (
    Actor,
    Application,
    ApplicationBasis,
    Association,
    AssociationState,
    Attachment,
    BasicItem,
    Blocked,
    BusinessType,
    CancellationTrigger,
    Child,
    Education,
    Employer,
    Employment,
    Engine,
    FileInfo,
    GeneralInfo,
    HolderRecord,
    Hukou,
    HukouKind,
    MaritalStatus,
    NotPermitted,
    Permit,
    PermitState,
    PermitType,
    Profile,
    ProfileState,
    RenewalForm,
    Role,
)
from permitflow.deadlines import latest_renewal_submission
from permitflow.machines import sweep
from permitflow.machines.association import AssociationRequest
from permitflow.machines.attachments import DeleteAttachment
from permitflow.machines.status import available_business, progress
from permitflow.records.application import FORM_TYPES
from permitflow.records.holder import (
    IncomeMonth,
    InsuranceMonth,
    LabourContract,
    Photo,
    ProofKind,
    PropertyUse,
    ResidenceProof,
    Slot,
    StudyRecord,
    StudyStage,
    WorkRecord,
)
from permitflow.rules.finding import Finding
from permitflow.rules.rule import BEIJING

ENGINE = Engine()
"""The Haidian rule set in force on each day, with its number of review levels."""

HAIDIAN_TECH = Employer("91110108MA01ABCD5T", "北京海淀示例科技有限公司")
CHAOYANG_INFO = Employer("91110105MA02EFGH7Y", "北京朝阳示例信息有限公司")
ZHONGGUANCUN_SOFT = Employer("91110108MA03JKLM11", "北京中关村示例软件有限公司")
PDF = b"%PDF-1.7\n"


def moment(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), BEIJING).replace(
        hour=hour, minute=minute
    )


# --- the people -----------------------------------------------------------------------------------


def months(first: date, last: date) -> tuple[date, ...]:
    """The first days of the months from ``first`` to ``last``, inclusive."""
    found = []
    month = first.replace(day=1)
    while month <= last:
        found.append(month)
        month += relativedelta(months=1)
    return tuple(found)


def paid_by(employer: Employer, first: date, last: date) -> Employment:
    """Income tax withheld and social insurance paid every month by ``employer``."""
    span = months(first, last)
    return Employment(
        contract=LabourContract(employer.credit_code, first, date(2029, 12, 31)),
        income=tuple(IncomeMonth(m, employer.credit_code, 2_800_000) for m in span),
        insurance=tuple(InsuranceMonth(m, employer.credit_code) for m in span),
    )


def scans(uploaded: date, *slots: Slot) -> tuple[Attachment, ...]:
    return tuple(Attachment(slot, FileInfo(f"{slot.value}.pdf", 380_000, PDF), uploaded)
                 for slot in slots)  # fmt: skip


def dated(slot: Slot, uploaded: date, **facts: Any) -> Attachment:
    return Attachment(slot, FileInfo(f"{slot.value}-{uploaded}.pdf", 420_000, PDF), uploaded,
                      **facts)  # fmt: skip


def person(
    *,
    holder_id: str,
    name: str,
    hukou: Hukou,
    address: str,
    employer: Employer,
    hired: date,
    as_of: date,
    marital: MaritalStatus = MaritalStatus.MARRIED,
    category: str = "male",
    permit: Permit | None = None,
) -> HolderRecord:
    """A holder whose profile is complete and whose attachments are current on ``as_of``."""
    lease_until = as_of + relativedelta(years=2)
    profile = Profile(
        general=GeneralInfo(name, holder_id, "13800138000", hukou, address,
                            marital_status=marital, retirement_category=category),
        education=Education("硕士研究生", "硕士", ApplicationBasis.DEGREE,
                            degree_certificate_number="1000342017000123"),
        study_history=(
            StudyRecord(StudyStage.SENIOR_HIGH, "第一中学", date(2005, 9, 1), date(2008, 6, 30)),
            StudyRecord(StudyStage.BACHELOR, "武汉大学", date(2008, 9, 1), date(2012, 6, 30)),
            StudyRecord(StudyStage.MASTER, "北京大学", date(2012, 9, 1), date(2015, 6, 30)),
        ),
        work_history=(WorkRecord(employer.name, hired, None, employer.credit_code),),
        photo=Photo(FileInfo("photo.jpg", 40_000, b"\xff\xd8\xff\xe0"), as_of),
    )  # fmt: skip
    return HolderRecord(
        holder_id=holder_id,
        profile_state=ProfileState.COMPLETE,
        profile=profile,
        residence=ResidenceProof(
            ProofKind.LEASE, address, PropertyUse.RESIDENTIAL, "海淀区", valid_until=lease_until
        ),
        attachments=(
            *scans(
                as_of, Slot.EDU_CERT, Slot.DEGREE_CERT, Slot.HUKOU, Slot.INTEGRITY, Slot.MARRIAGE
            ),
            dated(Slot.TAXABLE_INCOME, as_of, issued_on=as_of),
            dated(Slot.RESIDENCE, as_of, document="lease", valid_until=lease_until),
        ),
        employment=paid_by(employer, hired, as_of - relativedelta(months=1)),
        association=Association(
            AssociationState.ASSOCIATED, employer, "GL-0001", moment("2024-01-02")
        )
        if permit is not None
        else Association(),
        permit=permit or Permit(),
    )


# --- the timeline ---------------------------------------------------------------------------------

NAMES = {
    HAIDIAN_TECH.credit_code: HAIDIAN_TECH.name,
    CHAOYANG_INFO.credit_code: CHAOYANG_INFO.name,
    ZHONGGUANCUN_SOFT.credit_code: ZHONGGUANCUN_SOFT.name,
}
LABELS = {kind: ENGINE.definition(kind, 2).label_zh for kind in BusinessType}


def who(actor: Actor) -> str:
    if actor.role is Role.AUTHORITY:
        return f"主管部门第{actor.level}级 authority L{actor.level}"
    if actor.role is Role.EMPLOYER:
        return f"单位 {NAMES.get(actor.id, actor.id)}"
    if actor.role is Role.SYSTEM:
        return "系统定时 system timer"
    return f"本人 applicant {NAMES.get(actor.id, actor.id)}"


def show_findings(findings: Iterable[Finding], indent: str = "      ") -> None:
    for finding in findings:
        print(f"{indent}[{finding.rule_id} {finding.severity.value}/{finding.status.value}] "
              f"{finding.message_en}")  # fmt: skip
        print(f"{indent}  {finding.message_zh}")


def heading(text: str) -> None:
    print()
    print(f"== {text}")


class Story:
    """One holder's record and applications, fired through the engine and printed."""

    def __init__(self, holder: HolderRecord, name: str) -> None:
        self.holder = holder
        self.name = name
        self.applications: dict[str, Application] = {}
        NAMES[holder.holder_id] = name

    def start(self, kind: BusinessType, app_id: str, at: datetime, **form: Any) -> str:
        self.applications[app_id] = ENGINE.start(
            kind, holder=self.holder, application_id=app_id, at=at, form=FORM_TYPES[kind](**form)
        )
        return app_id

    def actor(self, role: Role, app_id: str | None = None, level: int = 1) -> Actor:
        if role is Role.APPLICANT:
            return Actor.applicant(self.holder.holder_id)
        if role is Role.EMPLOYER:
            if app_id is not None:
                return Actor.employer(self.applications[app_id].employer_id)
            employer = self.holder.association.employer
            assert employer is not None
            return Actor.employer(employer.credit_code)
        if role is Role.AUTHORITY:
            return Actor.authority(level, f"reviewer-{level}")
        return Actor.system("timer")

    def fire(
        self, app_id: str, event: str, by: Role, at: datetime, *, level: int = 1, **extra: Any
    ) -> None:
        actor = self.actor(by, app_id, level)
        if event == "pass":
            self.attest(app_id, actor, at - timedelta(minutes=30))
        application = self.applications[app_id]
        outcome = ENGINE.fire(application, event, actor=actor, at=at, holder=self.holder, **extra)
        assert outcome.application is not None
        self.applications[app_id], self.holder = outcome.application, outcome.holder
        entry = outcome.application.history[-1]
        label = LABELS[application.business_type]
        print(f"{at:%Y-%m-%d %H:%M}  {self.name} {label} {app_id}  {event}: "
              f"{entry.from_state} -> {entry.to_state}  by {who(actor)}")  # fmt: skip
        if entry.opinion:
            print(f"      审核意见 opinion: {entry.opinion}")
        if entry.reason:
            print(f"      {self.step_label(app_id, event)}原因 reason: {entry.reason}")
        for tip in entry.tips:
            print(f"      温馨提示 tip (for reference only): {tip}")
        show_findings(outcome.findings)
        seen = progress(ENGINE, outcome.application, at, holder=self.holder)
        if event in ("submit", "resubmit", "initiate", "reinitiate") and seen.review_due:
            print(f"      review due 审核期限: {seen.review_due.date} "
                  f"({seen.review_due.working_days} working days)")  # fmt: skip
        if seen.confirmation_slip_available:
            permit = self.holder.permit
            print(f"      approved: confirmation slip printable 可打印确认单; permit "
                  f"{permit.state.value}, employer {NAMES.get(permit.employer_credit_code or '')}"
                  f", expires {permit.expires_on}")  # fmt: skip

    def step_label(self, app_id: str, event: str) -> str:
        """How the platform names an event of this application (撤回, 第2级中止审核 …)."""
        application = self.applications[app_id]
        definition = ENGINE.definition_for(application, application.created_at)
        before = application.history[-1].from_state
        return next(t.label_zh for t in definition.transitions
                    if t.event == event and before in t.sources)  # fmt: skip

    def clock(self, app_id: str, at: datetime) -> None:
        """The review clock as the platform shows it (在办业务进度)."""
        seen = progress(ENGINE, self.applications[app_id], at, holder=self.holder)
        assert seen.review_due is not None
        assert seen.review_days_left is not None
        state = f"“{seen.state_zh}”"
        if seen.review_paused:
            left = seen.review_days_left
            print(f"      办理进度 {state}：审核计时暂停，暂停时剩余 {left} 个工作日")
            return
        breached = "，已超过规定审核周期" if seen.review_breached else ""
        print(f"      办理进度 {state}：应于 {seen.review_due.date} 前审核完毕，"
              f"剩余 {seen.review_days_left} 个工作日{breached}")  # fmt: skip
        print(f"      {seen.review_due.basis_zh}")

    def attest(self, app_id: str, reviewer: Actor, at: datetime) -> None:
        """What only a person can judge (a colour scan, lawful housing...) the reviewer
        attests before passing the file; the attestations hold until a return."""
        pending = ENGINE.pending_attestations(
            self.applications[app_id], "pass", at=at, holder=self.holder
        )
        for finding in pending:
            outcome = ENGINE.attest(
                self.applications[app_id], finding.rule_id, actor=reviewer, at=at,
                holder=self.holder, note="已核验原件 checked against the originals",
            )  # fmt: skip
            assert outcome.application is not None
            self.applications[app_id] = outcome.application
        if pending:
            print(f"{at:%Y-%m-%d %H:%M}  {self.name} {app_id}  {who(reviewer)} attests: "
                  f"{', '.join(f.rule_id for f in pending)}")  # fmt: skip

    def refused(
        self, app_id: str, event: str, by: Role | Actor, at: datetime, payload: Any = None
    ) -> None:
        """Try an event the procedure refuses, and print why."""
        application = self.applications[app_id]
        actor = by if isinstance(by, Actor) else self.actor(by, app_id)
        try:
            ENGINE.fire(application, event, actor=actor, at=at, holder=self.holder,
                        payload=payload)  # fmt: skip
        except (Blocked, NotPermitted) as error:
            print(f"{at:%Y-%m-%d %H:%M}  {self.name} {LABELS[application.business_type]} "
                  f"{app_id}  {event} by {who(actor)}: REFUSED [{error.code}]")  # fmt: skip
            print(f"      {error.message_en}")
            if isinstance(error, Blocked):
                show_findings(f for f in error.findings if f.blocks)
            return
        raise AssertionError(f"{event} should have been refused")

    def refresh_income(self, employer: Employer, hired: date, at: datetime) -> None:
        """Keep the dated tax material current (M§1.6): the portal imports the months paid
        since, and the holder replaces the printout."""
        day = at.date()
        print(f"{at:%Y-%m-%d %H:%M}  {self.name} record  (the portal imports tax and social "
              "insurance months up to last month)")  # fmt: skip
        self.holder = attrs.evolve(
            self.holder, employment=paid_by(employer, hired, day - relativedelta(months=1))
        )
        self.holder_event("delete_attachment", Role.APPLICANT, at,
                          DeleteAttachment(Slot.TAXABLE_INCOME))  # fmt: skip
        self.holder_event(
            "upload_attachment",
            Role.APPLICANT,
            at + timedelta(minutes=1),
            dated(Slot.TAXABLE_INCOME, day, issued_on=day - timedelta(days=3)),
        )

    def holder_event(self, event: str, by: Role, at: datetime, payload: Any = None) -> None:
        actor = self.actor(by)
        before = self.holder
        outcome = ENGINE.fire_holder(self.holder, event, actor=actor, at=at, payload=payload)
        self.holder = outcome.holder
        entry = outcome.holder.history[-1]
        detail = f" ({describe(payload)})" if payload is not None else ""
        print(f"{at:%Y-%m-%d %H:%M}  {self.name} record  {event}{detail}: "
              f"{entry.from_state} -> {entry.to_state}  by {who(actor)}")  # fmt: skip
        if before.permit.state is not self.holder.permit.state:
            print(f"      permit {before.permit.state.value} -> {self.holder.permit.state.value}")
        show_findings(outcome.findings)


def describe(payload: Any) -> str:
    if isinstance(payload, Attachment | DeleteAttachment):
        return payload.slot.value
    if isinstance(payload, AssociationRequest):
        return f"{payload.employer.name}, code {payload.code}"
    return type(payload).__name__


def business_list(story: Story, at: datetime, *, explain: str | None = None) -> None:
    """The business list; ``explain`` prints the reasons of that rule as the holder reads them."""
    lines = available_business(ENGINE, story.holder, at)
    can = ", ".join(line.business_type.value for line in lines if line.available) or "none"
    print(f"{at:%Y-%m-%d %H:%M}  {story.name} 可办业务 can start now: {can}")
    for line in lines:
        if not line.available:
            why = ", ".join(dict.fromkeys(reason.rule_id for reason in line.reasons))
            print(f"      not {line.business_type.value}: {why}")
    shown = {r.message_zh for line in lines for r in line.reasons if r.rule_id == explain}
    for message in sorted(shown):
        print(f"      {explain}：{message}")


# --- the procedures -------------------------------------------------------------------------------


def zhang_wei() -> None:
    heading("张伟: association, new application (新办) refused by the rules, fixed, returned, "
            "resubmitted, approved")  # fmt: skip
    day = date(2025, 3, 3)
    address = "北京市海淀区中关村大街27号院3号楼502室"
    holder = person(holder_id="42010619900515001X", name="张伟",
                    hukou=Hukou(HukouKind.FAMILY, "42", "湖北省武汉市武昌区"), address=address,
                    employer=HAIDIAN_TECH, hired=date(2021, 7, 1), as_of=day)  # fmt: skip
    general = holder.profile.general
    assert general is not None
    # He typed the district twice in his basic information; the lease states it once.
    typo = attrs.evolve(general, address="北京市海淀区海淀区中关村大街27号院3号楼502室")
    story = Story(attrs.evolve(holder, profile=attrs.evolve(holder.profile, general=typo)), "张伟")
    story.holder_event("request_association", Role.APPLICANT, moment("2025-03-03", 9),
                       AssociationRequest(HAIDIAN_TECH, "GL-2025-0303"))  # fmt: skip
    story.holder_event("approve_association", Role.EMPLOYER, moment("2025-03-03", 14))
    business_list(story, moment("2025-03-03", 15))

    new = story.start(BusinessType.NEW, "N-2025-001", moment("2025-03-04", 10),
                      permit_type=PermitType.DOMESTIC)  # fmt: skip
    story.refused(new, "submit", Role.APPLICANT, moment("2025-03-04", 10, 5))

    corrected = attrs.evolve(holder.profile, general=general)
    story.holder_event("edit_profile", Role.APPLICANT, moment("2025-03-04", 10, 20), corrected)
    story.holder_event("complete_profile", Role.APPLICANT, moment("2025-03-04", 10, 25))
    story.fire(new, "submit", Role.APPLICANT, moment("2025-03-04", 10, 30))
    story.fire(new, "employer_approve", Role.EMPLOYER, moment("2025-03-05", 11))
    story.fire(new, "accept", Role.AUTHORITY, moment("2025-03-07", 9, 30))
    story.fire(
        new, "return", Role.AUTHORITY, moment("2025-03-10", 16),
        opinion="学位证书扫描件不清晰，请重新上传清晰的彩色扫描件。",
        tips=("工作经历建议与社保缴纳记录核对，避免后续审核问题。",),
    )  # fmt: skip
    story.refused(new, "resubmit", Role.EMPLOYER, moment("2025-03-11", 9))
    story.holder_event("delete_attachment", Role.APPLICANT, moment("2025-03-11", 9, 10),
                       DeleteAttachment(Slot.DEGREE_CERT))  # fmt: skip
    story.holder_event("upload_attachment", Role.APPLICANT, moment("2025-03-11", 9, 15),
                       scans(day, Slot.DEGREE_CERT)[0])  # fmt: skip
    story.fire(new, "resubmit", Role.APPLICANT, moment("2025-03-11", 9, 30))
    story.fire(new, "employer_approve", Role.EMPLOYER, moment("2025-03-12", 10))
    story.fire(new, "accept", Role.AUTHORITY, moment("2025-03-13", 9))
    story.fire(new, "pass", Role.AUTHORITY, moment("2025-03-17", 15))
    story.fire(new, "pass", Role.AUTHORITY, moment("2025-03-20", 11), level=2)
    business_list(story, moment("2025-03-20", 12))

    heading("张伟: business-information change (证件业务信息变更): his son accompanies him")
    story.refresh_income(HAIDIAN_TECH, date(2021, 7, 1), moment("2025-06-09", 9))
    son = Child(
        name="张小明", resident_id="420106202001150017", relationship="子",
        birth_certificate_number="O420123456", unit="北京市海淀区中关村第一小学",
        birth_date=date(2020, 1, 15), hukou_province_code="42",
        birth_certificate_file=FileInfo("birth.pdf", 300_000, PDF),
        hukou_page_file=FileInfo("child_hukou.pdf", 300_000, PDF),
    )  # fmt: skip
    child = story.start(BusinessType.BUSINESS_CHANGE, "B-2025-014", moment("2025-06-09", 10),
                        instructions_confirmed=True, children=(son,))  # fmt: skip
    story.fire(child, "submit", Role.APPLICANT, moment("2025-06-09", 10, 5))
    story.fire(child, "employer_approve", Role.EMPLOYER, moment("2025-06-10", 9))
    story.fire(child, "accept", Role.AUTHORITY, moment("2025-06-11", 9))
    story.fire(child, "pass", Role.AUTHORITY, moment("2025-06-12", 10))
    story.fire(child, "pass", Role.AUTHORITY, moment("2025-06-13", 10), level=2)
    print(f"      permit children: {[c.name for c in story.holder.permit.children]}")

    heading("张伟: basic-information change (证件基础信息变更): hukou moved to Shijiazhuang")
    general = story.holder.profile.general
    assert general is not None
    moved = Hukou(HukouKind.FAMILY, "13", "河北省石家庄市长安区")
    story.holder_event(
        "edit_profile", Role.APPLICANT, moment("2026-01-12", 9),
        attrs.evolve(story.holder.profile, general=attrs.evolve(general, hukou=moved)),
    )  # fmt: skip
    story.holder_event("complete_profile", Role.APPLICANT, moment("2026-01-12", 9, 5))
    story.refresh_income(HAIDIAN_TECH, date(2021, 7, 1), moment("2026-01-12", 9, 6))
    story.holder_event("delete_attachment", Role.APPLICANT, moment("2026-01-12", 9, 10),
                       DeleteAttachment(Slot.HUKOU))  # fmt: skip
    story.holder_event("upload_attachment", Role.APPLICANT, moment("2026-01-12", 9, 15),
                       scans(date(2026, 1, 12), Slot.HUKOU)[0])  # fmt: skip
    form: dict[str, Any] = {
        "reason": "户口所在地变更", "instructions_confirmed": True,
        "changed_items": (BasicItem.HUKOU_LOCATION,), "new_hukou": moved,
    }  # fmt: skip
    first = story.start(BusinessType.BASIC_CHANGE, "C-2026-002", moment("2026-01-12", 9, 20),
                        **form)  # fmt: skip
    story.fire(first, "submit", Role.APPLICANT, moment("2026-01-12", 9, 30))
    story.fire(first, "employer_return", Role.EMPLOYER, moment("2026-01-12", 11),
               opinion="户口迁入手续尚未办结，请办结后再申请。")  # fmt: skip
    # While the returned change stays open, nothing else can start (FLOW-001 says which and how).
    business_list(story, moment("2026-01-12", 11, 30), explain="FLOW-001")
    story.fire(first, "withdraw", Role.APPLICANT, moment("2026-01-12", 12),
               reason="户口迁入手续办结前不再办理，办结后重新申请")  # fmt: skip
    business_list(story, moment("2026-01-12", 12, 5))
    basic = story.start(BusinessType.BASIC_CHANGE, "C-2026-003", moment("2026-01-13", 9, 20),
                        **form)  # fmt: skip
    story.fire(basic, "submit", Role.APPLICANT, moment("2026-01-13", 9, 30))
    story.fire(basic, "employer_approve", Role.EMPLOYER, moment("2026-01-13", 14))
    story.fire(basic, "accept", Role.AUTHORITY, moment("2026-01-14", 9))
    story.fire(basic, "pass", Role.AUTHORITY, moment("2026-01-15", 9))
    story.fire(basic, "pass", Role.AUTHORITY, moment("2026-01-16", 9), level=2)


def li_na() -> None:
    heading("李娜: renewal (续签) by her employer, then an employer change (聘用单位变更)")
    expires = date(2026, 5, 29)
    story = Story(
        person(holder_id="510107199208084567", name="李娜",
               hukou=Hukou(HukouKind.FAMILY, "51", "四川省成都市青羊区"),
               address="北京市海淀区学院路30号院2号楼1单元301室", employer=HAIDIAN_TECH,
               hired=date(2019, 7, 1), as_of=date(2026, 3, 2), category="female_cadre",
               permit=Permit(PermitState.VALID, "HD2023000456", "domestic",
                             HAIDIAN_TECH.credit_code, date(2023, 5, 29), expires)),
        "李娜",
    )  # fmt: skip
    deadline = latest_renewal_submission(expires)
    print(f"2026-03-02 08:00  李娜 permit expires {expires}; latest renewal submission "
          f"最晚提交日 {deadline.date}")  # fmt: skip
    print(f"      {deadline.basis_en}")
    renewal = story.start(BusinessType.RENEWAL, "R-2026-021", moment("2026-03-02", 9))
    story.fire(renewal, "prepare", Role.APPLICANT, moment("2026-03-02", 9, 30))
    story.fire(renewal, "initiate", Role.EMPLOYER, moment("2026-03-03", 10),
               payload=RenewalForm(employer_checked=True))  # fmt: skip
    story.fire(renewal, "accept", Role.AUTHORITY, moment("2026-03-05", 9))
    story.fire(renewal, "pass", Role.AUTHORITY, moment("2026-03-09", 9))
    story.fire(renewal, "pass", Role.AUTHORITY, moment("2026-03-11", 9), level=2)

    print("      (the renewal is done, so the former employer may now dissociate: CHG-005)")
    story.holder_event("dissociate", Role.EMPLOYER, moment("2026-03-31", 17))
    story.holder_event("request_association", Role.APPLICANT, moment("2026-04-01", 9),
                       AssociationRequest(ZHONGGUANCUN_SOFT, "GL-2026-0401"))  # fmt: skip
    story.holder_event("approve_association", Role.EMPLOYER, moment("2026-04-01", 15))

    print("      (the portal imports April and May: income tax and social insurance paid by "
          "the new employer)")  # fmt: skip
    former = story.holder.employment
    new_months = months(date(2026, 4, 1), date(2026, 5, 1))
    profile = story.holder.profile
    story.holder = attrs.evolve(
        story.holder,
        employment=Employment(
            contract=LabourContract(ZHONGGUANCUN_SOFT.credit_code, date(2026, 4, 1),
                                    date(2029, 3, 31)),
            income=(*former.income,
                    *(IncomeMonth(m, ZHONGGUANCUN_SOFT.credit_code, 3_000_000)
                      for m in new_months)),
            insurance=(*former.insurance,
                       *(InsuranceMonth(m, ZHONGGUANCUN_SOFT.credit_code) for m in new_months)),
        ),
        profile=attrs.evolve(profile, work_history=(
            attrs.evolve(profile.work_history[0], end=date(2026, 3, 31)),
            WorkRecord(ZHONGGUANCUN_SOFT.name, date(2026, 4, 1), None,
                       ZHONGGUANCUN_SOFT.credit_code),
        )),
    )  # fmt: skip
    story.holder_event("upload_attachment", Role.APPLICANT, moment("2026-06-01", 9),
                       dated(Slot.OTHER, date(2026, 6, 1), document="resignation_certificate",
                             issued_on=date(2026, 5, 28)))  # fmt: skip
    story.holder_event("delete_attachment", Role.APPLICANT, moment("2026-06-01", 9, 5),
                       DeleteAttachment(Slot.TAXABLE_INCOME))  # fmt: skip
    story.holder_event(
        "upload_attachment",
        Role.APPLICANT,
        moment("2026-06-01", 9, 10),
        dated(Slot.TAXABLE_INCOME, date(2026, 6, 1), issued_on=date(2026, 5, 29)),
    )
    business_list(story, moment("2026-06-01", 9, 15))
    change = story.start(BusinessType.EMPLOYER_CHANGE, "E-2026-007", moment("2026-06-01", 9, 20),
                         employer_accepted=True, left_previous_on=date(2026, 3, 31))  # fmt: skip
    story.fire(change, "prepare", Role.APPLICANT, moment("2026-06-01", 9, 30))
    story.fire(change, "initiate", Role.EMPLOYER, moment("2026-06-02", 10))
    story.fire(change, "accept", Role.AUTHORITY, moment("2026-06-03", 9))
    story.fire(change, "pass", Role.AUTHORITY, moment("2026-06-04", 9))
    story.clock(change, moment("2026-06-04", 9, 5))
    # Level 2 suspends its review to check the new employer's insurance records: the review
    # clock stops and the due date moves back by the working days spent suspended.
    story.fire(change, "suspend", Role.AUTHORITY, moment("2026-06-05", 9), level=2,
               reason="核实新单位社会保险缴纳记录")  # fmt: skip
    story.clock(change, moment("2026-06-08", 9))
    story.fire(change, "resume", Role.AUTHORITY, moment("2026-06-10", 9), level=2,
               reason="社会保险缴纳记录已核实")  # fmt: skip
    story.clock(change, moment("2026-06-10", 9, 5))
    story.fire(change, "pass", Role.AUTHORITY, moment("2026-06-11", 9), level=2)


def wang_qiang() -> None:
    heading("王强: cancellation (注销) at the statutory retirement age, filed by the employer")
    story = Story(
        person(holder_id="130102196512080118", name="王强",
               hukou=Hukou(HukouKind.FAMILY, "13", "河北省石家庄市长安区"),
               address="北京市海淀区上地十街10号院5号楼602室", employer=HAIDIAN_TECH,
               hired=date(2010, 3, 1), as_of=date(2026, 4, 1),
               permit=Permit(PermitState.VALID, "HD2024000789", "domestic",
                             HAIDIAN_TECH.credit_code, date(2024, 9, 1), date(2027, 9, 1))),
        "王强",
    )  # fmt: skip
    cancel = story.start(BusinessType.CANCELLATION, "X-2026-002", moment("2026-04-01", 9),
                         trigger=CancellationTrigger.RETIREMENT)  # fmt: skip
    story.fire(cancel, "submit", Role.EMPLOYER, moment("2026-04-01", 9, 30))
    story.fire(cancel, "accept", Role.AUTHORITY, moment("2026-04-02", 9))
    story.fire(cancel, "pass", Role.AUTHORITY, moment("2026-04-03", 9))
    story.fire(cancel, "pass", Role.AUTHORITY, moment("2026-04-07", 9), level=2)


def zhao_ming() -> None:
    heading("赵明: a renewal filed late; the permit expires, the sweep closes the renewal, and he "
            "applies for a new permit again")
    expires = date(2026, 4, 30)
    story = Story(
        person(holder_id="370202198511307893", name="赵明",
               hukou=Hukou(HukouKind.FAMILY, "37", "山东省青岛市市南区"),
               address="北京市海淀区北四环西路58号院1号楼1203室", employer=HAIDIAN_TECH,
               hired=date(2018, 4, 1), as_of=date(2026, 4, 13),
               permit=Permit(PermitState.VALID, "HD2023000321", "domestic",
                             HAIDIAN_TECH.credit_code, date(2023, 4, 30), expires)),
        "赵明",
    )  # fmt: skip
    deadline = latest_renewal_submission(expires)
    print(f"2026-04-13 08:00  赵明 permit expires {expires}; the latest renewal submission "
          f"was {deadline.date}")  # fmt: skip
    renewal = story.start(BusinessType.RENEWAL, "R-2026-033", moment("2026-04-13", 9))
    story.fire(renewal, "prepare", Role.APPLICANT, moment("2026-04-13", 9, 30))
    story.fire(renewal, "initiate", Role.EMPLOYER, moment("2026-04-14", 10),
               payload=RenewalForm(employer_checked=True))  # fmt: skip
    story.fire(renewal, "accept", Role.AUTHORITY, moment("2026-04-16", 9))
    result = sweep(ENGINE, story.holder, [story.applications[renewal]], moment("2026-05-01", 0, 5))
    for event in result.events:
        subject = "record" if event.subject == "holder" else f"续签 {event.subject}"
        print(
            f"2026-05-01 00:05  赵明 {subject}  {event.event}: "
            f"{event.from_state} -> {event.to_state}  by {who(Actor.system('timer'))}"
        )
    story.holder = result.holder
    business_list(story, moment("2026-05-01", 9), explain="FLOW-002")
    second_life(story)


def second_life(story: Story) -> None:
    """赵明 applies for a new permit again: the expired one stays in his record as it ended."""
    ended = story.holder.permit
    print(f"2026-05-06 09:00  赵明：原工作居住证已于 {ended.expires_on} 过期，无法恢复；"
          "仍在职且符合条件，按提示重新办理新办业务。")  # fmt: skip
    again = story.start(BusinessType.NEW, "N-2026-118", moment("2026-05-06", 9))
    story.fire(again, "submit", Role.APPLICANT, moment("2026-05-06", 9, 30))
    story.fire(again, "employer_approve", Role.EMPLOYER, moment("2026-05-07", 10))
    story.fire(again, "accept", Role.AUTHORITY, moment("2026-05-11", 9))
    story.fire(again, "pass", Role.AUTHORITY, moment("2026-05-13", 15))
    story.fire(again, "pass", Role.AUTHORITY, moment("2026-05-20", 15), level=2)
    permit = story.holder.permit
    former = story.holder.former_permits[-1]
    print(f"      赵明：新证件自 {permit.issued_on} 起有效，至 {permit.expires_on}；"
          f"原证件（{former.number}，{former.expires_on} 过期）作为历史证件保留在档案中，"
          "不会恢复。")  # fmt: skip
    print(f"      Zhao Ming: the new permit runs from {permit.issued_on} to "
          f"{permit.expires_on}; the expired one ({former.number}, expired "
          f"{former.expires_on}) stays in his record as a former permit and never comes back.")


def main() -> None:
    print("permitflow walkthrough — Haidian rule set, two authority review levels")
    zhang_wei()
    li_na()
    wang_qiang()
    zhao_ming()
    print()
    print(
        "walkthrough complete: six business types, one refusal by the rules fixed, one "
        "return resubmitted by the applicant, one withdrawal, one suspended and resumed review, "
        "one renewal closed as moot, one second new application after an expired permit"
    )


if __name__ == "__main__":
    main()
