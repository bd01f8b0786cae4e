"""Shared builders for the rule tests, and the record of which rule outcomes the tests assert.

Builders (plain functions; import them with ``from rules_fixtures import ...``):

* ``valid_holder(**overrides)`` — a complete, valid holder record as of ``AT``: profile complete,
  every attachment a small valid PDF, association approved, permit valid until 2026-12-31,
  36 months of income and social insurance from the same employer that holds the labour contract,
  residence proof for a flat in Haidian. ``overrides`` are dotted paths (see ``apply_overrides``).
* ``new_applicant(**overrides)`` — the same person before a permit was ever issued (permit NONE).
* ``application(business_type, state="draft", **form_fields)`` — an application of that type
  by the holder above, with the given form fields (``permitflow.testing.sample_application``).
* ``context(holder, application, event, at)`` — a ``RuleContext`` with the parameters of the
  Haidian rule set in force on the day of ``at``.
* ``AT`` — the moment most cases are judged: Monday 2026-03-16 10:00 Beijing time.

Override paths are those of ``permitflow.testing.apply_overrides``:
``"profile.general.hukou.kind"`` walks attributes, a tuple's segment is an index or an
attachment's slot, and ``REMOVED`` drops an element or sets an attribute to None.

Which outcomes were tested: ``expect(rule_id, ctx, status)`` evaluates one rule, asserts that
it produced a finding with that status (and, for ``passed``, nothing else) and records the pair.
``test_coverage.py`` runs last (``conftest.py`` orders it so) and checks that every rule of the
Haidian rule set was seen both passing and not passing (failed or needs_attestation); a rule
whose check is ``enforced_by`` the machines can only pass and needs a passing case only. Tests
that go through ``expect`` — the golden cases do, through ``permitflow.testing.run_rule_case`` —
are counted whoever wrote them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from permitflow import testing
from permitflow.records.application import (
    Application,
    BusinessType,
)
from permitflow.records.holder import (
    ApplicationBasis,
    Association,
    AssociationState,
    Attachment,
    Education,
    Employer,
    Employment,
    FileInfo,
    GeneralInfo,
    HolderRecord,
    Hukou,
    HukouKind,
    IncomeMonth,
    InsuranceMonth,
    LabourContract,
    MaritalStatus,
    Permit,
    PermitState,
    Photo,
    Profile,
    ProfileState,
    ProofKind,
    PropertyUse,
    ResidenceProof,
    Slot,
    StudyRecord,
    StudyStage,
    WorkRecord,
)
from permitflow.rules.finding import Finding, Status
from permitflow.rules.rule import BEIJING, RuleContext, local_date
from permitflow.tags import Tag
from permitflow.testing import REMOVED as REMOVED
from permitflow.testing import apply_overrides
from permitflow.wiring import default_definitions

AT = datetime(2026, 3, 16, 10, 0, tzinfo=BEIJING)
"""Monday 2026-03-16, 10:00 in Beijing: a plain working day with official calendar data."""

HOLDER_ID = "42010619900515001X"
"""A valid resident id: born 1990-05-15 in Wuchang, Wuhan (Hubei), male."""
EMPLOYER_CODE = "91110108MA01ABCD5T"
"""A valid unified social credit code of a Haidian enterprise."""
EMPLOYER_NAME = "北京海淀示例科技有限公司"
OTHER_EMPLOYER_CODE = "91110105MA02EFGH7Y"
"""A second valid credit code (a Chaoyang enterprise), for employer mismatches and changes."""
ADDRESS = "北京市海淀区中关村大街27号院3号楼502室"
PERMIT_EXPIRES = date(2026, 12, 31)
PDF_HEAD = b"%PDF-1.7\n"

# --- builders ----------------------------------------------------------------------------------


def on(day: date) -> datetime:
    """Ten in the morning, Beijing time, on ``day``."""
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=BEIJING)


def pdf(name: str = "scan.pdf", size_bytes: int = 400_000, head: bytes = PDF_HEAD) -> FileInfo:
    """An uploaded file; a real PDF unless ``head`` says otherwise."""
    return FileInfo(name=name, size_bytes=size_bytes, head=head)


def months_before(at: datetime, count: int) -> tuple[date, ...]:
    """The first days of the ``count`` calendar months before the month of ``at``, oldest first."""
    first = local_date(at).replace(day=1)
    return tuple(first - relativedelta(months=n) for n in range(count, 0, -1))


def valid_holder(**overrides: Any) -> HolderRecord:
    """A complete, valid holder record whose dated facts are recent as of ``at``.

    ``at=`` (an aware datetime, default ``AT``) is the moment the facts are relative to; every
    other keyword is an override path.
    """
    at: datetime = overrides.pop("at", AT)
    day = local_date(at)
    uploaded = day - timedelta(days=10)
    issued = day - timedelta(days=5)
    months = months_before(at, 36)
    undated = (Slot.EDU_CERT, Slot.DEGREE_CERT, Slot.HUKOU, Slot.INTEGRITY, Slot.MARRIAGE)
    attachments = (
        *(
            Attachment(slot=slot, file=pdf(f"{slot.value}.pdf"), uploaded_on=uploaded)
            for slot in undated
        ),
        Attachment(
            slot=Slot.TAXABLE_INCOME,
            file=pdf("taxable_income.pdf"),
            uploaded_on=uploaded,
            issued_on=issued,
        ),
        Attachment(
            slot=Slot.RESIDENCE,
            file=pdf("residence.pdf", 1_200_000),
            uploaded_on=uploaded,
            document="lease",
            valid_until=day + relativedelta(years=1),
        ),
        Attachment(
            slot=Slot.OTHER,
            file=pdf("resignation.pdf"),
            uploaded_on=uploaded,
            document="resignation_certificate",
            issued_on=issued,
        ),
    )
    holder = HolderRecord(
        holder_id=HOLDER_ID,
        profile_state=ProfileState.COMPLETE,
        profile=Profile(
            general=GeneralInfo(
                name="张伟",
                resident_id=HOLDER_ID,
                phone="13800138000",
                hukou=Hukou(HukouKind.FAMILY, "42", "湖北省武汉市武昌区"),
                address=ADDRESS,
                marital_status=MaritalStatus.MARRIED,
                retirement_category="male",
            ),
            education=Education(
                highest_education="硕士研究生",
                highest_degree="硕士",
                basis=ApplicationBasis.DEGREE,
                degree_certificate_number="1000342017000123",
            ),
            study_history=(
                StudyRecord(
                    StudyStage.SENIOR_HIGH, "武汉市第一中学", date(2005, 9, 1), date(2008, 6, 30)
                ),
                StudyRecord(StudyStage.BACHELOR, "武汉大学", date(2008, 9, 1), date(2012, 6, 30)),
                StudyRecord(StudyStage.MASTER, "北京大学", date(2012, 9, 1), date(2015, 6, 30)),
            ),
            work_history=(WorkRecord(EMPLOYER_NAME, date(2015, 7, 1), None, EMPLOYER_CODE),),
            photo=Photo(pdf("photo.jpg", 40_000, b"\xff\xd8\xff\xe0"), uploaded),
        ),
        residence=ResidenceProof(
            kind=ProofKind.LEASE,
            address=ADDRESS,
            property_use=PropertyUse.RESIDENTIAL,
            district="海淀区",
            valid_until=day + relativedelta(years=1),
        ),
        attachments=attachments,
        employment=Employment(
            contract=LabourContract(EMPLOYER_CODE, date(2015, 7, 1), day + relativedelta(years=2)),
            income=tuple(IncomeMonth(month, EMPLOYER_CODE, 2_500_000) for month in months),
            insurance=tuple(InsuranceMonth(month, EMPLOYER_CODE) for month in months),
        ),
        association=Association(
            state=AssociationState.ASSOCIATED,
            employer=Employer(EMPLOYER_CODE, EMPLOYER_NAME),
            code="GL-2015-0001",
            since=datetime(2024, 1, 1, 9, 0, tzinfo=BEIJING),
        ),
        permit=Permit(
            state=PermitState.VALID,
            number="HD2024000123",
            permit_type="domestic",
            employer_credit_code=EMPLOYER_CODE,
            issued_on=date(2024, 1, 1),
            expires_on=PERMIT_EXPIRES,
        ),
    )
    return apply_overrides(holder, overrides)


def new_applicant(**overrides: Any) -> HolderRecord:
    """``valid_holder`` before any permit was issued: what a new application starts from."""
    return valid_holder(**{"permit": Permit(), **overrides})


application = testing.sample_application
"""An application of the holder above (``permitflow.testing.sample_application``)."""


@cache
def _family() -> Any:
    from permitflow.rules.haidian import ruleset

    return ruleset


def submission(kind: BusinessType) -> str:
    """The event that first submits an application of ``kind`` (submit, or the employer's
    initiate)."""
    (event,) = default_definitions()[kind](2).events_tagged({Tag.SUBMISSION})
    return event


def context(
    holder: HolderRecord,
    application: Application | None,
    event: str,
    at: datetime = AT,
    *,
    business_type: BusinessType | None = None,
    payload: Any = None,
) -> RuleContext:
    """The context a Haidian rule sees (``permitflow.testing.rule_context``)."""
    return testing.rule_context(
        holder, application, event, at, business_type=business_type, payload=payload,
        ruleset=_family(),
    )  # fmt: skip


# --- asserted outcomes -------------------------------------------------------------------------

EXERCISED: dict[str, set[Status]] = {}
"""rule id -> the statuses some test asserted for it (filled by ``expect``)."""
READ: list[Finding] = []
"""Every finding that did not pass in a test through ``expect``: the messages a person reads."""
MESSAGES_READ: list[str] = []
"""How many messages (findings times languages) the reading test read, and of what, for the
summary."""


PARAMETERS_READ: dict[str, set[str]] = {}
"""rule id -> the parameters its check read in some test (filled by ``evaluate``)."""


class _Reading(Mapping[str, Any]):
    """The parameters of a context, noting each one read."""

    def __init__(self, params: Mapping[str, Any], read: set[str]) -> None:
        self._params, self._read = params, read

    def __getitem__(self, name: str) -> Any:
        self._read.add(name)
        return self._params[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)


def evaluate(rule_id: str, ctx: RuleContext) -> tuple[Finding, ...]:
    """The findings of one rule of the rule set in force on the context's day; which parameters
    its check reads is noted in ``PARAMETERS_READ``."""
    reading = _Reading(ctx.params, PARAMETERS_READ.setdefault(rule_id, set()))
    # The policy rules Haidian switches off are tested too, for a district switching them on.
    return testing.judge(
        rule_id, attrs.evolve(ctx, params=reading), ruleset=_family(), switched_off=True
    )


def expect(rule_id: str, ctx: RuleContext, status: Status | str) -> tuple[Finding, ...]:
    """Assert the rule produced a finding with ``status`` (and only passes when it passed)."""
    wanted = Status(status)
    findings = evaluate(rule_id, ctx)
    testing.assert_findings(rule_id, findings, wanted)
    EXERCISED.setdefault(rule_id, set()).add(wanted)
    READ.extend(finding for finding in findings if not finding.passed)
    return findings


COVERAGE_MODULE = "test_coverage.py"
RULE_TESTS_DIR = Path(__file__).parent
