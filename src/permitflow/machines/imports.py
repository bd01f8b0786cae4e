"""The facts a portal imports into the holder's record (导入信息), as events like any other.

The rules read facts the holder does not type in: the months of taxable income and social
insurance, the labour contract, the content of the residence proof, the employer's handling
permission and whether it moved out of Beijing. A portal brings them in from the records that
hold them through these events — ``record_payments``, ``record_contract``,
``record_residence_proof``, ``record_employer_flags`` — fired by the system, so that every change
is one audit entry with a new version and an idempotency key, like every other holder event.
The machine has one state and no field of its own.
"""

from __future__ import annotations

import attrs

from permitflow.engine.definition import Change, Effect, MachineDefinition, State, Transition
from permitflow.errors import InvalidInput
from permitflow.labels import both
from permitflow.machines.common import SYSTEM
from permitflow.records.holder import (
    EmployerFlags,
    LabourContract,
    PaymentsImport,
    ResidenceProof,
)
from permitflow.tags import Tag

RECORDED = "recorded"


def _payments(change: Change) -> Change:
    imported: PaymentsImport = change.payload
    employment = attrs.evolve(
        change.holder.employment,
        income=imported.income,
        insurance=imported.insurance,
        third_party_payroll=imported.third_party_payroll,
    )
    return attrs.evolve(change, holder=attrs.evolve(change.holder, employment=employment))


def _contract(change: Change) -> Change:
    employment = attrs.evolve(change.holder.employment, contract=change.payload)
    return attrs.evolve(change, holder=attrs.evolve(change.holder, employment=employment))


def _residence(change: Change) -> Change:
    return attrs.evolve(change, holder=attrs.evolve(change.holder, residence=change.payload))


def _employer_flags(change: Change) -> Change:
    flags: EmployerFlags = change.payload
    association = change.holder.association
    employer = association.employer
    if employer is None or employer.credit_code != flags.credit_code:
        raise InvalidInput("other_employer", field="credit_code", value=flags.credit_code)
    updated = attrs.evolve(
        employer,
        handling_permission=flags.handling_permission,
        in_beijing=flags.in_beijing,
        moved_out_on=flags.moved_out_on,
    )
    association = attrs.evolve(association, employer=updated)
    return attrs.evolve(change, holder=attrs.evolve(change.holder, association=association))


def _import(event: str, payload: type, effect: Effect) -> Transition:
    return Transition(
        event, (RECORDED,), RECORDED, SYSTEM, *both(f"event.imports.{event}"), payload=payload,
        payload_required=True, effect=effect, tags=frozenset({Tag.IMPORT}),
    )  # fmt: skip


_NAME = both("machine.imports")

IMPORTS = MachineDefinition(
    name="imports",
    label_zh=_NAME[0],
    label_en=_NAME[1],
    states=(State(RECORDED, *both("state.imports.recorded")),),
    initial=RECORDED,
    transitions=(
        _import("record_payments", PaymentsImport, _payments),
        _import("record_contract", LabourContract, _contract),
        _import("record_residence_proof", ResidenceProof, _residence),
        _import("record_employer_flags", EmployerFlags, _employer_flags),
    ),
    state_path=(),
    cyclic=True,
)  # fmt: skip
