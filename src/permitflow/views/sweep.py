"""The timer sweep: expire the permits whose day has passed, then close what that left moot.

It drives an engine as a portal would, so it sits above the engine and the machines it runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from attrs import frozen

from permitflow.calendar import local_date
from permitflow.engine.checks import check_at
from permitflow.records.actors import Actor
from permitflow.records.application import Application
from permitflow.records.holder import HolderRecord
from permitflow.records.lifecycle import expiry_due, is_moot
from permitflow.tags import Tag

if TYPE_CHECKING:
    from permitflow.engine.engine import Engine


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
        closing = (
            _closing(engine, application, actor, at, holder)
            if is_moot(holder, application.business_type, local_date(at))
            else None
        )
        if closing is not None:
            outcome = engine.fire(application, closing, actor=actor, at=at, holder=holder)
            events.append(
                TimerEvent(application.id, closing, application.state, outcome.application.state)
            )
            holder, application = outcome.holder, outcome.application
        swept.append(application)
    return SweepResult(holder, tuple(swept), tuple(events))


def _closing(
    engine: Engine, application: Application, actor: Actor, at: datetime, holder: HolderRecord
) -> str | None:
    """The step closing a moot application that ``actor`` may take now, if any."""
    closing = engine.definition_for(application, at).events_tagged({Tag.CLOSING})
    return next(
        (
            option.event
            for option in engine.allowed_events(application, actor, at, holder=holder)
            if option.allowed and option.event in closing
        ),
        None,
    )
