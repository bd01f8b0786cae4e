"""新办 (M§2): rules of a new application.

The applicant associates with the employer, completes the attachments and files; the employer
reviews, then the authority accepts and reviews level by level (NEW-003). Accompanying children
must be minors (NEW-001; their other conditions are the CHD rules, which judge the children of a
new application too). After a return the applicant fixes the case and re-initiates it (NEW-004).
"""

from __future__ import annotations

from permitflow.machines.common import SUBMISSION_EVENTS
from permitflow.records.application import BusinessType
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian.children import minors_only
from permitflow.rules.haidian.flow import handled_by_associated_employer
from permitflow.rules.haidian.review import returned_since_filing
from permitflow.rules.rule import JudgedOn, Rule
from permitflow.rules.ruleset import EnforcedBy

NEW = frozenset({BusinessType.NEW})

RULES: tuple[Rule, ...] = (
    Rule(
        id="NEW-001",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="new",
        business_types=NEW,
        events=SUBMISSION_EVENTS,
        citation=Citation("M§2 注意事项 5", "办理随往国内非京籍子女的，子女应未成年。"),
        title_zh="新办随往子女未成年",
        title_en="Children accompanying a new application are minors",
        message_zh="随往子女{name}（{birth_date} 出生）于 {adult_on} 年满 18 周岁，提交日 {on} "
        "已成年；办理随往国内非京籍子女的，子女应未成年，请删除该子女后再提交。",
        message_en="The accompanying child {name} (born {birth_date}) turned 18 on {adult_on} "
        "and is an adult on the submission day {on}; only minors can accompany a new "
        "application — remove the child and submit again.",
        check=minors_only,
    ),
    Rule(
        id="NEW-002",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="new",
        business_types=NEW,
        events=SUBMISSION_EVENTS,
        citation=Citation(
            "M§2.3",
            "核对基础信息，该界面只可查看“个人基础信息”但无法编辑，"
            "如需进行修改应退回到人才业务办理平台修改基础信息。",
        ),
        title_zh="申请界面只读显示个人基础信息，修改须回到基础信息",
        title_en="The application shows the basic information read-only; edits go to the record",
        message_zh="申请界面不能修改个人基础信息，请回到人才业务办理平台修改基础信息。",
        message_en="The basic information cannot be edited in the application; edit it in the "
        "basic-information record of the platform.",
        check=EnforcedBy(
            "数据结构：新办申请表不含个人基础信息字段，申请始终读取持证人档案中的基础信息。",
            "The records: the new-application form has no basic-information fields; an "
            "application always reads them from the holder's record.",
        ),
    ),
    Rule(
        id="NEW-003",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="new",
        business_types=NEW,
        events=SUBMISSION_EVENTS | {"employer_approve", "accept", "pass"},
        citation=Citation(
            "M§2.1, M§2.4",
            "申请发起后，由聘用单位进行审核，审核通过后等待主管部门进行受理",
        ),
        title_zh="申请提交给已关联并批复的聘用单位审核",
        title_en="The application goes to the employer the holder is associated with",
        message_zh="审核单位 {employer} 不是申请人已关联并经批复的聘用单位（当前为 {associated}）；"
        "请先与聘用单位关联并待其批复，再向该单位提交申请。",
        message_en="The reviewing employer {employer} is not the one the applicant is "
        "associated with (now: {associated}); associate with the employer, wait for its "
        "approval, then submit to it.",
        judged_on=JudgedOn.STEP,
        check=handled_by_associated_employer,
    ),
    Rule(
        id="NEW-004",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="new",
        business_types=NEW,
        events=frozenset({"resubmit"}),
        citation=Citation(
            "M§2.4",
            "不通过的：根据主管部门出具的审批意见进行修改，"
            "在修改完毕后再次重新发起申请事项（涉及单位问题的，应确认单位修改无误，避免无效操作）。"
            "",
        ),
        title_zh="退回后按审批意见修改并再次发起",
        title_en="After a return the applicant fixes the case and re-initiates it",
        message_zh="该申请自上次提交后未被退回（最近一步为 {last_event}），无需再次发起。",
        message_en="The application was not returned since it was last filed (last step: "
        "{last_event}); there is nothing to re-initiate.",
        check=returned_since_filing,
    ),
)
