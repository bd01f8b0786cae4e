"""The people and the scripted lifecycle the benchmarks run.

A holder here is a new applicant that passes every Haidian rule of a new application on
Monday 2026-03-16 (a working day of a year with an official holiday arrangement, so no
calendar estimate is involved). Holders are built by ``permitflow.testing.valid_holder`` and
differ by identity (resident id).

The lifecycle of a new application with two authority review levels, twelve events:

    submit, employer_return, resubmit, employer_approve, accept, pass (L1), return (L2),
    resubmit, employer_approve, accept, pass (L1), pass (L2)

It has the one authority return and resubmission of the scenario, and an employer return
before it, which takes the employer-return path too and makes the twelve entries of history
the snapshot and memory benchmarks ask for. With the Haidian rules, the level-1 reviewer must
also attest the rules only a person can decide (a colour scan, lawful housing, …) before
passing the file, in each review round: each attestation is one more audit entry (of the
kind ``attestation``, naming its rule), so the realistic approved application carries those
entries too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from functools import cache

import attrs
from attrs import frozen

from permitflow.engine.engine import Engine
from permitflow.identifiers import is_valid_resident_id
from permitflow.records.actors import Actor
from permitflow.records.application import Application, BusinessType, NewForm, RuleSetPin
from permitflow.records.holder import (
    Association,
    AssociationState,
    Attachment,
    Child,
    Employment,
    FileInfo,
    HolderRecord,
    Hukou,
    HukouKind,
    IncomeMonth,
    PermitState,
    ProfileState,
    ProofKind,
    PropertyUse,
    ResidenceProof,
    Slot,
)
from permitflow.rules.rule import BEIJING, local_date
from permitflow.testing import EMPLOYERS, valid_holder

AT = datetime(2026, 3, 16, 10, 0, tzinfo=BEIJING)
"""When the scripted lifecycle starts."""
STEP = timedelta(minutes=10)
"""Time between two scripted steps: the whole lifecycle stays within one day."""
EMPLOYER = EMPLOYERS[0]
EMPLOYER_CODE = EMPLOYER.credit_code
PDF_HEAD = b"%PDF-1.7\n"
LEVELS = 2
OPINION = "收入证明材料日期超过一个月，请重新上传后再次提交。"


def _pdf(name: str, size_bytes: int = 400_000, head: bytes = PDF_HEAD) -> FileInfo:
    return FileInfo(name=name, size_bytes=size_bytes, head=head)


@cache
def resident_id(index: int) -> str:
    """A valid resident id, different for every ``index`` below 3,650,000.

    The check character is the one the library accepts, found by trying the eleven candidates
    (set-up cost only, and remembered: the larger benchmarks ask for the same 100,000).
    """
    birth = date(1985, 1, 1) + timedelta(days=index // 1000 % 3650)
    body = f"420106{birth:%Y%m%d}{index % 1000:03d}"
    for check in "0123456789X":
        if is_valid_resident_id(body + check, today=local_date(AT)):
            return body + check
    raise AssertionError(f"no check character makes {body} valid")


def new_applicant(number: str) -> HolderRecord:
    """A complete, valid holder with no permit yet, identified by the resident id ``number``:
    the record ``permitflow.testing`` builds for a new application, as of ``AT``."""
    return valid_holder(at=AT, holder_id=number, permit_state=PermitState.NONE)


def flawed_applicant(number: str) -> HolderRecord:
    """The same person with many things wrong: what a first, careless submission looks like.

    Not associated with the employer yet, basic information incomplete, a Beijing collective
    hukou, a screenshot of the electronic residence card as proof, oversized and mis-typed
    attachments, a stale income printout, no labour contract and income from someone else.
    """
    holder = new_applicant(number)
    general = holder.profile.general
    assert general is not None
    day = local_date(AT)
    bad_attachments = (
        Attachment(Slot.EDU_CERT, _pdf("edu.docx", 9_000_000, b"PK\x03\x04"), day),
        Attachment(Slot.TAXABLE_INCOME, _pdf("income.pdf"), day,
                   issued_on=day - timedelta(days=90)),
        Attachment(Slot.RESIDENCE, _pdf("card.png", 300_000, b"\x89PNG"), day,
                   document="residence_card_image"),
    )  # fmt: skip
    return attrs.evolve(
        holder,
        profile_state=ProfileState.INCOMPLETE,
        profile=attrs.evolve(
            holder.profile,
            general=attrs.evolve(
                general, hukou=Hukou(HukouKind.COLLECTIVE, "11", "北京市海淀区"),
                address="上海市浦东新区世纪大道100号",
            ),
            education=None,
            photo=None,
        ),
        residence=ResidenceProof(
            kind=ProofKind.RESIDENCE_CARD_IMAGE, address="北京市朝阳区建国路1号",
            property_use=PropertyUse.OFFICE,
        ),
        attachments=bad_attachments,
        employment=Employment(
            income=tuple(
                IncomeMonth(month.month, "91110105MA02EFGH7Y", 100_000)
                for month in holder.employment.income[-3:]
            ),
        ),
        association=Association(
            state=AssociationState.REQUESTED,
            employer=attrs.evolve(EMPLOYER, handling_permission=False),
            code="GL-2015-0001",
        ),
    )  # fmt: skip


def adult_child() -> Child:
    """An accompanying child who is no longer a minor (NEW-001 fails)."""
    return Child(
        name="张小明", resident_id="420106200001010011", relationship="子",
        birth_certificate_number="A000000001", unit="武汉大学", birth_date=date(2000, 1, 1),
        hukou_province_code="42",
    )  # fmt: skip


@frozen
class Step:
    event: str
    actor: Actor
    at: datetime
    opinion: str | None = None
    attests: str | None = None
    """The rule a reviewer attests at this step (an attestation entry); None: an event."""


def new_lifecycle(
    holder_id: str,
    *,
    levels: int = LEVELS,
    start: datetime = AT,
    attestations: Sequence[str] = (),
    employer_returns: int = 1,
) -> tuple[Step, ...]:
    """The scripted steps of one new application (see the module docstring).

    ``attestations`` are the rules the level-1 reviewer attests before passing the file, in
    each review round (a return clears them). ``employer_returns`` is how many times the
    employer returns the file before approving it (each return and resubmission two entries
    more), for the longer histories of the snapshot benchmark.
    """
    applicant = Actor.applicant(holder_id)
    employer = Actor.employer(EMPLOYER_CODE)
    reviewers = [Actor.authority(level, f"reviewer-{level}") for level in range(1, levels + 1)]
    attest = [("attest", reviewers[0], None, rule_id) for rule_id in attestations]
    plan: list[tuple[str, Actor, str | None, str | None]] = [
        ("submit", applicant, None, None),
        *(step for _ in range(employer_returns) for step in (
            ("employer_return", employer, OPINION, None), ("resubmit", applicant, None, None),
        )),
        ("employer_approve", employer, None, None),
        ("accept", reviewers[0], None, None),
        *attest,
        *(("pass", reviewer, None, None) for reviewer in reviewers[:-1]),
        ("return", reviewers[-1], OPINION, None),
        ("resubmit", applicant, None, None),
        ("employer_approve", employer, None, None),
        ("accept", reviewers[0], None, None),
        *attest,
        *(("pass", reviewer, None, None) for reviewer in reviewers),
    ]
    return tuple(
        Step(event, actor, start + index * STEP, opinion, rule_id)
        for index, (event, actor, opinion, rule_id) in enumerate(plan, start=1)
    )


def start_new(
    engine: Engine,
    holder: HolderRecord,
    application_id: str,
    form: NewForm | None = None,
    at: datetime = AT,
) -> Application:
    return engine.start(
        BusinessType.NEW, holder=holder, application_id=application_id, at=at,
        form=form or NewForm(),
    )  # fmt: skip


def fire_step(
    engine: Engine, application: Application, holder: HolderRecord, step: Step
) -> tuple[Application, HolderRecord]:
    """One scripted step: an event, or a reviewer's attestation."""
    if step.attests is not None:
        outcome = engine.attest(
            application, step.attests, actor=step.actor, at=step.at, holder=holder
        )
    else:
        outcome = engine.fire(
            application, step.event, actor=step.actor, at=step.at, holder=holder,
            opinion=step.opinion,
        )  # fmt: skip
    assert outcome.application is not None
    return outcome.application, outcome.holder


