"""The walkthrough (the README's first command) runs and tells the story it promises."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "examples" / "walkthrough.py"


@pytest.fixture(scope="module")
def output() -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONWARNINGS": "error"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def approved(output: str, label: str) -> bool:
    return re.search(rf"{label} \S+  pass: authority_review_2 -> approved", output) is not None


@pytest.mark.parametrize("label", ["新办", "续签", "聘用单位变更", "证件基础信息变更",
                                   "证件业务信息变更", "注销"])  # fmt: skip
def test_every_business_type_is_approved(output: str, label: str) -> None:
    assert approved(output, label)


def test_a_refusal_by_the_rules_is_explained_and_then_fixed(output: str) -> None:
    refusal = output.index("submit by 本人 applicant 张伟: REFUSED [blocked_by_rules]")
    assert "[BI-005 error/failed]" in output[refusal:]
    fixed = output.index("complete_profile: incomplete -> complete", refusal)
    assert output.index("新办 N-2025-001  submit: draft -> employer_review") > fixed


def test_a_return_carries_opinion_and_tips_and_the_right_party_resubmits(output: str) -> None:
    returned = output.index("return: authority_review_1 -> returned")
    assert "审核意见 opinion: 学位证书扫描件不清晰" in output[returned:]
    assert "温馨提示 tip (for reference only):" in output[returned:]
    wrong = output.index("resubmit by 单位", returned)
    assert "REFUSED [not_permitted]" in output[wrong : wrong + 200]
    assert output.index("resubmit: returned -> employer_review  by 本人 applicant 张伟") > wrong


def test_the_timeline_shows_deadlines(output: str) -> None:
    assert "latest renewal submission 最晚提交日 2026-04-29" in output
    assert "review due 审核期限: 2025-04-01 (20 working days)" in output


def test_the_timeline_shows_findings_with_ids_and_severities(output: str) -> None:
    assert "[REN-005 warning/failed]" in output


def test_a_late_renewal_ends_with_the_permit(output: str) -> None:
    assert "赵明 record  expire: valid -> expired" in output
    assert "close_moot: authority_review_1 -> closed" in output


def test_every_line_starts_with_a_moment_or_is_indented(output: str) -> None:
    for line in output.splitlines():
        if line and not line.startswith(("permitflow", "== ", " ", "walkthrough complete")):
            assert re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}  ", line), line


def test_a_returned_change_is_withdrawn_and_frees_the_holder(output: str) -> None:
    blocked = output.index("FLOW-001：已有一项证件基础信息变更业务（编号 C-2026-002）正在办理")
    assert "当前状态为“单位退回修改”；请待其办结，或由申请人将其撤回" in output[blocked:]
    withdrawn = output.index("C-2026-002  withdraw: employer_returned -> withdrawn", blocked)
    assert "撤回原因 reason: " in output[withdrawn : withdrawn + 200]
    assert output.index("C-2026-003  submit: draft -> employer_review") > withdrawn


def test_a_suspended_review_resumes_with_its_due_date_put_back(output: str) -> None:
    before = output.index("办理进度 “主管部门第2级审核”：应于 2026-07-01 前审核完毕")
    suspended = output.index("suspend: authority_review_2 -> authority_suspended_2", before)
    paused = output.index("审核计时暂停，暂停时剩余 17 个工作日", suspended)
    resumed = output.index("resume: authority_suspended_2 -> authority_review_2", paused)
    extended = output.index("应于 2026-07-06 前审核完毕，剩余 17 个工作日", resumed)
    assert "中止审核3个工作日不计入，顺延至2026-07-06" in output[extended:]


def test_a_second_new_application_after_an_expired_permit(output: str) -> None:
    expired = output.index("赵明 record  expire: valid -> expired")
    told = output.index("请重新办理新办业务", expired)
    again = output.index("赵明 新办 N-2026-118  pass: authority_review_2 -> approved", told)
    kept = output.index("原证件（HD2023000321，2026-04-30 过期）作为历史证件保留在档案中", again)
    assert expired < told < again < kept
