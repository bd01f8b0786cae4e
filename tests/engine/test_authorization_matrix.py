"""The authorization matrix, generated from the machine definitions, against a hand-written
table of who does what in the manual: no actor may fire an event the manual gives to another
party, and every party the manual names may fire its own."""

from __future__ import annotations

import attrs

from permitflow import Engine
from permitflow.records.actors import Actor
from permitflow.records.application import BusinessType
from permitflow.samples import AT, STRANGER_EMPLOYER, holder_for
from permitflow.templates import reach, template_form

A_TYPES = {BusinessType.NEW, BusinessType.BASIC_CHANGE, BusinessType.BUSINESS_CHANGE}
E_TYPES = {BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE}
REVIEW = "authority at the level reviewing"

# Who does what, written from the manual, not from the code. "applicant" and "employer" mean
# the application's own holder and employer; the authority's steps go to the level whose
# review it is.
#   M§2.4 (also M§5.5, M§6.4): 申请发起后，由聘用单位进行审核，审核通过后等待主管部门进行受理，
#         经主管部门多级逐一审核；不通过的……修改完毕后再次重新发起申请事项
#   M§3.2 (also M§4.3): 由单位确认无误后，在单位系统发起……在修改完毕后告知单位再次发起申请事项
#   M§7: who files a cancellation online is not stated: the holder or the employer (catalogue
#        §3.6); 撤回 by the party that filed (catalogue §3.3); the timers are the portal's own.
MANUAL: dict[str, dict[str, frozenset[str]]] = {
    "A": {
        "submit": frozenset({"applicant"}),
        "resubmit": frozenset({"applicant"}),
        "withdraw": frozenset({"applicant"}),
        "employer_approve": frozenset({"employer"}),
        "employer_return": frozenset({"employer"}),
    },
    "E": {
        "prepare": frozenset({"applicant"}),
        "notify_fixed": frozenset({"applicant"}),
        "initiate": frozenset({"employer"}),
        "reinitiate": frozenset({"employer"}),
        "withdraw": frozenset({"applicant", "employer"}),
    },
    "cancellation": {
        "submit": frozenset({"applicant", "employer"}),
        "resubmit": frozenset({"applicant", "employer"}),
        "withdraw": frozenset({"filer"}),
    },
    "every": {
        "accept": frozenset({REVIEW}),
        "pass": frozenset({REVIEW}),
        "return": frozenset({REVIEW}),
        "suspend": frozenset({REVIEW}),
        "resume": frozenset({REVIEW}),
        "close_moot": frozenset({"system"}),
    },
}
# Withdrawing an employer-initiated application once it is with the authority is the
# employer's (it filed it): catalogue §3.3.
E_WITHDRAW_AFTER_FILING = frozenset({"awaiting_acceptance", "returned", "fixed"})


def manual_allows(
    kind: BusinessType, state: str, event: str, who: str, level: int, filer: str | None
) -> bool:
    family = "A" if kind in A_TYPES else "E" if kind in E_TYPES else "cancellation"
    allowed = MANUAL[family].get(event) or MANUAL["every"].get(event, frozenset())
    if "filer" in allowed:  # the party that filed; before filing, either may
        allowed = frozenset({filer}) if filer else frozenset({"applicant", "employer"})
    if family == "E" and event == "withdraw" and state in E_WITHDRAW_AFTER_FILING:
        allowed = frozenset({"employer"})
    if REVIEW in allowed:
        return who == "authority" and level == reviewing_level(state)
    return who in allowed


def reviewing_level(state: str) -> int | None:
    """The level reviewing in a state, as the manual's review path numbers them."""
    if state == "awaiting_acceptance":
        return 1
    for prefix in ("authority_review_", "authority_suspended_"):
        if state.startswith(prefix):
            return int(state[len(prefix) :])
    return None


