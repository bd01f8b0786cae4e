from __future__ import annotations

from datetime import date, datetime, timedelta

import attrs
import pytest
from engine_sample import (
    APPLICANT,
    EMPLOYER,
    EMPLOYER_ID,
    HOLDER_ID,
    OTHER_EMPLOYER_ID,
    T0,
    make_engine,
)

from permitflow.engine.engine import Engine, Outcome
from permitflow.errors import (
    Blocked,
    EventNotAllowed,
    IdempotencyConflict,
    InvalidInput,
    NotPermitted,
    UnknownEvent,
    VersionConflict,
)
from permitflow.records.actors import Actor, Role
from permitflow.records.application import Application, NewForm, RenewalForm, RuleSetPin
from permitflow.records.audit import EntryKind
from permitflow.records.holder import HolderRecord
from permitflow.rules.finding import Severity, Status


def step(at: datetime, minutes: int) -> datetime:
    return at + timedelta(minutes=minutes)


def started(engine: Engine, holder: HolderRecord) -> Application:
    return engine.start(
        "new", holder=holder, application_id="A1", at=step(T0, -3), employer_id=EMPLOYER_ID
    )


def to_awaiting(engine: Engine, holder: HolderRecord) -> Outcome:
    """Submitted and approved by the employer a little before T0."""
    app = started(engine, holder)
    out = engine.fire(app, "submit", actor=APPLICANT, at=step(T0, -2), holder=holder)
    return engine.fire(
        out.application, "employer_approve", actor=EMPLOYER, at=step(T0, -1), holder=out.holder
    )


def test_start_gives_the_initial_state_at_version_zero(
    engine: Engine, holder: HolderRecord
) -> None:
    app = started(engine, holder)
    assert (app.state, app.version, app.history, app.ruleset) == ("draft", 0, (), None)
    assert app.holder_id == HOLDER_ID


def test_start_refuses_a_form_of_another_business_type(
    engine: Engine, holder: HolderRecord
) -> None:
    with pytest.raises(InvalidInput) as caught:
        engine.start("new", holder=holder, application_id="A", at=T0, form=RenewalForm())
    assert caught.value.context["field"] == "form"


@pytest.mark.parametrize("levels", [1, 2, 4])
def test_every_level_reviews_in_order_until_approval(holder: HolderRecord, levels: int) -> None:
    engine = make_engine(levels)
    out = to_awaiting(engine, holder)
    at = step(T0, 2)
    out = engine.fire(out.application, "accept", actor=Actor.authority(1), at=at, holder=out.holder)
    for level in range(1, levels + 1):
        assert out.application.state == f"authority_review_{level}"
        out = engine.fire(
            out.application, "pass", actor=Actor.authority(level), at=at, holder=out.holder
        )
    assert out.application.state == "approved"
    assert out.application.version == 3 + levels
    assert [e.sequence for e in out.application.history] == list(range(1, 4 + levels))
    assert out.holder.open_application is None


def test_submission_pins_the_rule_set_and_the_moment(engine: Engine, holder: HolderRecord) -> None:
    out = engine.fire(started(engine, holder), "submit", actor=APPLICANT, at=T0, holder=holder)
    assert out.application.ruleset == RuleSetPin("tiny", "1")
    assert out.application.submitted_at == T0
    assert out.holder.open_application is not None
    assert out.holder.version == 1


def test_fire_never_changes_its_input(engine: Engine, holder: HolderRecord) -> None:
    app = started(engine, holder)
    copy_app, copy_holder = attrs.evolve(app), attrs.evolve(holder)
    engine.fire(app, "submit", actor=APPLICANT, at=T0, holder=holder)
    assert app == copy_app
    assert holder == copy_holder


def test_a_warning_is_reported_and_recorded_but_does_not_block(
    engine: Engine, holder: HolderRecord
) -> None:
    out = engine.fire(started(engine, holder), "submit", actor=APPLICANT, at=T0, holder=holder)
    assert [f.rule_id for f in out.findings] == ["BI-TIP"]
    assert out.warnings == out.findings
    assert out.application.history[-1].findings == out.findings


