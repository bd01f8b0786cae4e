"""The engine against a dumb table-driven oracle, one random step at a time."""

from __future__ import annotations

import json
from datetime import timedelta

from engine_sample import EMPLOYER_ID, HOLDER_ID, OTHER_EMPLOYER_ID, T0, make_engine
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from permitflow.engine.snapshot import to_dict
from permitflow.errors import InvalidInput, ProcedureError
from permitflow.records.actors import Actor
from permitflow.records.holder import GeneralInfo, HolderRecord, Hukou, HukouKind, Profile

LEVELS = 3

# (state, event) -> (destination, who may fire it); written out by hand, not derived.
ORACLE: dict[tuple[str, str], tuple[str, str]] = {
    ("draft", "submit"): ("employer_review", "applicant"),
    ("employer_review", "employer_approve"): ("awaiting_acceptance", "employer"),
    ("employer_review", "employer_return"): ("employer_returned", "employer"),
    ("employer_returned", "resubmit"): ("employer_review", "applicant"),
    ("returned", "resubmit"): ("employer_review", "applicant"),
    ("awaiting_acceptance", "accept"): ("authority_review_1", "L1"),
    ("awaiting_acceptance", "return"): ("returned", "L1"),
    ("authority_review_1", "pass"): ("authority_review_2", "L1"),
    ("authority_review_2", "pass"): ("authority_review_3", "L2"),
    ("authority_review_3", "pass"): ("approved", "L3"),
    ("authority_review_1", "return"): ("returned", "L1"),
    ("authority_review_2", "return"): ("returned", "L2"),
    ("authority_review_3", "return"): ("returned", "L3"),
}
ALL_STATES = {s for s, _ in ORACLE} | {d for d, _ in ORACLE.values()}
EVENTS = sorted({e for _, e in ORACLE} | {"teleport"})
ACTORS = {
    "applicant": Actor.applicant(HOLDER_ID),
    "stranger": Actor.applicant("110101199003071234"),
    "employer": Actor.employer(EMPLOYER_ID),
    "other_employer": Actor.employer(OTHER_EMPLOYER_ID),
    "L1": Actor.authority(1),
    "L2": Actor.authority(2),
    "L3": Actor.authority(3),
    "system": Actor.system(),
}
OPINIONATED = {"employer_return", "return"}


class EngineAgainstOracle(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.engine = make_engine(LEVELS)
        general = GeneralInfo("张三", HOLDER_ID, "1", Hukou(HukouKind.FAMILY, "13"), "北京市海淀区")
        self.holder = HolderRecord(HOLDER_ID, profile=Profile(general=general))
        self.app = self.engine.start(
            "new", holder=self.holder, application_id="A", at=T0, employer_id=EMPLOYER_ID
        )
        self.clock = T0
        self.keys: dict[str, str] = {}

    @rule(
        event=st.sampled_from(EVENTS),
        who=st.sampled_from(sorted(ACTORS)),
        with_opinion=st.booleans(),
        key=st.none() | st.sampled_from(["k1", "k2", "k3"]),
    )
    def fire(self, event: str, who: str, with_opinion: bool, key: str | None) -> None:
        self.clock += timedelta(hours=1)
        before_app, before_holder = self.app, self.holder
        expected = ORACLE.get((self.app.state, event))
        replay = key is not None and key in self.keys
        accepted = (
            not replay
            and expected is not None
            and expected[1] == who
            and with_opinion == (event in OPINIONATED)
        )
        try:
            out = self.engine.fire(
                self.app, event, actor=ACTORS[who], at=self.clock, holder=self.holder,
                opinion="意见" if with_opinion else None, idempotency_key=key,
                expected_version=self.app.version,
            )  # fmt: skip
        except (ProcedureError, InvalidInput):
            assert not accepted
            assert (self.app, self.holder) == (before_app, before_holder)
            return
        if out.replayed:
            assert replay
            assert key is not None
            assert self.keys[key] == event
            assert out.application == before_app
            return
        assert accepted, (self.app.state, event, who, with_opinion)
        assert expected is not None
        assert out.application.state == expected[0]
        assert out.application.version == before_app.version + 1
        assert out.application.history[:-1] == before_app.history
        self.app, self.holder = out.application, out.holder
        if key is not None:
            self.keys[key] = event

    @rule(choice=st.integers(min_value=0, max_value=10))
    def fire_a_right_event(self, choice: int) -> None:
        """Moves the application along so that deep states are visited too."""
        options = sorted(e for (s, e) in ORACLE if s == self.app.state)
        if options:
            event = options[choice % len(options)]
            who = ORACLE[(self.app.state, event)][1]
            self.fire(event=event, who=who, with_opinion=event in OPINIONATED, key=None)

    @invariant()
    def state_is_declared(self) -> None:
        assert self.app.state in ALL_STATES | {"draft"}

    @invariant()
    def version_counts_the_history(self) -> None:
        assert self.app.version == len(self.app.history)

    @invariant()
    def snapshots_round_trip(self) -> None:
        for snapshot in (self.app, self.holder):
            loaded = self.engine.load(
                json.loads(json.dumps(to_dict(snapshot))), review_levels=LEVELS
            )
            assert loaded == snapshot


EngineAgainstOracle.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None
)
TestEngineAgainstOracle = EngineAgainstOracle.TestCase
