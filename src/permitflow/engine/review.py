"""Multi-level authority review (主管部门多级逐一审核, M§2.4), generated for any number of levels.

The number of levels is rule-set data (``review.authority_levels``): a district with two levels
and one with four share the same code. Level 1 accepts (受理) and then reviews; each level passes
to the next, the last passes to approval; any level returns with a binding opinion and optional
non-binding tips (温馨提示).

Any level may also suspend its review (中止审核) with a stated reason and resume it (恢复审核)
with another; each level has its own suspended state, which carries the level as data, so
``resume`` returns to the level the review was suspended at. The prescribed review period stops
while a review is suspended (stop-the-clock: ``permitflow.deadlines.review_due``). Neither is
in the manual; they follow the catalogue's review procedure (§3.5, inferred).
"""

from __future__ import annotations

from attrs import frozen

from permitflow.engine.definition import Effect, State, Transition
from permitflow.errors import DefinitionError
from permitflow.records.actors import Role

AWAITING_ACCEPTANCE = "awaiting_acceptance"
APPROVED = "approved"
RETURNED = "returned"
SUSPEND = "suspend"
RESUME = "resume"
AUTHORITY = frozenset({Role.AUTHORITY})


def review_state(level: int) -> str:
    return f"authority_review_{level}"


def suspended_state(level: int) -> str:
    return f"authority_suspended_{level}"


@frozen
class ReviewPath:
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]


def review_path(
    levels: int,
    *,
    guards: frozenset[str] = frozenset(),
    on_approve: Effect | None = None,
    on_return: Effect | None = None,
) -> ReviewPath:
    """States and transitions from ``awaiting_acceptance`` to ``approved`` or ``returned``.

    ``approved`` is terminal; ``returned`` is not (the machine using the path says who
    resubmits from there). Every review level has its suspended state.
    """
    if levels < 1:
        raise DefinitionError("review_levels", levels=levels)
    states = [
        State(AWAITING_ACCEPTANCE, "等待主管部门受理", "Awaiting acceptance by the authority",
              level=1),
        *(
            State(review_state(k), f"主管部门第{k}级审核", f"Authority review, level {k}",
                  level=k)
            for k in range(1, levels + 1)
        ),
        *(
            State(suspended_state(k), f"主管部门第{k}级中止审核",
                  f"Authority review suspended, level {k}", level=k)
            for k in range(1, levels + 1)
        ),
        State(APPROVED, "审核通过（办结），可打印确认单", "Approved; confirmation slip printable",
              terminal=True),
        State(RETURNED, "不通过（退回修改）", "Returned with an opinion"),
    ]  # fmt: skip
    transitions = [
        Transition(
            "accept", (AWAITING_ACCEPTANCE,), review_state(1), AUTHORITY,
            "受理", "Accept", guards=guards, level=1,
        ),
        Transition(
            "return", (AWAITING_ACCEPTANCE,), RETURNED, AUTHORITY,
            "退回（不通过）", "Return with an opinion", level=1, opinion=True, effect=on_return,
        ),
    ]  # fmt: skip
    for k in range(1, levels + 1):
        last = k == levels
        transitions.append(
            Transition(
                "pass", (review_state(k),), APPROVED if last else review_state(k + 1), AUTHORITY,
                f"第{k}级审核通过", f"Pass review level {k}", guards=guards, level=k,
                effect=on_approve if last else None,
            )
        )  # fmt: skip
        transitions.append(
            Transition(
                "return", (review_state(k),), RETURNED, AUTHORITY,
                f"第{k}级审核退回", f"Return at review level {k}", level=k, opinion=True,
                effect=on_return,
            )
        )  # fmt: skip
        transitions.append(
            Transition(
                SUSPEND, (review_state(k),), suspended_state(k), AUTHORITY,
                f"第{k}级中止审核", f"Suspend the review at level {k}", level=k, reason=True,
            )
        )  # fmt: skip
        transitions.append(
            Transition(
                RESUME, (suspended_state(k),), review_state(k), AUTHORITY,
                f"第{k}级恢复审核", f"Resume the review at level {k}", level=k, reason=True,
            )
        )  # fmt: skip
    return ReviewPath(tuple(states), tuple(transitions))
