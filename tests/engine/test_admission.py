"""Moments with bounds and one reading, idempotency that sees the request, attestations in
their place: every reproduction of issue 16 points 2-4."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from engine_sample import APPLICANT, EMPLOYER, T0, make_engine

from permitflow import (
    Engine,
    HolderOutcome,
    IdempotencyConflict,
    InvalidInput,
    NotPermitted,
    PermitflowError,
    from_dict,
    to_dict,
)
from permitflow.calendar import LAST_SUPPORTED_YEAR, add_working_days
from permitflow.errors import CalendarOutOfRange
from permitflow.machines import sweep
from permitflow.machines.status import holder_status, progress
from permitflow.records.actors import Actor, Role
from permitflow.records.application import Application, BusinessType, NewForm, PermitType
from permitflow.records.holder import HolderRecord
from permitflow.testing import Case

BEIJING = timezone(timedelta(hours=8))
FAR = datetime(9999, 12, 31, 23, 59, tzinfo=BEIJING)
EARLY = datetime(1, 1, 1, 0, 0, tzinfo=BEIJING)
NAIVE = datetime(2026, 3, 2, 9, 0)


def draft(engine: Engine, holder: HolderRecord, at: datetime = T0) -> Application:
    return engine.start("new", holder=holder, application_id="A", at=at, employer_id=EMPLOYER.id)


# --- moments -------------------------------------------------------------------------------------


def calls(engine: Engine, holder: HolderRecord, at: Any) -> dict[str, Any]:
    app = draft(engine, holder)
    return {
        "start": lambda: draft(engine, holder, at),
        "fire": lambda: engine.fire(app, "submit", actor=APPLICANT, at=at, holder=holder),
        "attest": lambda: engine.attest(app, "BI-001", actor=APPLICANT, at=at, holder=holder),
        "allowed_events": lambda: engine.allowed_events(app, APPLICANT, at, holder=holder),
        "check": lambda: engine.check(app, "submit", at=at, holder=holder),
        "allowed_holder_events": lambda: engine.allowed_holder_events(holder, APPLICANT, at),
        "fire_holder": lambda: engine.fire_holder(holder, "x", actor=APPLICANT, at=at),
        "progress": lambda: progress(engine, app, at, holder=holder),
        "holder_status": lambda: holder_status(engine, holder, at),
        "sweep": lambda: sweep(engine, holder, [app], at),
    }


@pytest.mark.parametrize("moment", [NAIVE, FAR, EARLY, "2026-03-02", None])
@pytest.mark.parametrize(
    "call",
    ["start", "fire", "attest", "allowed_events", "check", "allowed_holder_events",
     "fire_holder", "progress", "holder_status", "sweep"],
)  # fmt: skip
def test_every_call_taking_a_moment_refuses_it_the_same_way(
    holder: HolderRecord, moment: Any, call: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        calls(make_engine(), holder, moment)[call]()
    assert caught.value.context["field"] == "at"


def test_the_last_supported_year_is_accepted(holder: HolderRecord) -> None:
    engine = make_engine(rules=False)
    last = datetime(LAST_SUPPORTED_YEAR, 6, 1, tzinfo=BEIJING)
    assert draft(engine, holder, last).created_at == last


def test_an_event_far_ahead_of_the_last_one_is_refused(holder: HolderRecord) -> None:
    engine = Engine(make_engine().ruleset_for(None, T0), rules=False,
                    definitions={BusinessType.NEW: _sample()}, holder_definitions=(),
                    moment_tolerance=timedelta(days=30))  # fmt: skip
    app = draft(engine, holder)
    with pytest.raises(InvalidInput):
        engine.fire(app, "submit", actor=APPLICANT, at=T0 + timedelta(days=31), holder=holder)
    moved = engine.fire(app, "submit", actor=APPLICANT, at=T0 + timedelta(days=30), holder=holder)
    assert moved.application.state == "employer_review"


def _sample() -> Any:
    from engine_sample import sample_definition

    return sample_definition


def test_an_application_event_before_its_creation_is_refused(holder: HolderRecord) -> None:
    engine = make_engine()
    app = draft(engine, holder)
    with pytest.raises(InvalidInput):
        engine.fire(app, "submit", actor=APPLICANT, at=T0 - timedelta(days=400), holder=holder)


def test_an_application_event_before_the_holders_last_entry_is_refused() -> None:
    case = Case.start(BusinessType.NEW)
    ahead = Case(case.engine, case.holder, case.application, case.at + timedelta(days=1))
    later = ahead.fire_holder("dissociate", Role.EMPLOYER)
    with pytest.raises(InvalidInput):
        case.engine.fire(case.application, "submit", actor=case.actor(Role.APPLICANT),
                         at=case.at, holder=later.holder)  # fmt: skip


def test_a_calendar_year_outside_the_data_is_a_permitflow_error() -> None:
    with pytest.raises(CalendarOutOfRange) as caught:
        add_working_days(datetime(2101, 1, 5).date(), 1)
    assert isinstance(caught.value, PermitflowError)
    assert "2101" in caught.value.message_en


# --- idempotency ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "differs"),
    [
        ({"payload": NewForm(permit_type=PermitType.OVERSEAS)}, ["payload"]),
        ({"event": "withdraw"}, ["event"]),
        ({"actor": Actor.applicant("110101199003071234")}, ["actor"]),
    ],
)
def test_the_same_key_with_another_request_is_a_conflict_naming_what_differs(
    change: dict[str, Any], differs: list[str]
) -> None:
    case = Case.start(BusinessType.NEW)
    applicant = case.actor(Role.APPLICANT)
    first = case.engine.fire(
        case.application, "submit", actor=applicant, at=case.at, holder=case.holder,
        payload=NewForm(), idempotency_key="k",
    )  # fmt: skip
    request: dict[str, Any] = {"event": "submit", "actor": applicant, "payload": NewForm()}
    request.update(change)
    with pytest.raises(IdempotencyConflict) as caught:
        case.engine.fire(first.application, request.pop("event"), at=case.at,
                         holder=first.holder, idempotency_key="k", **request)  # fmt: skip
    assert caught.value.context["differs"] == differs


def test_the_same_key_with_another_opinion_is_a_conflict(holder: HolderRecord) -> None:
    engine = make_engine()
    app = draft(engine, holder)
    out = engine.fire(app, "submit", actor=APPLICANT, at=T0, holder=holder)
    back = engine.fire(out.application, "employer_return", actor=EMPLOYER, at=T0,
                       holder=out.holder, opinion="补充材料", idempotency_key="r")  # fmt: skip
    with pytest.raises(IdempotencyConflict) as caught:
        engine.fire(back.application, "employer_return", actor=EMPLOYER, at=T0,
                    holder=back.holder, opinion="另一意见", idempotency_key="r")  # fmt: skip
    assert caught.value.context["differs"] == ["opinion"]
    with pytest.raises(IdempotencyConflict) as caught:
        engine.fire(
            back.application, "employer_return", actor=EMPLOYER, at=T0, holder=back.holder,
            opinion="补充材料", tips=["t"], idempotency_key="r",
        )  # fmt: skip
    assert caught.value.context["differs"] == ["tips"]


@pytest.mark.parametrize("key", [5, b"k", "", "k" * 201, ["k"]])
def test_a_key_that_is_no_bounded_string_is_refused_before_anything_is_stored(
    holder: HolderRecord, key: Any
) -> None:
    engine = make_engine()
    app = draft(engine, holder)
    with pytest.raises(InvalidInput) as caught:
        engine.fire(app, "submit", actor=APPLICANT, at=T0, holder=holder, idempotency_key=key)
    assert caught.value.context["field"] == "idempotency_key"


def test_a_key_of_the_longest_length_is_stored_and_the_snapshot_loads(
    holder: HolderRecord,
) -> None:
    engine = make_engine()
    out = engine.fire(draft(engine, holder), "submit", actor=APPLICANT, at=T0, holder=holder,
                      idempotency_key="k" * 200)  # fmt: skip
    assert engine.load(to_dict(out.application)) == out.application


def test_a_retry_after_later_events_is_answered_with_the_original_outcome(
    holder: HolderRecord,
) -> None:
    engine = make_engine()
    out = engine.fire(draft(engine, holder), "submit", actor=APPLICANT, at=T0, holder=holder,
                      idempotency_key="s")  # fmt: skip
    later = engine.fire(out.application, "employer_approve", actor=EMPLOYER,
                        at=T0 + timedelta(hours=1), holder=out.holder)  # fmt: skip
    retry = engine.fire(later.application, "submit", actor=APPLICANT, at=T0, holder=later.holder,
                        idempotency_key="s")  # fmt: skip
    assert retry.replayed
    assert retry.application == later.application



def test_a_holder_event_and_its_retry_answer_the_record_and_no_application() -> None:
    case = Case.start(BusinessType.NEW)
    employer = case.actor(Role.EMPLOYER)
    out = case.engine.fire_holder(case.holder, "dissociate", actor=employer, at=case.at,
                                  idempotency_key="d")  # fmt: skip
    retry = case.engine.fire_holder(out.holder, "dissociate", actor=employer, at=case.at,
                                    idempotency_key="d")  # fmt: skip
    assert isinstance(out, HolderOutcome)
    assert isinstance(retry, HolderOutcome)
    assert out.holder.association.state == "dissociated"
    assert retry.replayed
    assert retry.holder == out.holder
    assert not hasattr(out, "application")

# --- attestations --------------------------------------------------------------------------------


def reviewing(engine: Engine, holder: HolderRecord) -> Application:
    out = engine.fire(draft(engine, holder), "submit", actor=APPLICANT, at=T0, holder=holder)
    out = engine.fire(out.application, "employer_approve", actor=EMPLOYER, at=T0, holder=holder)
    out = engine.fire(out.application, "accept", actor=Actor.authority(1), at=T0, holder=holder)
    return out.application


@pytest.mark.parametrize("level", [2, 3])
def test_only_the_level_now_reviewing_attests(holder: HolderRecord, level: int) -> None:
    engine = make_engine(attestation=True)
    app = reviewing(engine, holder)
    with pytest.raises(NotPermitted):
        engine.attest(app, "RES-001", actor=Actor.authority(level), at=T0, holder=holder)
    assert engine.attest(app, "RES-001", actor=Actor.authority(1), at=T0, holder=holder)


def test_the_authority_attests_only_in_an_authority_review_state(holder: HolderRecord) -> None:
    engine = make_engine(attestation=True)
    app = draft(engine, holder)
    with pytest.raises(NotPermitted):
        engine.attest(app, "RES-001", actor=Actor.authority(1), at=T0, holder=holder)
    out = engine.fire(app, "submit", actor=APPLICANT, at=T0, holder=holder)
    with pytest.raises(NotPermitted):
        engine.attest(out.application, "RES-001", actor=Actor.authority(1), at=T0, holder=holder)


def test_the_employers_attestation_only_in_its_step_and_cleared_on_resubmission() -> None:
    case = Case.start(BusinessType.RENEWAL).fire("prepare", Role.APPLICANT)
    case = case.fire("initiate", Role.EMPLOYER, payload=case.application.form)
    case = case.fire("accept", Role.AUTHORITY).fire("return", Role.AUTHORITY)
    employer = case.actor(Role.EMPLOYER)
    with pytest.raises(NotPermitted):  # returned: the holder's step
        case.engine.attest(case.application, "REV-004", actor=employer, at=case.at,
                           holder=case.holder)  # fmt: skip
    case = case.fire("notify_fixed", Role.APPLICANT, payload=case.application.form)
    attested = case.engine.attest(case.application, "REV-004", actor=employer, at=case.at,
                                  holder=case.holder)  # fmt: skip
    assert attested.application.attestations
    again = Case(case.engine, case.holder, attested.application, case.at + timedelta(minutes=1))
    again = again.fire("reinitiate", Role.EMPLOYER, payload=case.application.form)
    assert again.application.attestations == ()
    assert from_dict(to_dict(again.application)) == again.application


def test_a_permit_expiring_after_the_calendar_years_is_a_permitflow_error_in_the_status() -> None:
    import attrs

    from permitflow.samples import valid_holder

    holder = valid_holder()
    late = attrs.evolve(holder, permit=attrs.evolve(holder.permit, expires_on=date(2101, 6, 1)))
    with pytest.raises(PermitflowError):
        holder_status(Engine(rules=False), late, T0)
