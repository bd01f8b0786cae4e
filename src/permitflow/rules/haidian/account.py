"""Account and access (ACC, M§1.1-1.3): how a person reaches the business functions."""

from __future__ import annotations

from collections.abc import Iterable

from permitflow.records.holder import ProfileState
from permitflow.rules.facts import Plain
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import APPLICANT_SIDE, TEXTS, cite
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed
from permitflow.rules.ruleset import EnforcedBy

_PASS = (passed("profile_state"),)

# M§1.2: 跳转至“北京市统一身份认证平台”后，可通过个人“北京通”进入到系统：使用账号、短信或扫码登陆。
# The portal authenticates; permitflow only ever sees the resident id it vouches for.
ACC_001 = Rule(
    id="ACC-001",
    kind=RuleKind.PROCESS,
    severity=Severity.ERROR,
    group="acc",
    business_types=APPLICANT_SIDE,
    citation=cite(
        "M§1.2",
        "跳转至“北京市统一身份认证平台”后，可通过个人“"
        "北京通”进入到系统：使用账号、短信或扫码登陆。",
    ),
    texts=TEXTS,
    check=EnforcedBy(
        "门户登录：只有经统一身份认证的申请人身份（身份证号）才能触发申请人事件。",
        "The portal's login: only an applicant identity (resident id) authenticated by the "
        "unified identity platform can fire applicant events.",
    ),
)


# M§1.3: 首次登陆或登陆过但未完善个人信息的，页面会弹出浮窗，提示完善个人信息。
def _profile_complete(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
    if ctx.holder.profile_state is ProfileState.COMPLETE:
        return _PASS
    return (failed("profile_state"),)


ACC_002 = Rule(
    id="ACC-002",
    kind=RuleKind.PROCESS,
    severity=Severity.ERROR,
    group="acc",
    business_types=APPLICANT_SIDE,
    citation=cite(
        "M§1.3",
        "进入人才业务办理平台后，首次登陆或登陆过但未完"
        "善个人信息的，页面会弹出浮窗，提示完善个人信息。",
    ),
    texts=TEXTS,
    check=_profile_complete,
)

RULES: tuple[Rule, ...] = (ACC_001, ACC_002)
