"""The permit itself (北京市工作居住证): its lifecycle and the expiry timer's event.

States (catalogue §3.4): none, valid, suspended (挂起), expired (过期) and cancelled (注销). The
last two end the permit: "一旦过期，无法恢复" (M§3 注意事项 3).

One permit ends for good; its holder need not. A holder whose permit ended files a new
application (新办) again, and its approval issues a *fresh* permit: the ended one moves, as it
ended, to the record's ``former_permits`` (``fresh_start``), so that no expired or cancelled
permit ever becomes valid again and the old one stays readable.

Only ``expire`` is the permit's own event: the portal's timer fires it once the expiry date has
passed without an approved renewal (FLOW-101). Every other change is the effect of another
machine — a new application's approval issues the permit, a renewal extends it, the employer's
dissociation suspends it (M§4.1), an employer change re-links it (to the new employer, or back
to its own employer after a dissociation made in error or a return, 返聘), a basic- or business-info
change amends it, a cancellation ends it (M§7). Those effects go through this definition
(``permit_step``), so the diagram is the whole truth; they are internal transitions, which no
actor can fire on their own.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs

from permitflow.engine.compiled import compile_definition
from permitflow.engine.definition import Change, MachineDefinition, State, Transition
from permitflow.errors import EventNotAllowed
from permitflow.labels import both, enum_both
from permitflow.machines.common import SYSTEM, param
from permitflow.records.holder import HolderRecord, Permit, PermitState
from permitflow.records.lifecycle import expiry_due as expiry_due
from permitflow.records.lifecycle import is_moot as is_moot
from permitflow.tags import Tag
from permitflow.views.sweep import TIMER as TIMER
from permitflow.views.sweep import SweepResult as SweepResult
from permitflow.views.sweep import TimerEvent as TimerEvent
from permitflow.views.sweep import sweep as sweep

NONE, VALID = PermitState.NONE.value, PermitState.VALID.value
SUSPENDED, EXPIRED = PermitState.SUSPENDED.value, PermitState.EXPIRED.value
CANCELLED = PermitState.CANCELLED.value

VALIDITY_YEARS_PARAMETER = "permit.validity_years"
DEFAULT_VALIDITY_YEARS = 3
"""How long a permit (or a renewal) runs: 3 years by secondary sources only (S3, S9; POL-007)."""


def _effect(event: str, sources: tuple[str, ...], dest: str) -> Transition:
    return Transition(
        event, sources, dest, frozenset(), *both(f"event.permit.{event}"), internal=True,
        tags=frozenset({Tag.PERMIT}),
    )


_NAME = both("machine.permit")
_ENDED = frozenset({PermitState.EXPIRED, PermitState.CANCELLED})

PERMIT = MachineDefinition(
    name="permit",
    label_zh=_NAME[0],
    label_en=_NAME[1],
    states=tuple(
        State(state.value, *enum_both(state), terminal=state in _ENDED) for state in PermitState
    ),
    initial=NONE,
    transitions=(
        _effect("issue", (NONE,), VALID),
        _effect("extend", (VALID,), VALID),
        _effect("amend", (VALID,), VALID),
        _effect("amend", (SUSPENDED,), SUSPENDED),
        _effect("suspend", (VALID,), SUSPENDED),
        _effect("relink", (SUSPENDED,), VALID),
        _effect("cancel", (VALID, SUSPENDED), CANCELLED),
        Transition(
            "expire", (VALID, SUSPENDED), EXPIRED, SYSTEM, *both("event.permit.expire"),
            guards=frozenset({"flow"}), tags=frozenset({Tag.TIMER}),
        ),
    ),
    state_path=("permit", "state"),
)  # fmt: skip


_PERMIT_STEPS = compile_definition(PERMIT).table


EMPLOYER_STEPS = frozenset({"issue", "extend", "relink"})
"""The steps that set the permit's employer (``employer_set_on``): the approval of a new
application, a renewal or an employer change."""


def permit_step(holder: HolderRecord, event: str, day: date, **fields: Any) -> HolderRecord:
    """The holder with ``event`` applied to its permit (state, ``changed_on`` and ``fields``;
    ``employer_set_on`` too for the [`EMPLOYER_STEPS`][permitflow.machines.permit.EMPLOYER_STEPS]).

    Refuses, naming the permit's state, when the permit's lifecycle has no such step from there
    (e.g. a renewal approved on a suspended permit).
    """
    state = holder.permit.state.value
    transition = _PERMIT_STEPS.get((state, event))
    if transition is None:
        raise EventNotAllowed("permit", machine=PERMIT.name, event=event, state=state)
    if event in EMPLOYER_STEPS:
        fields["employer_set_on"] = day
    permit = attrs.evolve(holder.permit, state=transition.dest, changed_on=day, **fields)
    return attrs.evolve(holder, permit=permit)


def fresh_start(holder: HolderRecord, day: date) -> HolderRecord:
    """The holder ready for a permit to be issued on ``day``: an ended permit moves, as it
    ended, to ``former_permits`` and the current one starts again from ``none``; otherwise
    unchanged. A permit past its expiry date that the timer has not expired yet ended all the
    same: it is kept as expired the day after its expiry date."""
    ended = holder.permit
    if expiry_due(ended, day):
        assert ended.expires_on is not None  # expiry_due reads it
        ended = attrs.evolve(
            ended, state=PermitState.EXPIRED, changed_on=ended.expires_on + timedelta(days=1)
        )
    if not ended.is_terminal:
        return holder
    return attrs.evolve(holder, permit=Permit(), former_permits=(*holder.former_permits, ended))


def validity_years(change: Change) -> int:
    """The validity period in force: the rule set's ``permit.validity_years`` or the default."""
    return int(param(change, VALIDITY_YEARS_PARAMETER, DEFAULT_VALIDITY_YEARS))