def test_an_error_finding_blocks_and_names_the_rule(engine: Engine) -> None:
    bare = HolderRecord(HOLDER_ID)
    app = started(engine, bare)
    with pytest.raises(Blocked) as caught:
        engine.fire(app, "submit", actor=APPLICANT, at=T0, holder=bare)
    error = caught.value
    assert error.code == "blocked_by_rules"
    assert error.context["rule_ids"] == ["BI-001"]
    blocking = [f for f in error.findings if f.blocks]
    assert blocking[0].status is Status.FAILED
    assert blocking[0].severity is Severity.ERROR
    assert "General information" in blocking[0].message_en
    assert "BI-001" in error.message("zh")


def test_rules_switched_off_never_block() -> None:
    engine = make_engine(rules=False)
    bare = HolderRecord(HOLDER_ID)
    out = engine.fire(started(engine, bare), "submit", actor=APPLICANT, at=T0, holder=bare)
    assert out.findings == ()


def test_an_unknown_event_is_refused_with_the_allowed_ones(
    engine: Engine, holder: HolderRecord
) -> None:
    with pytest.raises(UnknownEvent) as caught:
        engine.fire(started(engine, holder), "teleport", actor=APPLICANT, at=T0, holder=holder)
    assert caught.value.context["allowed"] == ["submit"]


def test_an_event_from_the_wrong_state_lists_what_is_allowed(
    engine: Engine, holder: HolderRecord
) -> None:
    with pytest.raises(EventNotAllowed) as caught:
        engine.fire(started(engine, holder), "accept", actor=Actor.authority(1), at=T0,
                    holder=holder)  # fmt: skip
    assert caught.value.context["allowed"] == ["submit"]
    assert caught.value.message("zh").endswith("现在可以办理：“提交申请”。")


@pytest.mark.parametrize(
    ("actor", "why"),
    [
        (Actor.employer(EMPLOYER_ID), "role"),
        (Actor.applicant("110101199003071234"), "identity"),
        (Actor.system(), "role"),
    ],
)
def test_only_the_applicant_itself_submits(
    engine: Engine, holder: HolderRecord, actor: Actor, why: str
) -> None:
    with pytest.raises(NotPermitted) as caught:
        engine.fire(started(engine, holder), "submit", actor=actor, at=T0, holder=holder)
    assert caught.value.context["actor"] == actor.describe()


def test_only_the_applications_own_employer_reviews(engine: Engine, holder: HolderRecord) -> None:
    out = engine.fire(started(engine, holder), "submit", actor=APPLICANT, at=T0, holder=holder)
    with pytest.raises(NotPermitted):
        engine.fire(out.application, "employer_approve", actor=Actor.employer(OTHER_EMPLOYER_ID),
                    at=T0, holder=out.holder)  # fmt: skip


def test_each_review_level_is_reserved_to_its_reviewers(
    engine: Engine, holder: HolderRecord
) -> None:
    out = to_awaiting(engine, holder)
    with pytest.raises(NotPermitted) as caught:
        engine.fire(out.application, "accept", actor=Actor.authority(2), at=T0, holder=out.holder)
    assert caught.value.context["level"] == 1


def test_a_return_needs_an_opinion_and_keeps_the_tips(engine: Engine, holder: HolderRecord) -> None:
    out = to_awaiting(engine, holder)
    with pytest.raises(InvalidInput) as caught:
        engine.fire(out.application, "return", actor=Actor.authority(1), at=T0, holder=out.holder)
    assert caught.value.context["field"] == "opinion"
    returned = engine.fire(
        out.application, "return", actor=Actor.authority(1), at=step(T0, 5), holder=out.holder,
        opinion="请补充劳动合同", tips=("下次请上传彩色扫描件",),
    )  # fmt: skip
    entry = returned.application.history[-1]
    assert (entry.opinion, entry.tips) == ("请补充劳动合同", ("下次请上传彩色扫描件",))
    assert returned.application.state == "returned"


def test_tips_never_ride_on_an_event_without_an_opinion(
    engine: Engine, holder: HolderRecord
) -> None:
    with pytest.raises(InvalidInput):
        engine.fire(started(engine, holder), "submit", actor=APPLICANT, at=T0, holder=holder,
                    tips=("x",))  # fmt: skip


