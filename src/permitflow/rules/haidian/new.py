"""新办 (M§2): rules of a new application.

The applicant associates with the employer, completes the attachments and files; the employer
reviews, then the authority accepts and reviews level by level (NEW-003). Accompanying children
must be minors (NEW-001; their other conditions are the CHD rules, which judge the children of a
new application too). After a return the applicant fixes the case and re-initiates it (NEW-004).
"""

from __future__ import annotations

from permitflow.records.application import BusinessType
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.haidian._shared import TEXTS
from permitflow.rules.haidian.children import minors_only
from permitflow.rules.haidian.employment import handled_by_associated_employer
from permitflow.rules.haidian.review import returned_since_filing
from permitflow.rules.rule import JudgedOn, Rule
from permitflow.rules.ruleset import EnforcedBy
from permitflow.tags import SUBMITTING, Tag

NEW = frozenset({BusinessType.NEW})

RULES: tuple[Rule, ...] = (
    Rule(
        id="NEW-001",
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="new",
        business_types=NEW,
        tags=SUBMITTING,
        citation=Citation("M§2 注意事项 5", "办理随往国内非京籍子女的，子女应未成年。"),
        texts=TEXTS,
        check=minors_only,
    ),
    Rule(
        id="NEW-002",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="new",
        business_types=NEW,
        tags=SUBMITTING,
        citation=Citation(
            "M§2.3",
            "核对基础信息，该界面只可查看“个人基础信息”但无法编辑，"
            "如需进行修改应退回到人才业务办理平台修改基础信息。",
        ),
        texts=TEXTS,
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
        tags=SUBMITTING | {Tag.EMPLOYER_APPROVAL, Tag.AUTHORITY_ACCEPTANCE, Tag.AUTHORITY_PASS},
        citation=Citation(
            "M§2.1, M§2.4",
            "申请发起后，由聘用单位进行审核，审核通过后等待主管部门进行受理",
        ),
        texts=TEXTS,
        judged_on=JudgedOn.STEP,
        check=handled_by_associated_employer,
    ),
    Rule(
        id="NEW-004",
        kind=RuleKind.PROCESS,
        severity=Severity.ERROR,
        group="new",
        business_types=NEW,
        tags=frozenset({Tag.RESUBMISSION}),
        citation=Citation(
            "M§2.4",
            "不通过的：根据主管部门出具的审批意见进行修改，"
            "在修改完毕后再次重新发起申请事项（涉及单位问题的，应确认单位修改无误，避免无效操作）。"
            "",
        ),
        texts=TEXTS,
        check=returned_since_filing,
    ),
)
