"""Case templates: the documented default a case file takes what it does not state from.

A case file may state only what matters. Its holder is laid over the sample record of
[`permitflow.samples.holder_for`][permitflow.samples.holder_for] for the case's business type at the
case's moment
(objects merge key by key, a list or a value replaces the default's); its application may be
given by ``business_type`` and ``state`` alone, and is then taken there from a draft along the
shortest path of the machine, by the actors the machine names, without judging the rules on
the way. ``permitflow case new TYPE [--state STATE]`` writes such a case
([`new_case`][permitflow.templates.new_case]).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from permitflow.engine.definition import MachineDefinition, Transition
from permitflow.engine.engine import Engine
from permitflow.engine.snapshot import to_dict, unstructure
from permitflow.errors import Expected, InvalidInput
from permitflow.labels import label, state_label
from permitflow.machines.spec import business_type_spec
from permitflow.messages import Language
from permitflow.records.actors import Actor, Role
from permitflow.records.application import (
    Application,
    BusinessType,
    Form,
)
from permitflow.records.holder import HolderRecord
from permitflow.samples import AT, default_form, holder_for

__all__ = ["default_holder", "merged", "new_case", "path_to", "reach", "template_form"]

_OPINION = "请按审核意见修改后重新提交。"
"""The opinion a template gives where the machine asks the reviewer or employer for one."""
_REASON = "按案例模板办理。"
"""The reason a template states where the event needs one (withdraw, suspend, resume)."""


def default_holder(business_type: BusinessType | str, at: datetime) -> dict[str, Any]:
    """The sample holder of ``business_type`` at ``at``, as a case file writes a holder."""
    return to_dict(holder_for(business_type, at=at))


def merged(default: Any, overlay: Any) -> Any:
    """``overlay`` laid over ``default``: objects merge key by key, anything else replaces."""
    if isinstance(default, Mapping) and isinstance(overlay, Mapping):
        return {
            **default,
            **{key: merged(default.get(key), value) for key, value in overlay.items()},
        }
    return overlay


def template_form(business_type: BusinessType | str) -> Form:
    """The form a template files: its spec's template form where the sample form rests on a
    fact the sample holder lacks (a cancellation is for an employer that left Beijing), else
    the sample form."""
    spec = business_type_spec(business_type)
    return spec.template_form or default_form(spec.business_type)


def path_to(definition: MachineDefinition, state: str) -> tuple[Transition, ...]:
    """The shortest run of transitions from the initial state to ``state``.

    Raises [`InvalidInput`][permitflow.errors.InvalidInput] naming the machine's states when
    ``state``
    is not one of them.
    """
    names = [s.name for s in definition.states]
    if state not in names:
        raise InvalidInput(
            "no_state", field="state", value=state, machine=definition.name,
            expected=Expected("one_of", tuple(names), machine=definition.name),
        )  # fmt: skip
    paths: dict[str, tuple[Transition, ...]] = {definition.initial: ()}
    queue = deque([definition.initial])
    while queue and state not in paths:
        here = queue.popleft()
        for transition in definition.transitions:
            if here in transition.sources and transition.dest not in paths:
                paths[transition.dest] = (*paths[here], transition)
                queue.append(transition.dest)
    return paths[state]  # every state is reachable: definitions are checked when built


def _actor(transition: Transition, application: Application) -> Actor:
    for role in (Role.APPLICANT, Role.EMPLOYER, Role.AUTHORITY, Role.SYSTEM):
        if role in transition.roles:
            break
    if role is Role.APPLICANT:
        return Actor.applicant(application.holder_id)
    if role is Role.EMPLOYER:
        return Actor.employer(application.employer_id)
    if role is Role.AUTHORITY:
        level = transition.level or 1
        return Actor.authority(level, f"reviewer-{level}")
    return Actor.system("template")


def _payload(transition: Transition, application: Application) -> Any:
    """The application's form where the event takes it, else the event's empty payload."""
    if transition.payload is None:
        return None
    if isinstance(application.form, transition.payload):
        return application.form
    return transition.payload() if transition.payload_required else None


def reach(
    engine: Engine, application: Application, holder: HolderRecord, state: str, at: datetime
) -> tuple[Application, HolderRecord]:
    """``application`` (a draft) and its ``holder`` taken to ``state``, one minute a step,
    the last step a minute before ``at``. The engine's rules are not judged on the way."""
    steps = path_to(engine.definition_for(application, at), state)
    walker = Engine(engine.ruleset_for(application, at), rules=False)
    if steps:  # the draft is created when its first step is taken, not after it
        application = attrs.evolve(application, created_at=at - timedelta(minutes=len(steps)))
    for number, transition in enumerate(steps):
        outcome = walker.fire(
            application,
            transition.event,
            actor=_actor(transition, application),
            at=at - timedelta(minutes=len(steps) - number),
            holder=holder,
            payload=_payload(transition, application),
            opinion=_OPINION if transition.opinion else None,
            reason=_REASON if transition.reason else None,
        )
        application, holder = outcome.application, outcome.holder
    return application, holder


def _title(kind: BusinessType, definition: MachineDefinition, state: str, lang: Language) -> str:
    business, where = label(kind, lang), state_label(definition, state, lang)
    if lang == "zh":
        return f"按默认记录生成的{business}业务，状态：{where}"
    return f"{business} from the default record, in the state “{where}”"


def new_case(
    business_type: BusinessType | str,
    *,
    state: str | None = None,
    at: datetime = AT,
    lang: Language = "zh",
) -> dict[str, Any]:
    """A minimal valid case file of ``business_type`` in ``state`` (default: the draft).

    It states the moment, the business type, the state, the form, and the holder facts a
    person most often changes (the resident id in its two places, the name, the permit's
    expiry); everything else comes from the documented default record. Its name says so in
    ``lang``, with the business and the state by their labels.
    """
    kind = BusinessType(business_type)
    engine = Engine(rules=False)
    holder = holder_for(kind, at=at)
    draft = engine.start(
        kind, holder=holder, application_id="template", at=at, form=template_form(kind)
    )
    definition = engine.definition_for(draft, at)
    target = state or definition.initial
    path_to(definition, target)  # refuses an unknown state before anything is written
    general = holder.profile.general
    assert general is not None  # the sample profile is complete
    facts: dict[str, Any] = {
        "holder_id": holder.holder_id,
        "profile": {"general": {"name": general.name, "resident_id": general.resident_id}},
    }
    if holder.permit.expires_on is not None:
        facts["permit"] = {"expires_on": holder.permit.expires_on.isoformat()}
    facts = merged(facts, business_type_spec(kind).template_facts)
    form = unstructure(template_form(kind))
    return {
        "name": _title(kind, definition, target, lang),
        "at": at.isoformat(),
        "business_type": kind.value,
        **({} if target == definition.initial else {"state": target}),
        **({"form": form} if form else {}),
        "holder": facts,
    }