def test_an_empty_tip_is_refused_by_its_position(engine: Engine, holder: HolderRecord) -> None:
    out = to_awaiting(engine, holder)
    with pytest.raises(InvalidInput) as caught:
        engine.fire(out.application, "return", actor=Actor.authority(1), at=T0,
                    holder=out.holder, opinion="x", tips=("ok", " "))  # fmt: skip
    assert caught.value.context["field"] == "tips[1]"


def test_the_applicant_resubmits_after_a_return(engine: Engine, holder: HolderRecord) -> None:
    out = to_awaiting(engine, holder)
    out = engine.fire(out.application, "return", actor=Actor.authority(1), at=T0,
                      holder=out.holder, opinion="fix")  # fmt: skip
    with pytest.raises(NotPermitted):
        engine.fire(out.application, "resubmit", actor=EMPLOYER, at=T0, holder=out.holder)
    again = engine.fire(out.application, "resubmit", actor=APPLICANT, at=T0, holder=out.holder)
    assert again.application.state == "employer_review"
    assert again.application.submitted_at == step(T0, -2), "the first submission stays pinned"


def test_a_stale_version_is_a_conflict(engine: Engine, holder: HolderRecord) -> None:
    app = started(engine, holder)
    with pytest.raises(VersionConflict) as caught:
        engine.fire(app, "submit", actor=APPLICANT, at=T0, holder=holder, expected_version=3)
    assert caught.value.context == {"expected_version": 3, "actual_version": 0}
    assert engine.fire(app, "submit", actor=APPLICANT, at=T0, holder=holder,
                       expected_version=0).application is not None  # fmt: skip


def test_a_retry_with_the_same_key_replays_without_a_new_entry(
    engine: Engine, holder: HolderRecord
) -> None:
    first = engine.fire(started(engine, holder), "submit", actor=APPLICANT, at=T0, holder=holder,
                        idempotency_key="k1", expected_version=0)  # fmt: skip
    retry = engine.fire(first.application, "submit", actor=APPLICANT, at=T0, holder=first.holder,
                        idempotency_key="k1", expected_version=0)  # fmt: skip
    assert retry.replayed
    assert retry.application == first.application
    assert retry.findings == first.findings


def test_a_key_reused_for_another_event_is_refused(engine: Engine, holder: HolderRecord) -> None:
    first = engine.fire(started(engine, holder), "submit", actor=APPLICANT, at=T0, holder=holder,
                        idempotency_key="k1")  # fmt: skip
    with pytest.raises(IdempotencyConflict) as caught:
        engine.fire(first.application, "employer_approve", actor=EMPLOYER, at=T0,
                    holder=first.holder, idempotency_key="k1")  # fmt: skip
    assert caught.value.context["original_event"] == "submit"


def test_time_must_be_aware_and_never_run_backwards(engine: Engine, holder: HolderRecord) -> None:
    app = started(engine, holder)
    with pytest.raises(InvalidInput) as caught:
        engine.fire(app, "submit", actor=APPLICANT, at=datetime(2026, 3, 2), holder=holder)
    assert caught.value.context["field"] == "at"
    out = engine.fire(app, "submit", actor=APPLICANT, at=T0, holder=holder)
    with pytest.raises(InvalidInput):
        engine.fire(out.application, "employer_approve", actor=EMPLOYER, at=step(T0, -1),
                    holder=out.holder)  # fmt: skip


def test_a_holder_of_someone_else_is_refused(engine: Engine, holder: HolderRecord) -> None:
    stranger = HolderRecord("110101199003071234")
    with pytest.raises(InvalidInput) as caught:
        engine.fire(started(engine, holder), "submit", actor=APPLICANT, at=T0, holder=stranger)
    assert caught.value.context["field"] == "holder"


def test_allowed_events_explains_every_refusal(engine: Engine) -> None:
    bare = HolderRecord(HOLDER_ID)
    app = started(engine, bare)
    options = {o.event: o for o in engine.allowed_events(app, APPLICANT, T0, holder=bare)}
    assert set(options) == {"submit", "employer_approve", "employer_return", "resubmit",
                            "accept", "return", "pass", "suspend", "resume"}  # fmt: skip
    assert options["submit"].reason == "blocked_by_rules"
    assert [f.rule_id for f in options["submit"].findings if f.blocks] == ["BI-001"]
    assert options["accept"].reason == "event_not_allowed"
    employer_view = engine.allowed_events(app, EMPLOYER, T0, holder=bare)
    assert next(o for o in employer_view if o.event == "submit").reason == "not_permitted"