def actors(application_holder: str, employer: str) -> dict[tuple[str, int, bool], Actor]:
    cast = {
        ("applicant", 0, True): Actor.applicant(application_holder),
        ("applicant", 0, False): Actor.applicant("110101199003071234"),
        ("employer", 0, True): Actor.employer(employer),
        ("employer", 0, False): Actor.employer(STRANGER_EMPLOYER),
        ("system", 0, True): Actor.system("timer"),
    }
    for level in (1, 2, 3):
        cast[("authority", level, True)] = Actor.authority(level, f"reviewer-{level}")
    return cast


def test_the_generated_matrix_agrees_with_the_manual() -> None:
    cells = disagreements = 0
    found = []
    for kind in BusinessType:
        engine = Engine(rules=False)
        holder = holder_for(kind, at=AT)
        draft = engine.start(kind, holder=holder, application_id="m", at=AT,
                             form=template_form(kind))  # fmt: skip
        for state in engine.definition_for(draft, AT).states:
            application, after = reach(engine, draft, holder, state.name, AT)
            cast = actors(application.holder_id, application.employer_id)
            filing = application.latest(frozenset({"submit", "resubmit"}))
            filer = filing.actor.role.value if filing else None
            for (who, level, own), actor in cast.items():
                options = engine.allowed_events(application, actor, AT, holder=after)
                for option in options:
                    if option.dest is None:  # not an event of this state
                        continue
                    cells += 1
                    expected = own and manual_allows(
                        kind, state.name, option.event, who, level, filer
                    )
                    if option.allowed != expected:
                        disagreements += 1
                        found.append((kind.value, state.name, option.event, actor.describe(),
                                      option.allowed))  # fmt: skip
    print(f"authorization matrix: {cells} cells, {disagreements} disagree with the manual")
    assert cells > 500
    assert found == []


# M§1.3-1.6: the person fills in, previews and submits the basic information and manages the
# attachments; M§2.1: 关联码由聘用单位系统获知……待单位进行批复; M§4.1: 员工离职解除关联应由单位
# 系统操作; the expiry is the portal's timer (M§3 注意事项 3).
HOLDER_MANUAL: dict[str, frozenset[str]] = {
    "edit_profile": frozenset({"applicant"}),
    "complete_profile": frozenset({"applicant"}),
    "upload_attachment": frozenset({"applicant"}),
    "delete_attachment": frozenset({"applicant"}),
    "request_association": frozenset({"applicant"}),
    "declare_leaving": frozenset({"applicant"}),
    "approve_association": frozenset({"employer"}),
    "reject_association": frozenset({"employer"}),
    "dissociate": frozenset({"employer"}),
    "expire": frozenset({"system"}),
    # The facts imported from the tax, insurance and employer records: the portal's system.
    "record_payments": frozenset({"system"}),
    "record_contract": frozenset({"system"}),
    "record_residence_proof": frozenset({"system"}),
    "record_employer_flags": frozenset({"system"}),
}


def test_the_holder_matrix_agrees_with_the_manual() -> None:
    from permitflow.records.holder import AssociationState, PermitState
    from permitflow.samples import valid_holder

    engine = Engine(rules=False)
    cells = 0
    found = []
    for permit in (PermitState.NONE, PermitState.VALID, PermitState.SUSPENDED):
        base = valid_holder(at=AT, permit_state=permit)
        for association in AssociationState:
            holder = attrs.evolve(
                base, association=attrs.evolve(base.association, state=association)
            )
            employer = holder.association.employer
            cast = actors(holder.holder_id, employer.credit_code if employer else "x")
            for (who, _, own), actor in cast.items():
                for option in engine.allowed_holder_events(holder, actor, AT):
                    if option.dest is None:
                        continue
                    cells += 1
                    expected = own and who in HOLDER_MANUAL.get(option.event, frozenset())
                    if option.allowed != expected:
                        found.append((permit.value, association.value, option.event,
                                      actor.describe(), option.allowed))  # fmt: skip
    print(f"holder authorization matrix: {cells} cells, {len(found)} disagree with the manual")
    assert cells > 100
    assert found == []
