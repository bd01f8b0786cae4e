"""The walkthrough (the README's first command) runs and tells the story it promises, in one
language per run and in the platform's words."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from spoken import code_names

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "walkthrough.py"


def run(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONWARNINGS": "error"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


@pytest.fixture(scope="module")
def output() -> str:
    return run()


@pytest.fixture(scope="module")
def english() -> str:
    return run("--lang", "en")


def approved(output: str, label: str) -> bool:
    last_pass = rf"{label} \S+  第2级审核通过：主管部门第2级审核 → 审核通过（办结）"
    return re.search(last_pass, output) is not None


@pytest.mark.parametrize("label", ["新办", "续签", "聘用单位变更", "证件基础信息变更",
                                   "证件业务信息变更", "注销"])  # fmt: skip
def test_every_business_type_is_approved(output: str, label: str) -> None:
    assert approved(output, label)


def test_a_refusal_by_the_rules_is_explained_and_then_fixed(output: str) -> None:
    refusal = output.index("新办 N-2025-001  申请人 张伟办理“提交申请”：未获通过")
    assert "重复填写了“海淀区”" in output[refusal:]
    assert "（BI-005）" in output[refusal:]
    fixed = output.index("预览提交：未完善（填写中） → 已预览提交", refusal)
    assert output.index("新办 N-2025-001  提交申请：草稿（填写申请） → 聘用单位审核中") > fixed


def test_a_return_carries_opinion_and_tips_and_the_right_party_resubmits(output: str) -> None:
    returned = output.index("第1级审核退回：主管部门第1级审核 → 不通过（退回修改）")
    assert "审核意见：学位证书扫描件不清晰" in output[returned:]
    assert "温馨提示（仅供参考）：" in output[returned:]
    wrong = output.index(
        "聘用单位 北京海淀示例科技有限公司（91110108MA01ABCD5T）办理“修改后重新提交”：未获通过",
        returned,
    )
    assert "此事项应由申请人办理" in output[wrong : wrong + 200]
    assert output.index(
        "修改后重新提交：不通过（退回修改） → 聘用单位审核中  办理人：申请人 张伟"
    ) > wrong


def test_the_timeline_shows_deadlines(output: str, english: str) -> None:
    assert "证件有效期至 2026-05-29；续签最晚提交日 2026-04-29" in output
    assert "审核期限：2025-04-01（20 个工作日）" in output
    assert "Review due: 2025-04-01 (20 working days)" in english


def test_the_timeline_shows_findings_in_words_with_their_rule_in_brackets(output: str) -> None:
    late = r"警告：证件有效期至 2026-04-30，须至少提前 20 个工作日提交.*（REN-005）。"
    assert re.search(late, output)


def test_a_late_renewal_ends_with_the_permit(output: str) -> None:
    assert "赵明 个人档案  有效期届满，证件过期：有效 → 已过期（无法恢复）  办理人：系统" in output
    closed = "证件已过期或注销，申请自动结束：主管部门第1级审核 → 已结束（证件已过期或注销）"
    assert closed in output


def test_every_line_starts_with_a_moment_or_is_indented(output: str, english: str) -> None:
    for line in (*output.splitlines(), *english.splitlines()):
        if line and not line.startswith(("permitflow", "== ", " ", "演示结束", "walkthrough")):
            assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}  ", line), line


def test_a_returned_change_is_withdrawn_and_frees_the_holder(output: str) -> None:
    blocked = output.index("已有一项证件基础信息变更业务（编号“C-2026-002”）正在办理")
    assert "当前状态为“单位退回修改”；请待其办结，或由申请人将其撤回" in output[blocked:]
    withdrawn = output.index("C-2026-002  撤回：单位退回修改 → 已撤回", blocked)
    assert "撤回原因：" in output[withdrawn : withdrawn + 200]
    assert output.index("C-2026-003  提交申请：草稿（填写申请） → 聘用单位审核中") > withdrawn


def test_a_suspended_review_resumes_with_its_due_date_put_back(output: str) -> None:
    before = output.index("主管部门第2级审核；应于 2026-07-01 前审核完毕")
    suspended = output.index("第2级中止审核：主管部门第2级审核 → 主管部门第2级中止审核", before)
    paused = output.index("审核计时暂停，暂停时剩余 17 个工作日", suspended)
    resumed = output.index("第2级恢复审核：主管部门第2级中止审核 → 主管部门第2级审核", paused)
    extended = output.index("应于 2026-07-06 前审核完毕，剩余 17 个工作日", resumed)
    assert "中止审核3个工作日不计入，顺延至2026-07-06" in output[extended:]


def test_a_second_new_application_after_an_expired_permit(output: str) -> None:
    expired = output.index("赵明 个人档案  有效期届满，证件过期")
    told = output.index("请重新办理新办业务", expired)
    again = output.index("赵明 新办 N-2026-118  第2级审核通过", told)
    kept = output.index("原证件（HD2023000321，2026-04-30 过期）作为历史证件保留在档案中", again)
    assert expired < told < again < kept


def test_the_business_list_gives_each_reason_as_a_sentence_once(output: str) -> None:
    listed = output.index("张伟 可办业务列表")
    assert "可以办理：无" in output[listed:]
    assert "暂不能办理新办：现居住地址" in output[listed:]
    held = "续签、聘用单位变更、证件基础信息变更、证件业务信息变更"
    assert f"暂不能办理{held}：尚未持有工作居住证" in output[listed:]
    assert "not new:" not in output


def test_the_english_timeline_tells_the_same_story(english: str) -> None:
    assert "“张伟” New application N-2025-001  “Submit” by the applicant “张伟”: refused" in english
    assert "Pass review level 2: Authority review, level 2 → Approved" in english
    assert "Children on the permit: “张小明”" in english


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_timeline_speaks_no_code_names(output: str, english: str, lang: str) -> None:
    text = output if lang == "zh" else english
    found = [(line, names) for line in text.splitlines() if (names := code_names(line, lang))]
    assert found == []
