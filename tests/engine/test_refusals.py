"""A refused call changes nothing, and is always one of permitflow's own errors.

Random calls of every kind (every event of the machines and of the holder's record, attestations,
by right and wrong actors, at moments earlier, equal, naive or far ahead, with reused, odd or
fresh idempotency keys and wrong payloads) on applications of every business type; after each
refusal the snapshots handed in are exactly what they were before.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from permitflow import Engine, HolderOutcome, Outcome, PermitflowError, to_dict
from permitflow.errors import CalendarEstimateWarning
from permitflow.machines import BUSINESS_MACHINES, HOLDER_MACHINES
from permitflow.records.actors import Actor
from permitflow.records.application import BusinessType, NewForm
from permitflow.samples import AT, STRANGER_EMPLOYER, holder_for
from permitflow.templates import template_form
from permitflow.testing import right_actor

EVENTS = sorted({t.event for factory in BUSINESS_MACHINES.values() for t in factory(2).transitions})
HOLDER_EVENTS = sorted({t.event for d in HOLDER_MACHINES for t in d.transitions})
COUNTS = {"refused": 0, "accepted": 0}


def _actors(holder_id: str, employer_id: str) -> list[Actor]:
    return [
        Actor.applicant(holder_id), Actor.applicant("110101199003071234"),
        Actor.employer(employer_id), Actor.employer(STRANGER_EMPLOYER),
        Actor.authority(1), Actor.authority(2), Actor.authority(3), Actor.system(),
    ]  # fmt: skip


MOMENTS: list[Any] = [
    timedelta(minutes=1),
    timedelta(minutes=1),
    timedelta(minutes=1),
    timedelta(0),
    timedelta(days=-1),
    timedelta(days=4000),
    datetime(2026, 3, 16, 10, 0),
    datetime(9999, 1, 1, tzinfo=AT.tzinfo),
]  # fmt: skip
KEYS: list[Any] = [None, None, None, "k1", "k2", "", 5, "k" * 201]
OPINIONS = [None, "请补充材料", "  "]
REASONS = [None, "申请人要求撤回"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(list(BusinessType)),
    steps=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6)),
        min_size=5, max_size=40,
    ),
)  # fmt: skip
def test_a_refused_call_changes_nothing(kind: BusinessType, steps: list[tuple[int, ...]]) -> None:
    engine = Engine(rules=False)
    holder = holder_for(kind, at=AT)
    app = engine.start(kind, holder=holder, application_id="r", at=AT, form=template_form(kind))
    cast = _actors(holder.holder_id, app.employer_id)
    clock = AT
    for a, b, c in steps:
        before = (to_dict(app), to_dict(holder))
        moment = MOMENTS[a % len(MOMENTS)]
        at = clock + moment if isinstance(moment, timedelta) else moment
        actor = cast[b % len(cast)]
        key = KEYS[c % len(KEYS)]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CalendarEstimateWarning)
                outcome = _call(engine, app, holder, a, b, c, actor, at, key)
        except PermitflowError:
            COUNTS["refused"] += 1
            assert (to_dict(app), to_dict(holder)) == before
            continue
        COUNTS["accepted"] += 1
        holder = outcome.holder
        if isinstance(outcome, Outcome):
            app = outcome.application
        clock = max(clock, at)


def _call(engine: Engine, app: Any, holder: Any, a: int, b: int, c: int, actor: Actor,
          at: Any, key: Any) -> Outcome | HolderOutcome:  # fmt: skip
    kind = (a + b + c) % 10
    if kind < 6:
        here = [t for t in engine.definition(app.business_type, 2).transitions
                if app.state in t.sources and not t.internal]  # fmt: skip
        opinion, reason = OPINIONS[a % 3], REASONS[b % 2]
        payload = [None, app.form, app.form, NewForm(), "x"][c % 5]
        if a % 3 and here:  # mostly a step of this state, often by the right party
            transition = here[(a * 7 + b) % len(here)]
            event = transition.event
            if b % 3:
                role = sorted(transition.roles)[0]
                actor = right_actor(role, app, transition.level or 1)
                opinion = "请补充材料" if transition.opinion else None
                reason = "申请人要求撤回" if transition.reason else None
                payload = app.form if transition.payload is not None else None
        else:
            event = EVENTS[(a * 7 + b) % len(EVENTS)]
        return engine.fire(
            app, event, actor=actor, at=at, holder=holder, idempotency_key=key,
            payload=payload, opinion=opinion, reason=reason,
            tips=("提示",) if c % 5 == 0 else (),
        )  # fmt: skip
    if kind < 8:
        rule = ["RES-001", "REV-004", "BI-002", "NOPE-1"][a % 4]
        return engine.attest(app, rule, actor=actor, at=at, holder=holder, idempotency_key=key)
    event = HOLDER_EVENTS[(a + c) % len(HOLDER_EVENTS)]
    return engine.fire_holder(holder, event, actor=actor, at=at, idempotency_key=key)


def test_the_refusals_were_counted() -> None:
    print(f"refusals property: {COUNTS['refused']} refused calls changed nothing; "
          f"{COUNTS['accepted']} accepted")  # fmt: skip
    assert COUNTS["refused"] > 0
