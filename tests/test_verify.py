"""The exhaustive check finds a planted dead end with its path, and passes a sound rule set."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import attrs
import pytest

from permitflow.cli import main
from permitflow.engine.engine import Engine
from permitflow.messages import Catalogue
from permitflow.records.application import BusinessType
from permitflow.records.holder import AssociationState, MaritalStatus, Permit, PermitState
from permitflow.rules.facts import Plain
from permitflow.rules.finding import Citation, RuleKind, Severity
from permitflow.rules.rule import Rule, RuleContext, Verdict, failed, passed
from permitflow.tags import SUBMITTING
from permitflow.testing import rule_engine
from permitflow.verify import (
    _EXPIRY_NAMES,
    START,
    Check,
    Expiry,
    Explorer,
    Node,
    Refusal,
    Timing,
    _cancellation_reasons,
    _eligible,
    _settled,
    _world_steps,
    explore,
    initial_nodes,
    key,
)

NEW_ONLY = (BusinessType.NEW,)
COMPLETE_SUBSET = (BusinessType.NEW, BusinessType.EMPLOYER_CHANGE, BusinessType.CANCELLATION)
"""The businesses of the unit test's complete search (CI runs all of them)."""


def _marital(wanted: bool) -> Rule:
    """A rule on a new application's submission: the holder is (not) married."""

    def check(ctx: RuleContext) -> Iterable[Verdict[Plain]]:
        general = ctx.holder.profile.general
        married = general is not None and general.marital_status is MaritalStatus.MARRIED
        yield passed("marital_status") if married is wanted else failed("marital_status")

    word = "married" if wanted else "unmarried"
    rule_id = f"TEST-{word.upper()}"
    texts = {f"{rule_id}.title": (word, word), rule_id: (f"申请人须为{word}。", f"Must be {word}.")}
    return Rule(
        id=rule_id,
        kind=RuleKind.MACHINE,
        severity=Severity.ERROR,
        group="new",
        business_types=frozenset({BusinessType.NEW}),
        citation=Citation("test", "a planted rule"),
        texts=Catalogue.of("test", texts),
        check=check,
        tags=SUBMITTING,
    )


def test_a_contradictory_pair_of_rules_is_a_dead_end_with_its_path() -> None:
    engine = rule_engine([_marital(True), _marital(False)])

    report = explore(engine, business_types=NEW_ONLY, world=False)

    assert report.complete
    dead = [v for v in report.violations if v.check is Check.DEAD_END]
    assert dead, report.render()
    assert [move.actor for move in dead[0].path] == ["start"]
    assert "permit none" in dead[0].state
    text = report.render()
    assert "1. 死路：无路可达有效证件或合法结束：证件未持证" in text
    assert "1. 起点：聘用单位A有办理权限" in text
    english = report.render("en")
    assert "1. A dead end: no way to a valid permit or a lawful end: permit: No permit" in english
    assert "1. start: employer A has handling permission" in english
    for code in ("dead_end", "none", "complete;", "(holder)"):
        assert code not in text, code
        assert code not in english, code
    assert report.to_dict()["violations"][0]["check"] == "dead_end"


def test_one_of_the_pair_alone_lets_the_holder_reach_a_permit() -> None:
    report = explore(rule_engine([_marital(True)]), business_types=NEW_ONLY, world=False)

    assert report.complete
    assert report.transitions > report.configurations > 10
    stuck = [v for v in report.violations if v.check is Check.DEAD_END]
    assert all("permit none" not in v.state for v in stuck), report.render()


def test_a_bounded_search_on_haidian_says_what_it_explored() -> None:
    report = explore(max_configurations=150)

    assert not report.complete
    assert report.configurations == 150
    assert report.transitions >= 150
    text = report.render("en")
    assert "150 configurations" in text
    assert "stopped at the bound" in text
    assert "探查 150 个状态组合" in report.render("zh")
    data = report.to_dict()
    assert data["configurations"] == 150
    assert all(v["path"] for v in data["violations"])