def fire_steps(
    engine: Engine,
    application: Application,
    holder: HolderRecord,
    steps: Sequence[Step],
) -> tuple[Application, HolderRecord]:
    """Runs ``steps`` in order; returns the last snapshots of the application and the holder."""
    for step in steps:
        application, holder = fire_step(engine, application, holder, step)
    return application, holder


def review_attestations(engine: Engine) -> tuple[str, ...]:
    """The rules the Haidian rule set asks a reviewer to attest before the level-1 pass.

    Found by running the lifecycle of the first holder up to that pass and asking the engine,
    so the script follows the rule set as it stands.
    """
    holder = new_applicant(resident_id(0))
    script = new_lifecycle(holder.holder_id)
    first_pass = next(i for i, step in enumerate(script) if step.event == "pass")
    application, holder = fire_steps(
        engine, start_new(engine, holder, "attestations"), holder, script[:first_pass]
    )
    step = script[first_pass]
    pending = engine.pending_attestations(application, "pass", at=step.at, holder=holder)
    return tuple(dict.fromkeys(finding.rule_id for finding in pending))


def pinned(engine: Engine, application: Application) -> Application:
    """The application with the rule-set pin a rules engine sets at submission.

    The bare engine (rules off) pins nothing; a snapshot a portal stores always carries it.
    """
    ruleset = engine.ruleset_for(None, AT)
    return attrs.evolve(application, ruleset=RuleSetPin(ruleset.name, ruleset.version))
