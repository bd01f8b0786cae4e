"""The permit itself (北京市工作居住证): its lifecycle, the expiry timer and the sweep.

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

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from permitflow.engine.checks import check_at
from permitflow.engine.compiled import compile_definition
from permitflow.engine.definition import Change, MachineDefinition, State, Transition
from permitflow.errors import EventNotAllowed
from permitflow.labels import both, enum_both
from permitflow.machines.common import CLOSED, SYSTEM, param
from permitflow.records.actors import Actor
from permitflow.records.application import Application, BusinessType
from permitflow.records.holder import HolderRecord, Permit, PermitState
from permitflow.rules.rule import local_date

if TYPE_CHECKING:
    from permitflow.engine.engine import Engine

NONE, VALID = PermitState.NONE.value, PermitState.VALID.value
SUSPENDED, EXPIRED = PermitState.SUSPENDED.value, PermitState.EXPIRED.value
CANCELLED = PermitState.CANCELLED.value

VALIDITY_YEARS_PARAMETER = "permit.validity_years"
DEFAULT_VALIDITY_YEARS = 3
"""How long a permit (or a renewal) runs: 3 years by secondary sources only (S3, S9; POL-007)."""


def _effect(event: str, sources: tuple[str, ...], dest: str) -> Transition:
    return Transition(
        event, sources, dest, frozenset(), *both(f"event.permit.{event}"), internal=True
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
            guards=frozenset({"flow"}),
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


def expiry_due(permit: Permit, on: date) -> bool:
    """The permit is still live but its expiry date has passed (it is valid through that day)."""
    return (
        permit.state in (PermitState.VALID, PermitState.SUSPENDED)
        and permit.expires_on is not None
        and on > permit.expires_on
    )


def is_moot(holder: HolderRecord, business_type: BusinessType, day: date) -> bool:
    """An application of ``business_type`` can no longer lead anywhere on ``day``: the permit it
    concerns has ended — expired or cancelled, or past its expiry date before the timer marks
    it so (一旦过期，无法恢复). A new application concerns the permit it would issue, so an ended
    one does not make it moot (it is how a former holder applies again)."""
    permit = holder.permit
    return business_type is not BusinessType.NEW and (
        permit.is_terminal or expiry_due(permit, day)
    )


# --- timers ------------------------------------------------------------------------------------


@frozen
class TimerEvent:
    """One event the sweep fired."""

    subject: str
    """``"holder"`` or the id of the application."""
    event: str
    """The timer's event, e.g. ``expire``."""
    from_state: str
    """The state before."""
    to_state: str
    """The state after."""


@frozen
class SweepResult:
    """What a timer sweep did to one holder: the record after it and the events it fired."""

    holder: HolderRecord
    """The holder's record after the sweep."""
    applications: tuple[Application, ...]
    """The applications handed in, in the same order, each as it stands after the sweep."""
    events: tuple[TimerEvent, ...]
    """The timer events fired, in order."""


TIMER = Actor.system("timer")


def sweep(
    engine: Engine,
    holder: HolderRecord,
    applications: Iterable[Application],
    at: datetime,
    *,
    actor: Actor = TIMER,
) -> SweepResult:
    """Fire the timers due at ``at``: expire the permit, then close its moot applications.

    A portal runs this daily (and before showing a holder's status). A renewal or an employer
    change still open when the expiry date passes does not keep the permit alive (M§3 注意事项
    3, M§4 注意事项 4): the permit expires and the application is closed as moot, which frees
    the holder to apply anew (新办).
    """
    check_at(at)
    events: list[TimerEvent] = []
    if expiry_due(holder.permit, local_date(at)):
        before = holder.permit.state.value
        holder = engine.fire_holder(holder, "expire", actor=actor, at=at).holder
        events.append(TimerEvent("holder", "expire", before, holder.permit.state.value))
    swept: list[Application] = []
    for application in applications:
        if is_moot(holder, application.business_type, local_date(at)) and any(
            option.allowed and option.event == "close_moot"
            for option in engine.allowed_events(application, actor, at, holder=holder)
        ):
            outcome = engine.fire(application, "close_moot", actor=actor, at=at, holder=holder)
            assert outcome.application is not None  # fire always returns the application
            events.append(TimerEvent(application.id, "close_moot", application.state, CLOSED))
            holder, application = outcome.holder, outcome.application
        swept.append(application)
    return SweepResult(holder, tuple(swept), tuple(events))