@pytest.mark.parametrize(
    ("fmt", "lang", "said"),
    [
        ("text", "zh", "探查 20 个状态组合"),
        ("text", "en", "20 configurations"),
        ("json", "en", '"configurations": 20'),
    ],
)
def test_the_command_stops_with_2_at_its_bound(
    fmt: str, lang: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--max-configurations", "20", "--format", fmt, "--lang", lang]) == 2
    assert said in capsys.readouterr().out


DAY = date(2026, 3, 16)
"""The search's first day (a Monday)."""


@pytest.mark.parametrize(
    ("expires_on", "expiry"),
    [
        # Leaving on 2026-03-16, an employer change can be filed from 2026-04-16 (CHG-005).
        (date(2026, 5, 18), Expiry.FAR),  # latest submission day 2026-04-16: still in time
        (date(2026, 5, 17), Expiry.NEAR),  # latest submission day 2026-04-15: too late for it
        (date(2026, 4, 14), Expiry.NEAR),  # latest submission day 2026-03-16: a renewal today
        (date(2026, 4, 13), Expiry.LATE),  # latest submission day 2026-03-13 (REN-005, CHG-009)
        (date(2026, 3, 17), Expiry.LATE),
        (date(2026, 3, 16), Expiry.LATE),  # valid through its expiry day
        (date(2026, 3, 15), Expiry.PAST),
        (date(2032, 3, 16), Expiry.FAR),
        (None, None),
    ],
)
def test_the_expiry_is_classed_on_both_sides_of_each_rule_boundary(
    expires_on: date | None, expiry: Expiry | None
) -> None:
    assert Timing().expiry(expires_on, DAY) is expiry


def test_boundaries_whose_rules_only_warn_are_not_drawn() -> None:
    haidian = Timing.of(Engine())

    # REN-005, CHG-009 and CHG-005 warn on Haidian: no check tells far, near and late apart.
    assert (haidian.near, haidian.late) == (False, False)
    assert haidian.expiry(date(2026, 4, 13), DAY) is Expiry.FAR
    assert haidian.expiry(DAY, DAY) is Expiry.FAR  # valid through its expiry day
    assert haidian.expiry(date(2026, 3, 15), DAY) is Expiry.PAST
    assert Timing.of(rule_engine([_marital(True)])) == Timing()


def _with_permit(node: Node, expires_on: date) -> Node:
    permit = Permit(
        PermitState.VALID, number="HD1", permit_type="domestic",
        employer_credit_code=node.holder.association.employer.credit_code,  # type: ignore[union-attr]
        issued_on=DAY, expires_on=expires_on, changed_on=DAY,
    )  # fmt: skip
    return attrs.evolve(node, holder=attrs.evolve(node.holder, permit=permit))


def test_successive_permits_meet_in_one_configuration() -> None:
    _label, start = initial_nodes(timing=Timing())[0]
    issued = _with_permit(start, date(2029, 3, 16))

    assert key(_with_permit(start, date(2032, 3, 16))) == key(issued)
    assert key(_with_permit(start, date(2026, 5, 17))) != key(issued)
    assert key(_with_permit(start, DAY)) != key(_with_permit(start, date(2026, 3, 15)))


def test_a_configuration_beyond_the_horizon_is_left_out_and_said() -> None:
    # Permits valid for twenty years expire after the ten years the search keeps to.
    engine = rule_engine([_marital(True)], {"permit.validity_years": 20})

    report = explore(engine, business_types=NEW_ONLY, world=False)

    assert not report.complete
    assert report.beyond_horizon >= 1
    assert "beyond the horizon" in report.render("en")
    assert "stopped at the bound" not in report.render("en")


def test_a_reason_to_cancel_arises_on_a_quiet_live_permit_and_leaves_one_lawful_end() -> None:
    _label, start = initial_nodes()[0]
    holder = _with_permit(start, date(2029, 3, 16))
    moves = dict(_world_steps(holder))

    assert not _world_steps_named(start, "Beijing hukou")  # no permit: nothing to end
    assert _settled(Explorer(Engine()), holder)
    for name in (
        "the holder obtains a Beijing hukou",
        "employer A moves out of Beijing",
        "the holder reaches the statutory retirement age",
    ):
        due = moves[name]
        assert _cancellation_reasons(due), name
        assert _eligible(due), name
        assert not _settled(Explorer(Engine()), due), name
        assert not _world_steps_named(due, "Beijing hukou"), name  # one reason is enough
        ended = attrs.evolve(due, holder=attrs.evolve(due.holder, permit=Permit()))
        assert not _eligible(ended), name  # without a live permit: not to be issued one


def test_once_a_reason_to_cancel_holds_the_world_waits_but_for_the_calendar() -> None:
    _label, start = initial_nodes()[0]
    live = _with_permit(start, date(2029, 3, 16))
    moves = dict(_world_steps(live))
    assert {"documents older than a month", "the holder starts work at employer B"} <= set(moves)

    for name in ("the holder obtains a Beijing hukou",
                 "the holder reaches the statutory retirement age"):  # fmt: skip
        after = [then for then, _child in _world_steps(moves[name])]
        assert after, name  # the permit's expiry still comes
        assert set(after) <= _EXPIRY_NAMES, (name, after)
    moved_out = dict(_world_steps(moves["employer A moves out of Beijing"]))
    # A new job in Beijing ends that reason once the association with the employer that moved
    # ends (as the engine reads it): the world takes the job, and everything again after that.
    assert set(moved_out) - _EXPIRY_NAMES == {"the holder starts work at employer B"}
    joined = moved_out["the holder starts work at employer B"]
    assert _cancellation_reasons(joined) == ("moved out",)
    holder = joined.holder
    left = attrs.evolve(joined, holder=attrs.evolve(holder, association=attrs.evolve(
        holder.association, state=AssociationState.DISSOCIATED
    )))  # fmt: skip
    assert not _cancellation_reasons(left)
    assert "employer B pays a month of social insurance" in dict(_world_steps(left))


def test_once_a_reason_to_cancel_holds_only_the_cancellation_is_followed() -> None:
    _label, start = initial_nodes()[0]
    live = _with_permit(start, date(2029, 3, 16))
    explorer = Explorer(Engine())
    followed = {item[0].subject for item in explorer.steps(live)
                if not isinstance(item, Refusal) and START in item[0].codes}  # fmt: skip
    assert "business_change" in followed
    assert "cancellation" not in followed  # nothing to cancel it for
    assert ("business_change", START) in explorer.taken

    due = dict(_world_steps(live))["the holder obtains a Beijing hukou"]
    followed = {item[0].subject for item in explorer.steps(due)
                if not isinstance(item, Refusal) and START in item[0].codes}  # fmt: skip
    assert followed == {"cancellation"}
    # Still tried: the refusals' messages are checked against what someone may take there.
    assert ("business_change", START) in explorer.taken


def test_past_a_live_permits_expiry_the_world_waits_for_the_sweep() -> None:
    _label, start = initial_nodes()[0]
    on_the_day = _with_permit(start, DAY)  # valid through its expiry day
    past = _with_permit(start, date(2026, 3, 15))

    assert "the expiry day passes" in dict(_world_steps(on_the_day))
    assert list(_world_steps(past)) == []
    explorer = Explorer(Engine())
    swept = [item[1] for item in explorer.steps(past)
             if not isinstance(item, Refusal) and item[0].event == "sweep"]  # fmt: skip
    assert [node.holder.permit.state for node in swept] == [PermitState.EXPIRED]
    assert _world_steps(swept[0])  # the world goes on once the permit has expired


def _filed_cancellation(explorer: Explorer, node: Node) -> Node:
    """The configuration after the applicant files the cancellation for a Beijing hukou."""
    return next(
        item[1] for item in explorer.steps(node)
        if not isinstance(item, Refusal) and item[0].subject == "cancellation"
        and item[0].actor == "applicant" and "beijing_hukou" in item[0].event
    )  # fmt: skip


def test_beside_a_cancellation_in_flight_another_business_is_tried_not_followed() -> None:
    _label, start = initial_nodes()[0]
    live = _with_permit(start, date(2029, 3, 16))
    explorer = Explorer(Engine())
    due = dict(_world_steps(live))["the holder obtains a Beijing hukou"]
    filed = _filed_cancellation(explorer, due)
    # The reason gone (as a new job ends a move out of Beijing), the cancellation still in flight.
    general = attrs.evolve(live.holder.profile.general)
    quiet = attrs.evolve(filed, holder=attrs.evolve(
        filed.holder, profile=attrs.evolve(filed.holder.profile, general=general)
    ))  # fmt: skip
    assert not _cancellation_reasons(quiet)

    followed = {item[0].subject for item in explorer.steps(quiet)
                if not isinstance(item, Refusal)}  # fmt: skip
    assert followed <= {"cancellation", "holder"}
    assert "cancellation" in followed
    assert ("business_change", START) in explorer.taken  # tried: its start is open to someone


def test_a_cancellations_steps_before_its_approval_leave_the_holders_record() -> None:
    # What lets the search leave another business unfollowed beside a cancellation in flight.
    _label, start = initial_nodes()[0]
    explorer = Explorer(Engine())
    due = dict(_world_steps(_with_permit(start, date(2029, 3, 16))))[
        "the holder obtains a Beijing hukou"
    ]
    frontier, seen = [_filed_cancellation(explorer, due)], 0
    while frontier:
        node = frontier.pop()
        for item in explorer.steps(node):
            if isinstance(item, Refusal) or item[0].subject != "cancellation":
                continue
            move, child, _findings = item
            if child.holder.permit.state is PermitState.CANCELLED:
                continue
            assert child.holder == node.holder, move
            seen += 1
            if seen < 40:
                frontier.append(child)
    assert seen >= 10


def _world_steps_named(node: Node, part: str) -> list[str]:
    return [name for name, _child in _world_steps(node) if part in name]


def test_the_search_on_haidian_is_complete() -> None:
    # The data as they start (CI runs the search with the world's moves and every business).
    report = explore(business_types=COMPLETE_SUBSET, world=False)

    assert report.complete, report.render()
    assert report.transitions > report.configurations > 20
    assert not [v for v in report.violations if v.check is Check.DEAD_END], report.render()