def test_allowed_events_says_yes_with_the_destination(engine: Engine, holder: HolderRecord) -> None:
    app = started(engine, holder)
    submit = next(o for o in engine.allowed_events(app, APPLICANT, T0, holder=holder)
                  if o.event == "submit")  # fmt: skip
    assert (submit.allowed, submit.dest, submit.reason) == (True, "employer_review", None)


def test_check_lists_passing_rules_too(engine: Engine, holder: HolderRecord) -> None:
    findings = engine.check(started(engine, holder), "submit", at=T0, holder=holder)
    assert {(f.rule_id, f.status) for f in findings} == {
        ("BI-001", Status.PASSED),
        ("BI-TIP", Status.FAILED),
    }


def test_the_definition_of_a_business_type_is_shared(engine: Engine) -> None:
    assert engine.definition("new", 2) is engine.definition("new", 2)
    assert engine.definition("new", 3).state("authority_review_3").label_en.endswith("3")


def test_the_definition_takes_its_levels_from_the_rule_set_in_force_on_a_given_day() -> None:
    haidian = Engine()
    on_day = haidian.definition("new", on=date(2026, 3, 16))
    assert on_day is haidian.definition("new", 2)  # two levels in the Haidian set since 2021
    with pytest.raises(InvalidInput) as caught:
        haidian.definition("new")  # no day and no levels: no clock is read to guess one
    assert caught.value.context["field"] == "on"
    assert "review levels" in caught.value.message("en")
    fixed = Engine(review_levels=3)
    assert fixed.definition("new").state("authority_review_3").label_en.endswith("3")


def test_an_authority_actor_must_carry_a_level() -> None:
    with pytest.raises(InvalidInput):
        Actor(Role.AUTHORITY, "r")
    with pytest.raises(InvalidInput):
        Actor(Role.APPLICANT, "x", level=1)


def test_a_form_of_the_right_type_is_kept(engine: Engine, holder: HolderRecord) -> None:
    app = engine.start("new", holder=holder, application_id="A", at=T0, form=NewForm())
    assert app.form == NewForm()


def under_review(engine: Engine, holder: HolderRecord) -> Application:
    out = to_awaiting(engine, holder)
    out = engine.fire(out.application, "accept", actor=Actor.authority(1), at=T0, holder=holder)
    return out.application


def test_a_pass_waits_for_the_reviewers_attestation(holder: HolderRecord) -> None:
    engine = make_engine(attestation=True)
    app = under_review(engine, holder)
    with pytest.raises(Blocked) as caught:
        engine.fire(app, "pass", actor=Actor.authority(1), at=T0, holder=holder)
    assert caught.value.context["rule_ids"] == ["RES-001"]
    pending = engine.pending_attestations(app, "pass", at=T0, holder=holder)
    assert [(f.rule_id, f.status) for f in pending] == [("RES-001", Status.NEEDS_ATTESTATION)]
    attested = engine.attest(
        app, "RES-001", actor=Actor.authority(1, "r-7"), at=T0, holder=holder,
        note="已核验租赁合同", expected_version=app.version,
    )  # fmt: skip
    after = attested.application
    assert (after.state, after.version) == (app.state, app.version + 1)
    entry = after.history[-1]
    assert (entry.kind, entry.rule_id, entry.event) == (EntryKind.ATTESTATION, "RES-001", "attest")
    assert entry.opinion == "已核验租赁合同"
    assert after.attested("RES-001") is not None
    passed = engine.fire(after, "pass", actor=Actor.authority(1), at=T0, holder=holder)
    assert passed.application.state == "authority_review_2"
    assert engine.pending_attestations(passed.application, "pass", at=T0, holder=holder) == ()


def test_only_the_named_attesters_attest(holder: HolderRecord) -> None:
    engine = make_engine(attestation=True)
    app = under_review(engine, holder)
    for actor in (APPLICANT, EMPLOYER):
        with pytest.raises(NotPermitted) as caught:
            engine.attest(app, "RES-001", actor=actor, at=T0, holder=holder)
        assert caught.value.context["roles"] == ["authority"]
    with pytest.raises(NotPermitted):
        engine.attest(app, "BI-001", actor=Actor.authority(1), at=T0, holder=holder)


