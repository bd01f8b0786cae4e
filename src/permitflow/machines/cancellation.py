"""Cancellation (注销, M§7): for a Beijing hukou, an employer gone to another province, retirement.

"申请人已取得北京市户口、工作单位转至外省市或已到达法定退休年龄的，应即时注销北京市工作居住证"
(M§7). Who files it online is not stated (catalogue §3.6, §12.6): the filing roles are the
factory's ``filers`` (default: the holder and the employer alike). The filing goes straight to
the authority's review; after a return a filer files again. Approval cancels the permit.

Only the party that filed it (the latest filing) may withdraw it; before it is filed, any filer
may discard the draft.

A cancellation stands outside the rule of one open application per holder (FLOW-001): it is due
at once (应即时注销), so it neither waits for another open application nor holds one back, and it
never takes the holder's open-application marker. Its approval ends the permit, which makes the
holder's other open application moot (``Outcome.moot`` names it; FLOW-102 lets ``close_moot``
end it).
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from permitflow.calendar import local_date
from permitflow.cancellation_due import cancellation_due
from permitflow.engine.definition import Change, MachineDefinition, State, Transition
from permitflow.engine.review import AWAITING_ACCEPTANCE, RETURNED, review_path
from permitflow.labels import both
from permitflow.machines.common import (
    DRAFT,
    business_machine,
    withdraw,
)
from permitflow.machines.permit import permit_step
from permitflow.machines.spec import BusinessTypeSpec, Procedure
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType, CancellationForm, CancellationTrigger
from permitflow.records.holder import PermitState
from permitflow.tags import Tag

FILING_GUARDS = frozenset({"can", "id", "rev", "flow"})
REVIEW_GUARDS = frozenset({"rev", "flow"})
DEFAULT_FILERS = frozenset({Role.APPLICANT, Role.EMPLOYER})
FILINGS = frozenset({"submit", "resubmit"})
"""The events whose actor is the filer, who alone may withdraw the cancellation."""


def _cancel(change: Change) -> Change:
    holder = permit_step(change.holder, "cancel", local_date(change.at))
    return attrs.evolve(change, holder=holder)


def cancellation_machine(
    levels: int, *, filers: Iterable[Role] = DEFAULT_FILERS
) -> MachineDefinition:
    """The cancellation machine for ``levels`` authority review levels, filed by ``filers``."""
    roles = frozenset(Role(role) for role in filers)
    path = review_path(levels, guards=REVIEW_GUARDS, on_approve=_cancel)
    return business_machine(
        BusinessType.CANCELLATION,
        (State(DRAFT, *both("state.draft.cancellation")), *path.states),
        (
            Transition(
                "submit", (DRAFT,), AWAITING_ACCEPTANCE, roles,
                *both("event.submit.cancellation"), guards=FILING_GUARDS, payload=CancellationForm,
                tags=frozenset({Tag.SUBMISSION}),
            ),
            Transition(
                "resubmit", (RETURNED,), AWAITING_ACCEPTANCE, roles,
                *both("event.resubmit.cancellation"), guards=FILING_GUARDS,
                payload=CancellationForm,
                tags=frozenset({Tag.RESUBMISSION}),
            ),
            withdraw((DRAFT, AWAITING_ACCEPTANCE, RETURNED), roles, by_filer=FILINGS),
            *path.transitions,
        ),
    )  # fmt: skip


SPEC = BusinessTypeSpec(
    BusinessType.CANCELLATION, cancellation_machine, CancellationForm, Procedure.DIRECT,
    sample_form=lambda day: CancellationForm(CancellationTrigger.RETIREMENT),
    # Due at once on a valid or a suspended permit alike (应即时注销, M§7; catalogue §3.6, I).
    permit_states={PermitState.VALID, PermitState.SUSPENDED},
    reasons=tuple(CancellationForm(trigger) for trigger in CancellationTrigger),
    due=cancellation_due,
    # The sample holder has not reached the retirement age: a template's cancellation is for
    # an employer gone to another province (工作单位转至外省市, M§7).
    template_form=CancellationForm(CancellationTrigger.EMPLOYER_LEFT_BEIJING),
    template_facts={"association": {"employer": {"in_beijing": False}}},
)  # fmt: skip
"""注销: filed straight to the authority on a valid permit (here for retirement), for one of the
reasons of M§7, due at once when one holds."""
