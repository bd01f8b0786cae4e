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

Every accepted event prints one line of the timeline: when, which application, the step by the
platform's words, the state change by the states' labels, who acted, and the findings that came
with it (each rule's message, its id in brackets after it). One language per run.

Run: ``python examples/walkthrough.py`` (in Chinese; ``--lang en`` in English).
"""

from __future__ import annotations

import argparse
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
from permitflow.engine.definition import MachineDefinition
from permitflow.labels import event_label, label, role_label, state_label
from permitflow.machines import sweep
from permitflow.machines.association import AssociationRequest
from permitflow.machines.attachments import DeleteAttachment
from permitflow.machines.status import available_business, describe_business, progress
from permitflow.messages import Language
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
from permitflow.text import Quoted, referenced, render

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

LANG: Language = "zh"
"""The one language the timeline speaks (``--lang``)."""


def say(zh: str, en: str) -> str:
    """The text in the timeline's language."""
    return zh if LANG == "zh" else en


def words(value: object) -> str:
    """A fact in the timeline's language: labels, dates, quoted names."""
    return render(value, LANG)


def data(text: str) -> str:
    """What a person typed (a name, an opinion): quoted in English, as it is in Chinese."""
    return text if LANG == "zh" else words(Quoted(text))


NAMES = {
    HAIDIAN_TECH.credit_code: HAIDIAN_TECH,
    CHAOYANG_INFO.credit_code: CHAOYANG_INFO,
    ZHONGGUANCUN_SOFT.credit_code: ZHONGGUANCUN_SOFT,
}
PEOPLE: dict[str, str] = {}


def who(actor: Actor) -> str:
    """The party by its role's label and its name: 聘用单位 北京海淀示例科技有限公司."""
    role = role_label(actor.role, LANG, level=actor.level)
    if actor.role is Role.EMPLOYER:
        employer = NAMES.get(actor.id)
        return f"{role} {words(employer) if employer else actor.id}"
    if actor.role is Role.APPLICANT:
        return f"{role} {data(PEOPLE.get(actor.id, actor.id))}"
    return role


def change(definition: MachineDefinition, before: str, after: str) -> str:
    """A state change by the states' labels; nothing when the state stays."""
    if before == after:
        return ""
    moved = f"{state_label(definition, before, LANG)} → {state_label(definition, after, LANG)}"
    return say(f"：{moved}", f": {moved}")


def show_findings(findings: Iterable[Finding], indent: str = "      ") -> None:
    for finding in findings:
        print(f"{indent}{label(finding.severity, LANG)}{say('：', ': ')}"
              f"{referenced(finding.message(LANG), finding.rule_id, LANG)}")  # fmt: skip


def heading(zh: str, en: str) -> None:
    print()
    print(f"== {say(zh, en)}")


def holder_machine(event: str) -> MachineDefinition:
    return next(d for d in ENGINE.holder_definitions if event in d.events)


class Story:
    """One holder's record and applications, fired through the engine and printed."""

    def __init__(self, holder: HolderRecord, name: str) -> None:
        self.holder = holder
        self.name = name
        self.applications: dict[str, Application] = {}
        PEOPLE[holder.holder_id] = name

    def line(self, at: datetime, text: str) -> None:
        print(f"{at:%Y-%m-%d %H:%M}  {data(self.name)} {text}")

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
        definition = ENGINE.definition_for(application, at)
        step = event_label(definition, event, LANG, source=application.state)
        outcome = ENGINE.fire(application, event, actor=actor, at=at, holder=self.holder, **extra)
        self.applications[app_id], self.holder = outcome.application, outcome.holder
        entry = outcome.application.history[-1]
        kind = label(application.business_type, LANG)
        moved = change(definition, entry.from_state, entry.to_state)
        self.line(at, f"{kind} {app_id}  {step}{moved}  {say('办理人：', 'by ')}{who(actor)}")
        if entry.opinion:
            print(f"      {say('审核意见：', 'Review opinion: ')}{data(entry.opinion)}")
        if entry.reason:
            print(f"      {say(f'{step}原因：', f'Reason for “{step}”: ')}{data(entry.reason)}")
        for tip in entry.tips:
            print(f"      {say('温馨提示（仅供参考）：', 'Friendly tip (for reference only): ')}"
                  f"{data(tip)}")  # fmt: skip
        show_findings(outcome.findings)
        seen = progress(ENGINE, outcome.application, at, holder=self.holder)
        submits = any(t.submits and t.event == event for t in definition.transitions)
        if submits and seen.review_due:
            days = seen.review_due.working_days
            print(f"      {say('审核期限：', 'Review due: ')}{words(seen.review_due.date)}"
                  f"{say(f'（{days} 个工作日）', f' ({days} working days)')}")  # fmt: skip
        if seen.confirmation_slip_available:
            permit = self.holder.permit
            employer = NAMES.get(permit.employer_credit_code or "")
            ended = permit.state is not PermitState.VALID
            until_zh, until_en = ("原有效期至", "it was valid until") if ended else (
                "有效期至", "valid until")
            print("      " + say(
                f"审核通过，可打印确认单；证件{label(permit.state, LANG)}，聘用单位 "
                f"{words(employer)}，{until_zh} {words(permit.expires_on)}",
                f"Approved, the confirmation slip can be printed; the permit is "
                f"{label(permit.state, LANG).lower()}, employer {words(employer)}, {until_en} "
                f"{words(permit.expires_on)}",
            ))  # fmt: skip

    def clock(self, app_id: str, at: datetime) -> None:
        """The review clock as the platform shows it (在办业务进度)."""
        seen = progress(ENGINE, self.applications[app_id], at, holder=self.holder)
        assert seen.review_due is not None
        print(f"      {say('办理进度 ', 'Progress: ')}{seen.words(LANG)}")
        if not seen.review_paused:
            print(f"      {seen.review_due.basis(LANG)}")

    def attest(self, app_id: str, reviewer: Actor, at: datetime) -> None:
        """What only a person can judge (a colour scan, lawful housing...) the reviewer
        attests before passing the file; the attestations hold until a return."""
        pending = ENGINE.pending_attestations(
            self.applications[app_id], "pass", at=at, holder=self.holder
        )
        for finding in pending:
            outcome = ENGINE.attest(
                self.applications[app_id], finding.rule_id, actor=reviewer, at=at,
                holder=self.holder, note="已核验原件",
            )  # fmt: skip
            self.applications[app_id] = outcome.application
        if pending:
            ids = words(tuple(f.rule_id for f in pending))
            kind = label(self.applications[app_id].business_type, LANG)
            self.line(at, f"{kind} {app_id}  " + say(
                f"{who(reviewer)}核验原件，确认 {len(pending)} 项须由审核人员判断的事项（{ids}）",
                f"{who(reviewer)} checks the originals and confirms the {len(pending)} points "
                f"only a reviewer can judge ({ids})",
            ))  # fmt: skip

    def refused(
        self, app_id: str, event: str, by: Role | Actor, at: datetime, payload: Any = None
    ) -> None:
        """Try an event the procedure refuses, and print why."""
        application = self.applications[app_id]
        actor = by if isinstance(by, Actor) else self.actor(by, app_id)
        definition = ENGINE.definition_for(application, at)
        step = event_label(definition, event, LANG, source=application.state)
        try:
            ENGINE.fire(application, event, actor=actor, at=at, holder=self.holder,
                        payload=payload)  # fmt: skip
        except (Blocked, NotPermitted) as error:
            kind = label(application.business_type, LANG)
            self.line(at, f"{kind} {app_id}  " + say(f"{who(actor)}办理“{step}”：未获通过",
                                                     f"“{step}” by {who(actor)}: refused"))
            print(f"      {error.message(LANG)}")
            return
        raise AssertionError(f"{event} should have been refused")

    def refresh_income(self, employer: Employer, hired: date, at: datetime) -> None:
        """Keep the dated tax material current (M§1.6): the portal imports the months paid
        since, and the holder replaces the printout."""
        day = at.date()
        self.line(at, say("个人档案  （平台导入截至上月的个税和社保缴纳月份）",
                          "record  (the portal imports the tax and social insurance months up to "
                          "last month)"))  # fmt: skip
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
        definition = holder_machine(event)
        outcome = ENGINE.fire_holder(self.holder, event, actor=actor, at=at, payload=payload)
        self.holder = outcome.holder
        entry = outcome.holder.history[-1]
        step = event_label(definition, event, LANG, source=entry.from_state)
        detail = describe(payload)
        detail = say(f"（{detail}）", f" ({detail})") if detail else ""
        self.line(at, f"{say('个人档案', 'record')}  {step}{detail}"
                      f"{change(definition, entry.from_state, entry.to_state)}"
                      f"  {say('办理人：', 'by ')}{who(actor)}")  # fmt: skip
        if before.permit.state is not self.holder.permit.state:
            print(f"      {say('证件状态：', 'Permit: ')}{label(before.permit.state, LANG)} → "
                  f"{label(self.holder.permit.state, LANG)}")  # fmt: skip
        show_findings(outcome.findings)


def describe(payload: Any) -> str:
    """What a record event was about, in words: the slot, the employer and its code."""
    if isinstance(payload, Attachment | DeleteAttachment):
        return label(payload.slot, LANG)
    if isinstance(payload, AssociationRequest):
        code = payload.code
        return say(f"{words(payload.employer)}，关联码 {code}",
                   f"{words(payload.employer)}, association code {code}")  # fmt: skip
    return ""


def business_list(story: Story, at: datetime) -> None:
    """The business list (可办业务列表): what can be started, and each reason once."""
    lines = available_business(ENGINE, story.holder, at)
    story.line(at, say("可办业务列表", "business list"))
    for text in describe_business(lines, LANG):
        print(f"      {text}")


# --- the procedures -------------------------------------------------------------------------------


def zhang_wei() -> None:
    heading("张伟：关联单位，新办申请被规则拒绝后修改，被退回后重新提交，审核通过",
            "Zhang Wei: association, a new application refused by the rules, fixed, returned, "
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

    heading("张伟：证件业务信息变更，儿子随往",
            "Zhang Wei: a business-information change, his son accompanies him")
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
    children = tuple(data(c.name) for c in story.holder.permit.children)
    print(f"      {say('证件随往子女：', 'Children on the permit: ')}{words(children)}")

    heading("张伟：证件基础信息变更，户口迁至石家庄",
            "Zhang Wei: a basic-information change, his hukou moved to Shijiazhuang")
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
    business_list(story, moment("2026-01-12", 11, 30))
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
    heading("李娜：单位办理续签，之后办理聘用单位变更",
            "Li Na: a renewal by her employer, then an employer change")
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
    story.line(moment("2026-03-02", 8), say(
        f"证件有效期至 {words(expires)}；续签最晚提交日 {words(deadline.date)}",
        f"the permit is valid until {words(expires)}; the latest renewal submission is "
        f"{words(deadline.date)}",
    ))  # fmt: skip
    print(f"      {deadline.basis(LANG)}")
    renewal = story.start(BusinessType.RENEWAL, "R-2026-021", moment("2026-03-02", 9))
    story.fire(renewal, "prepare", Role.APPLICANT, moment("2026-03-02", 9, 30))
    story.fire(renewal, "initiate", Role.EMPLOYER, moment("2026-03-03", 10),
               payload=RenewalForm(employer_checked=True))  # fmt: skip
    story.fire(renewal, "accept", Role.AUTHORITY, moment("2026-03-05", 9))
    story.fire(renewal, "pass", Role.AUTHORITY, moment("2026-03-09", 9))
    story.fire(renewal, "pass", Role.AUTHORITY, moment("2026-03-11", 9), level=2)

    print("      " + say("续签已办结，原单位此时才可解除关联（CHG-010）。",
                            "The renewal is done, so the former employer may now dissociate "
                            "(CHG-010)."))  # fmt: skip
    story.holder_event("dissociate", Role.EMPLOYER, moment("2026-03-31", 17))
    story.holder_event("request_association", Role.APPLICANT, moment("2026-04-01", 9),
                       AssociationRequest(ZHONGGUANCUN_SOFT, "GL-2026-0401"))  # fmt: skip
    story.holder_event("approve_association", Role.EMPLOYER, moment("2026-04-01", 15))

    print("      " + say("（平台导入 4 月和 5 月由新单位代扣的个税和缴纳的社保）",
                            "(the portal imports April and May: income tax and social insurance "
                            "paid by the new employer)"))  # fmt: skip
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
    heading("王强：到达法定退休年龄，单位办理注销",
            "Wang Qiang: the statutory retirement age is reached, the employer files the "
            "cancellation")
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
    heading("赵明：续签提交过晚，证件过期，定时任务结束续签申请，他重新办理新办",
            "Zhao Ming: a renewal filed late; the permit expires, the sweep closes the renewal, "
            "and he applies for a new permit again")
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
    story.line(moment("2026-04-13", 8), say(
        f"证件有效期至 {words(expires)}；续签最晚提交日为 {words(deadline.date)}，已过",
        f"the permit is valid until {words(expires)}; the latest renewal submission was "
        f"{words(deadline.date)}",
    ))  # fmt: skip
    renewal = story.start(BusinessType.RENEWAL, "R-2026-033", moment("2026-04-13", 9))
    story.fire(renewal, "prepare", Role.APPLICANT, moment("2026-04-13", 9, 30))
    story.fire(renewal, "initiate", Role.EMPLOYER, moment("2026-04-14", 10),
               payload=RenewalForm(employer_checked=True))  # fmt: skip
    story.fire(renewal, "accept", Role.AUTHORITY, moment("2026-04-16", 9))
    result = sweep(ENGINE, story.holder, [story.applications[renewal]], moment("2026-05-01", 0, 5))
    swept = moment("2026-05-01", 0, 5)
    for event in result.events:
        if event.subject == "holder":
            definition, subject = holder_machine(event.event), say("个人档案", "record")
        else:
            application = story.applications[event.subject]
            definition = ENGINE.definition_for(application, swept)
            subject = f"{label(application.business_type, LANG)} {event.subject}"
        step = event_label(definition, event.event, LANG, source=event.from_state)
        story.line(swept, f"{subject}  {step}{change(definition, event.from_state, event.to_state)}"
                          f"  {say('办理人：', 'by ')}{who(Actor.system('timer'))}")  # fmt: skip
    story.holder = result.holder
    business_list(story, moment("2026-05-01", 9))
    second_life(story)


def second_life(story: Story) -> None:
    """赵明 applies for a new permit again: the expired one stays in his record as it ended."""
    ended = story.holder.permit
    story.line(moment("2026-05-06", 9), say(
        f"原工作居住证已于 {words(ended.expires_on)} 过期，无法恢复；仍在职且符合条件，按提示"
        "重新办理新办业务。",
        f"the permit expired on {words(ended.expires_on)} and cannot be restored; still employed "
        "and eligible, he applies for a new permit again, as he was told.",
    ))  # fmt: skip
    again = story.start(BusinessType.NEW, "N-2026-118", moment("2026-05-06", 9))
    story.fire(again, "submit", Role.APPLICANT, moment("2026-05-06", 9, 30))
    story.fire(again, "employer_approve", Role.EMPLOYER, moment("2026-05-07", 10))
    story.fire(again, "accept", Role.AUTHORITY, moment("2026-05-11", 9))
    story.fire(again, "pass", Role.AUTHORITY, moment("2026-05-13", 15))
    story.fire(again, "pass", Role.AUTHORITY, moment("2026-05-20", 15), level=2)
    permit = story.holder.permit
    former = story.holder.former_permits[-1]
    print("      " + say(
        f"新证件自 {words(permit.issued_on)} 起有效，至 {words(permit.expires_on)}；原证件"
        f"（{former.number}，{words(former.expires_on)} 过期）作为历史证件保留在档案中，不会恢复。",
        f"The new permit runs from {words(permit.issued_on)} to {words(permit.expires_on)}; the "
        f"expired one ({former.number}, expired {words(former.expires_on)}) stays in his record "
        "as a former permit and never comes back.",
    ))  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    global LANG
    parser = argparse.ArgumentParser(description="The six procedures, printed as a timeline.")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh",
                        help="the language of the timeline (default zh)")  # fmt: skip
    LANG = parser.parse_args(argv).lang
    print(say("permitflow 演示——海淀区规则，主管部门两级审核",
              "permitflow walkthrough — Haidian rule set, two authority review levels"))
    zhang_wei()
    li_na()
    wang_qiang()
    zhao_ming()
    print()
    print(say(
        "演示结束：六类业务；一次被规则拒绝后修改，一次退回后由申请人重新提交，一次撤回，一次中止"
        "并恢复审核，一次续签因证件过期自动结束，一次证件过期后重新新办",
        "walkthrough complete: six business types, one refusal by the rules fixed, one "
        "return resubmitted by the applicant, one withdrawal, one suspended and resumed review, "
        "one renewal closed as moot, one second new application after an expired permit",
    ))  # fmt: skip


if __name__ == "__main__":
    main()
