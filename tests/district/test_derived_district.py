"""A district derived from Haidian's and published through the ``permitflow.rulesets`` entry
point: its threshold shows in the catalogue, the status views and ``permitflow deadline``, its
switched-off rule judges nothing, and Haidian stays as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import attrs
import pytest

from permitflow.cli import main
from permitflow.engine.engine import Engine
from permitflow.machines.status import holder_status
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord
from permitflow.rules import registry
from permitflow.rules.catalogue import rules_markdown
from permitflow.testing import AT, check_procedure, right_actor, valid_holder

HERE = Path(__file__).parent
ENTRY_POINTS = """\
[permitflow.rulesets]
chaoyang = chaoyang_rules:ruleset
"""


@pytest.fixture(autouse=True)
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The district installed as a distribution of its own: its metadata on the path, its
    module beside this test; the registry forgets it afterwards."""
    info = tmp_path / "chaoyang_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: chaoyang-rules\nVersion: 1.0\n", "utf-8"
    )
    (info / "entry_points.txt").write_text(ENTRY_POINTS, "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setattr(registry, "_families", dict(registry._families))


def test_the_district_is_found_by_its_name() -> None:
    assert "chaoyang" in registry.known_families()
    family = registry.get_family("chaoyang")
    assert family.version("2024.1").name == "chaoyang"


def test_the_catalogue_says_15_working_days_and_the_switched_off_rule() -> None:
    chaoyang = rules_markdown(registry.get_family("chaoyang").version("2024.1"))
    haidian = rules_markdown(registry.default_family().versions[0])
    assert "续签至少提前 15 个工作日提交" in chaoyang
    assert "续签至少提前 20 个工作日提交" not in chaoyang
    assert "续签至少提前 20 个工作日提交" in haidian
    (ren_002,) = (line for line in chaoyang.splitlines() if line.startswith("| REN-002 "))
    assert "(disabled)" in ren_002


def test_the_holders_overview_counts_15_working_days() -> None:
    holder = valid_holder()  # the permit expires on 2026-12-11
    chaoyang = holder_status(Engine("chaoyang"), holder, AT).latest_renewal_submission
    haidian = holder_status(Engine(), holder, AT).latest_renewal_submission
    assert chaoyang is not None
    assert haidian is not None
    assert (chaoyang.date, chaoyang.working_days) == (date(2026, 11, 20), 15)
    assert (haidian.date, haidian.working_days) == (date(2026, 11, 13), 20)


def test_the_deadline_command_counts_15_working_days(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deadline", "--expiry", "2026-12-11", "--ruleset", "chaoyang"]) == 0
    chaoyang = capsys.readouterr().out
    assert main(["deadline", "--expiry", "2026-12-11"]) == 0
    haidian = capsys.readouterr().out
    assert "最晚提交日：2026-11-20" in chaoyang
    assert "须至少提前15个工作日" in chaoyang
    assert "最晚提交日：2026-11-13" in haidian


def _with_a_month_of_no_income(holder: HolderRecord) -> HolderRecord:
    income = list(holder.employment.income)
    income[-12] = attrs.evolve(income[-12], taxable_income_cents=0)
    return attrs.evolve(holder, employment=attrs.evolve(holder.employment, income=tuple(income)))


def test_the_switched_off_rule_judges_nothing_in_the_district() -> None:
    holder = _with_a_month_of_no_income(valid_holder())

    def blocking(engine: Engine) -> set[str]:
        renewal = engine.start(BusinessType.RENEWAL, holder=holder, application_id="r-1", at=AT)
        applicant = right_actor(Role.APPLICANT, renewal)
        prepared = engine.fire(renewal, "prepare", actor=applicant, at=AT, holder=holder)
        findings = engine.check(
            prepared.application, "initiate", at=AT, holder=holder, include_passed=False
        )
        return {finding.rule_id for finding in findings if finding.blocks}

    assert "REN-002" in blocking(Engine())
    assert blocking(Engine("chaoyang")) == blocking(Engine()) - {"REN-002"}


def test_a_case_file_is_judged_by_the_district_on_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    case = str(HERE.parents[1] / "examples" / "cases" / "renewal-filed-late.json")
    main(["check", case, "--ruleset", "chaoyang"])
    chaoyang = capsys.readouterr().out
    main(["check", case])
    haidian = capsys.readouterr().out
    assert "须至少提前 15 个工作日提交，最晚提交日为 2026-03-13" in chaoyang
    assert "须至少提前 20 个工作日提交，最晚提交日为 2026-03-06" in haidian


@pytest.mark.parametrize("kind", list(BusinessType))
def test_the_districts_procedures_pass_the_shipped_suite(kind: BusinessType) -> None:
    # The machines as the district's rule set shapes them (its review levels), each against
    # the table of its procedure variant.
    check_procedure(kind, engine=Engine("chaoyang", rules=False), examples=20)
