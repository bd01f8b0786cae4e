"""Multi-level authority review (主管部门多级逐一审核, M§2.4), generated for any number of levels.

The number of levels is rule-set data (``review.authority_levels``, or a business type's own:
``permitflow.rules.ruleset.review_levels_of``): a district with two levels and one with four
share the same code. Level 1 accepts (受理) and then reviews; each level passes
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

from permitflow.engine.definition import Effect, Ending, State, Transition
from permitflow.errors import DefinitionError
from permitflow.labels import both
from permitflow.records.actors import Role
from permitflow.tags import Tag

AWAITING_ACCEPTANCE = "awaiting_acceptance"
APPROVED = "approved"
RETURNED = "returned"
SUSPEND = "suspend"
RESUME = "resume"
AUTHORITY = frozenset({Role.AUTHORITY})
_RETURN = frozenset({Tag.AUTHORITY_RETURN})


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
        State(AWAITING_ACCEPTANCE, *both("state.awaiting_acceptance"), level=1),
        *(
            State(review_state(k), *both("state.authority_review", level=k), level=k)
            for k in range(1, levels + 1)
        ),
        *(
            State(suspended_state(k), *both("state.authority_suspended", level=k), level=k)
            for k in range(1, levels + 1)
        ),
        State(APPROVED, *both("state.approved"), terminal=True, ending=Ending.APPROVED),
        State(RETURNED, *both("state.returned")),
    ]  # fmt: skip
    transitions = [
        Transition(
            "accept", (AWAITING_ACCEPTANCE,), review_state(1), AUTHORITY,
            *both("event.accept"), guards=guards, level=1,
            tags=frozenset({Tag.AUTHORITY_ACCEPTANCE}),
        ),
        Transition(
            "return", (AWAITING_ACCEPTANCE,), RETURNED, AUTHORITY,
            *both("event.return"), level=1, opinion=True, effect=on_return, tags=_RETURN,
        ),
    ]  # fmt: skip
    for k in range(1, levels + 1):
        last = k == levels
        transitions.append(
            Transition(
                "pass", (review_state(k),), APPROVED if last else review_state(k + 1), AUTHORITY,
                *both("event.pass", level=k), guards=guards, level=k,
                effect=on_approve if last else None, tags=frozenset({Tag.AUTHORITY_PASS}),
            )
        )  # fmt: skip
        transitions.append(
            Transition(
                "return", (review_state(k),), RETURNED, AUTHORITY,
                *both("event.return.at_level", level=k), level=k, opinion=True,
                effect=on_return, tags=_RETURN,
            )
        )  # fmt: skip
        transitions.append(
            Transition(
                SUSPEND, (review_state(k),), suspended_state(k), AUTHORITY,
                *both("event.suspend", level=k), level=k, reason=True,
                tags=frozenset({Tag.SUSPENSION}),
            )
        )  # fmt: skip
        transitions.append(
            Transition(
                RESUME, (suspended_state(k),), review_state(k), AUTHORITY,
                *both("event.resume", level=k), level=k, reason=True,
                tags=frozenset({Tag.RESUMPTION}),
            )
        )  # fmt: skip
    return ReviewPath(tuple(states), tuple(transitions))
