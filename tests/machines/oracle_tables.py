"""The oracle tables the business machines are checked against, written out by hand.

Each table maps (state, event) to (destination, who may fire it), for two review levels. The
three applicant-initiated business types share one procedure (M§2.4, M§5.5, M§6.4) and the two
employer-initiated ones another (M§3.2, M§4.3), so they share a table.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from permitflow.engine.engine import Engine
from permitflow.records.application import BusinessType
from permitflow.testing import oracle_machine

Who = frozenset[str]
Table = dict[tuple[str, str], tuple[str, Who]]

A, E, S = frozenset({"applicant"}), frozenset({"employer"}), frozenset({"system"})
L1, L2 = frozenset({"authority:1"}), frozenset({"authority:2"})
REVIEW: Table = {
    ("awaiting_acceptance", "accept"): ("authority_review_1", L1),
    ("awaiting_acceptance", "return"): ("returned", L1),
    ("authority_review_1", "pass"): ("authority_review_2", L1),
    ("authority_review_1", "return"): ("returned", L1),
    ("authority_review_2", "pass"): ("approved", L2),
    ("authority_review_2", "return"): ("returned", L2),
    ("authority_review_1", "suspend"): ("authority_suspended_1", L1),
    ("authority_suspended_1", "resume"): ("authority_review_1", L1),
    ("authority_review_2", "suspend"): ("authority_suspended_2", L2),
    ("authority_suspended_2", "resume"): ("authority_review_2", L2),
}
REVIEW_OPEN = (
    "awaiting_acceptance", "authority_review_1", "authority_review_2", "authority_suspended_1",
    "authority_suspended_2", "returned",
)  # fmt: skip


def _closing(*open_states: str) -> Table:
    return {(state, "close_moot"): ("closed", S) for state in (*open_states, *REVIEW_OPEN)}




def _withdrawing(who: Who, *states: str) -> Table:
    return {(state, "withdraw"): ("withdrawn", who) for state in states}


APPLICANT_INITIATED: Table = {
    ("draft", "submit"): ("employer_review", A),
    ("employer_review", "employer_approve"): ("awaiting_acceptance", E),
    ("employer_review", "employer_return"): ("employer_returned", E),
    ("employer_returned", "resubmit"): ("employer_review", A),
    ("returned", "resubmit"): ("employer_review", A),
    **REVIEW,
    **_closing("draft", "employer_review", "employer_returned"),
    **_withdrawing(
        A, "draft", "employer_review", "employer_returned", "awaiting_acceptance", "returned"
    ),
}
EMPLOYER_INITIATED: Table = {
    ("draft", "prepare"): ("ready", A),
    ("ready", "initiate"): ("awaiting_acceptance", E),
    ("returned", "notify_fixed"): ("fixed", A),
    ("fixed", "reinitiate"): ("awaiting_acceptance", E),
    **REVIEW,
    **_closing("draft", "ready", "fixed"),
    **_withdrawing(A | E, "draft", "ready"),
    **_withdrawing(E, "awaiting_acceptance", "returned", "fixed"),
}
APPLICANT_OR_EMPLOYER = A | E
FILER = frozenset({"filer"})
"""Of the roles listed with it, only the party of the latest filing, once filed."""
CANCELLATION: Table = {
    ("draft", "submit"): ("awaiting_acceptance", APPLICANT_OR_EMPLOYER),
    ("returned", "resubmit"): ("awaiting_acceptance", APPLICANT_OR_EMPLOYER),
    **REVIEW,
    **_closing("draft"),
    **_withdrawing(APPLICANT_OR_EMPLOYER | FILER, "draft", "awaiting_acceptance", "returned"),
}


def agrees_with(
    kind: BusinessType, table: Table, *, engine: Engine | None = None, examples: int = 60
) -> None:
    """Random events from random actors, each compared with the table."""
    run_state_machine_as_test(
        oracle_machine(kind, table, engine=engine),
        settings=settings(
            max_examples=examples, stateful_step_count=30, deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )  # fmt: skip


def covers(engine: Engine, kind: BusinessType, table: Table) -> None:
    """The table lists exactly the transitions of the definition, no more, no fewer."""
    definition = engine.definition(kind, 2)
    declared = {(source, t.event): t.dest for t in definition.transitions for source in t.sources}
    assert declared == {key: dest for key, (dest, _who) in table.items()}