def test_an_attestation_is_given_once_and_replays_by_key(holder: HolderRecord) -> None:
    engine = make_engine(attestation=True)
    app = under_review(engine, holder)
    first = engine.attest(app, "RES-001", actor=Actor.authority(1), at=T0, holder=holder,
                          idempotency_key="a1")  # fmt: skip
    again = engine.attest(first.application, "RES-001", actor=Actor.authority(1), at=T0,
                          holder=holder, idempotency_key="a1")  # fmt: skip
    assert again.replayed
    assert again.application == first.application
    with pytest.raises(InvalidInput) as caught:
        engine.attest(first.application, "RES-001", actor=Actor.authority(1, "another"), at=T0,
                      holder=holder)  # fmt: skip
    assert caught.value.context["field"] == "rule_id"


def test_an_attestation_keeps_the_fingerprint_its_request_always_had(
    holder: HolderRecord,
) -> None:
    engine = make_engine(attestation=True)
    app = under_review(engine, holder)
    attested = engine.attest(
        app, "RES-001", actor=Actor.authority(1, "r-7"), at=T0, holder=holder,
        note="已核验租赁合同", idempotency_key="a1",
    )  # fmt: skip
    # Digested when the entry spelled its rule in its event (attest:RES-001): a key stored
    # then must still match the same request.
    assert attested.application.history[-1].fingerprint == (
        "a6c2961d688cb6ef49bd84c3d62f59cb970190316ded19eda8ef44f1170bce5a"
    )


def test_a_key_given_to_an_attestation_is_not_another_rules_or_an_events(
    holder: HolderRecord,
) -> None:
    engine = make_engine(attestation=True)
    app = under_review(engine, holder)
    first = engine.attest(app, "RES-001", actor=Actor.authority(1), at=T0, holder=holder,
                          idempotency_key="a1")  # fmt: skip
    with pytest.raises(IdempotencyConflict) as caught:
        engine.attest(first.application, "BI-001", actor=Actor.authority(1), at=T0,
                      holder=holder, idempotency_key="a1")  # fmt: skip
    assert caught.value.context["differs"] == ["rule_id"]
    with pytest.raises(IdempotencyConflict) as caught:
        engine.fire(first.application, "pass", actor=Actor.authority(1), at=T0, holder=holder,
                    idempotency_key="a1")  # fmt: skip
    assert caught.value.context["differs"] == ["event", "rule_id"]


def test_a_return_clears_the_attestations(holder: HolderRecord) -> None:
    engine = make_engine(attestation=True)
    app = under_review(engine, holder)
    attested = engine.attest(app, "RES-001", actor=Actor.authority(1), at=T0, holder=holder)
    returned = engine.fire(attested.application, "return", actor=Actor.authority(1), at=T0,
                           holder=holder, opinion="租赁合同已过期")  # fmt: skip
    assert returned.application.attestations == ()
    assert [e.rule_id for e in returned.application.history
            if e.kind is EntryKind.ATTESTATION] == ["RES-001"]  # fmt: skip


def test_nothing_is_attested_once_the_application_ended(holder: HolderRecord) -> None:
    engine = make_engine(levels=1)
    app = under_review(engine, holder)
    done = engine.fire(app, "pass", actor=Actor.authority(1), at=T0, holder=holder)
    with pytest.raises(EventNotAllowed):
        engine.attest(done.application, "BI-001", actor=Actor.authority(1), at=T0, holder=holder)


def test_an_unknown_business_type_is_named_with_the_known_ones(
    engine: Engine, holder: HolderRecord
) -> None:
    import permitflow

    for call in (
        lambda: engine.start("visa", holder=holder, application_id="A", at=T0),
        lambda: engine.definition("visa"),
        lambda: permitflow.diagram("visa"),
    ):
        with pytest.raises(InvalidInput) as caught:
            call()
        assert caught.value.context["field"] == "business_type"
        assert "renewal" in caught.value.message("en")


def test_an_actor_that_is_not_an_actor_is_named(engine: Engine, holder: HolderRecord) -> None:
    with pytest.raises(InvalidInput) as caught:
        engine.fire(started(engine, holder), "submit", actor="applicant", at=T0,  # type: ignore[arg-type]
                    holder=holder)  # fmt: skip
    assert caught.value.context["field"] == "actor"
