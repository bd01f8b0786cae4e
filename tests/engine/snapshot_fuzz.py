"""A mutation fuzzer of the snapshot loader, and its oracle.

Seeds are real snapshots: an application of every business type in every state its machine
has (reached by firing real events), and the holder records those walks leave. Each input is a
seed with one mutation (a key deleted or added, a value of another type or another word of the
machines' vocabulary, a number or a moment moved, a list item doubled, dropped or swapped).
Every outcome is classified:

- ``refused``: :class:`InvalidSnapshot`;
- ``accepted``: a value whose ``to_dict`` is the input again (faithful) and, for an application,
  that a fresh engine reproduces by firing the history's events one by one (possible), and
  that the engine can work with (``allowed_events``, ``check``, ``progress``, ``holder_status``
  raise nothing but permitflow's own errors);
- anything else is a finding: ``other_exception``, ``unfaithful``, ``impossible``, ``crashed``.

Run the long version with ``python tests/engine/snapshot_fuzz.py --inputs 100000``.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import attrs

from permitflow import SCHEMA_VERSION, Engine, InvalidSnapshot, PermitflowError, from_dict, to_dict
from permitflow.machines import BUSINESS_MACHINES
from permitflow.machines.status import holder_status, progress
from permitflow.records.actors import Actor, Role
from permitflow.records.application import Application, BusinessType
from permitflow.records.audit import EntryKind
from permitflow.records.holder import HolderRecord
from permitflow.samples import AT, holder_for
from permitflow.templates import reach, template_form

SLOW_SECONDS = 0.1
"""The most one load may take, in CPU time of the loading thread (the loader alone: the oracle's
replay is not timed; a busy shared machine does not count). A load over it is timed once more
and the shorter time counts, so that a garbage collection is not reported as a slow input."""


@attrs.frozen
class Seed:
    data: dict[str, Any]
    holder: HolderRecord
    """The holder record the application started from (for the replay)."""


def seeds() -> list[Seed]:
    found = []
    for kind in BusinessType:
        engine = Engine(rules=False)
        holder = holder_for(kind, at=AT)
        draft = engine.start(kind, holder=holder, application_id="fuzz", at=AT,
                             form=template_form(kind))  # fmt: skip
        for state in engine.definition_for(draft, AT).states:
            application, after = reach(engine, draft, holder, state.name, AT)
            found.append(Seed(_json(to_dict(application)), holder))
            found.append(Seed(_json(to_dict(after)), holder))
    return found


def _json(data: Any) -> Any:
    return json.loads(json.dumps(data, ensure_ascii=False))


# --- mutations ------------------------------------------------------------------------------------


def _vocabulary() -> list[str]:
    words: set[str] = {role.value for role in Role}
    for factory in BUSINESS_MACHINES.values():
        definition = factory(2)
        words |= {state.name for state in definition.states}
        words |= {t.event for t in definition.transitions}
    return sorted(words | {"authority_review_100000", "authority_review_²", "attest:RES-001",
                            "attest", "attestation", "event", "RES-001"})


VOCABULARY = _vocabulary()
ODD: list[Any] = [
    [], {}, "", "ab", 0, 1, -1, True, False, None, 1.5, 2**70, {"t": 1}, [1], ["x"],
    "x" * 30_000, "2026-03-16T10:00:00", "9999-12-31T23:59:00+08:00",
    "0001-01-01T00:00:00+08:00", "2026-13-01",
]  # fmt: skip


def _places(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _places(value, (*path, index))


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


def _moved(text: str, rng: random.Random) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text + "x"
    shift = timedelta(minutes=rng.choice([-1, 1, -600, 600, -400 * 1440, 10**6]))
    try:
        return (moment + shift).isoformat()
    except OverflowError:
        return text


def mutate(seed: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    data = copy.deepcopy(seed)
    places = list(_places(data))[1:]
    path = rng.choice(places)
    parent, key = _at(data, path[:-1]), path[-1]
    value = parent[key]
    choice = rng.randrange(8)
    if choice == 0 and isinstance(parent, dict):
        del parent[key]
    elif choice == 1 and isinstance(parent, dict):
        parent[rng.choice(["colour", "extra", key + "_"])] = rng.choice(ODD)
    elif choice == 2 and isinstance(value, list) and value:
        operation = rng.randrange(3)
        index = rng.randrange(len(value))
        if operation == 0:
            value.insert(index, copy.deepcopy(value[index]))
        elif operation == 1:
            del value[index]
        else:
            other = rng.randrange(len(value))
            value[index], value[other] = value[other], value[index]
    elif choice == 3 and isinstance(value, str):
        parent[key] = _moved(value, rng) if "T" in value else rng.choice(VOCABULARY)
    elif choice == 4 and isinstance(value, int) and not isinstance(value, bool):
        parent[key] = value + rng.choice([-1, 1, 2, -value, 10**6])
    elif choice == 5:
        deep: Any = "x"
        for _ in range(rng.choice([10, 100, 5_000])):
            deep = [deep]
        parent[key] = deep
    else:
        parent[key] = copy.deepcopy(rng.choice(ODD + VOCABULARY))
    return data


# --- the oracle ----------------------------------------------------------------------------------


def _payload(transition: Any, application: Application) -> Any:
    if transition.payload is None:
        return None
    if isinstance(application.form, transition.payload):
        return application.form
    return transition.payload() if transition.payload_required else None


def replayed(application: Application, holder: HolderRecord) -> Application:
    """The application a fresh engine builds by firing ``application``'s history."""
    engine = Engine(rules=False, moment_tolerance=None)
    holder = attrs.evolve(holder, holder_id=application.holder_id)
    current = engine.start(
        application.business_type, holder=holder, application_id=application.id,
        at=application.created_at, form=application.form, employer_id=application.employer_id,
    )  # fmt: skip
    definition = engine.definition_for(current, application.created_at)
    for entry in application.history:
        if entry.kind is EntryKind.ATTESTATION:
            assert entry.rule_id is not None
            outcome = engine.attest(
                current, entry.rule_id, actor=entry.actor, at=entry.at,
                holder=holder, note=entry.opinion or "", idempotency_key=entry.idempotency_key,
            )  # fmt: skip
        else:
            transition = next(
                (t for t in definition.transitions
                 if t.event == entry.event and current.state in t.sources), None,
            )  # fmt: skip
            outcome = engine.fire(
                current, entry.event, actor=entry.actor, at=entry.at, holder=holder,
                payload=_payload(transition, current) if transition else None,
                opinion=entry.opinion, tips=entry.tips, reason=entry.reason,
                idempotency_key=entry.idempotency_key,
            )  # fmt: skip
        current, holder = outcome.application, outcome.holder
    return current


def _comparable(application: Application) -> Any:
    entries = tuple(
        attrs.evolve(entry, findings=(), fingerprint=None) for entry in application.history
    )
    return attrs.evolve(application, history=entries, ruleset=None)


def _usable(snapshot: Application | HolderRecord, holder: HolderRecord) -> None:
    engine = Engine(rules=False)
    moment = (snapshot.history[-1].at if snapshot.history else AT) + timedelta(minutes=1)
    try:
        if isinstance(snapshot, Application):
            engine.allowed_events(snapshot, Actor.system(), moment, holder=holder)
            progress(engine, snapshot, moment, holder=holder)
        else:
            holder_status(engine, snapshot, moment)
            engine.allowed_holder_events(snapshot, Actor.system(), moment)
    except PermitflowError:
        pass


def judge(data: dict[str, Any], seed: Seed, timing: list[float] | None = None) -> str:
    """The outcome of loading ``data``; ``timing`` receives the seconds the loader took."""
    started = time.thread_time()
    try:
        loaded = from_dict(data)
    except InvalidSnapshot:
        return "refused"
    except Exception:
        return "other_exception"
    finally:
        if timing is not None:
            timing.append(time.thread_time() - started)
    if _json(to_dict(loaded)) != {**data, "schema_version": SCHEMA_VERSION}:
        return "unfaithful"  # (a version 1 document is written back as the current version)
    if isinstance(loaded, Application):
        holder = attrs.evolve(seed.holder, holder_id=loaded.holder_id)
        try:
            again = replayed(loaded, seed.holder)
        except PermitflowError:
            return "impossible"
        if _comparable(again) != _comparable(loaded):
            return "impossible"
    else:
        holder = loaded
    try:
        _usable(loaded, holder)
    except Exception:
        return "crashed"
    return "accepted"


def _load_time(data: dict[str, Any]) -> float:
    started = time.thread_time()
    with contextlib.suppress(Exception):  # only the time is wanted here
        from_dict(data)
    return time.thread_time() - started


FINDINGS = ("other_exception", "unfaithful", "impossible", "crashed")


@attrs.define
class Report:
    outcomes: Counter[str] = attrs.field(factory=Counter)
    slowest: float = 0.0
    slow: int = 0
    examples: dict[str, dict[str, Any]] = attrs.field(factory=dict)
    slowest_input: dict[str, Any] = attrs.field(factory=dict)

    @property
    def inputs(self) -> int:
        return sum(self.outcomes.values())

    @property
    def findings(self) -> int:
        return sum(self.outcomes[name] for name in FINDINGS) + self.slow

    def line(self) -> str:
        counts = ", ".join(f"{name} {self.outcomes[name]}" for name in
                           ("refused", "accepted", *FINDINGS))  # fmt: skip
        slowest = f"{self.slowest * 1000:.1f} ms"
        limit = f"{SLOW_SECONDS * 1000:.0f} ms"
        return (
            f"snapshot fuzzer: {self.inputs} inputs: {counts}; slowest load {slowest}, "
            f"{self.slow} over {limit}"
        )


def run(inputs: int, *, seed: int = 16) -> Report:
    rng = random.Random(seed)
    pool = seeds()
    for origin in pool:  # the machines are compiled once, before anything is timed
        judge(origin.data, origin)
    report = Report()
    for _ in range(inputs):
        origin = rng.choice(pool)
        data = mutate(origin.data, rng)
        timing: list[float] = []
        outcome = judge(data, origin, timing)
        took = timing[0]
        if took > SLOW_SECONDS:  # timed again: a pause of the machine is not the loader's
            took = min(took, _load_time(data))
        report.outcomes[outcome] += 1
        if took > report.slowest:
            report.slowest, report.slowest_input = took, data
        if took > SLOW_SECONDS:
            report.slow += 1
        if outcome in FINDINGS:
            report.examples.setdefault(outcome, data)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    started = time.perf_counter()
    report = run(args.inputs, seed=args.seed)
    print(report.line())
    print(f"took {time.perf_counter() - started:.0f} s")
    print("slowest input:", json.dumps(report.slowest_input, ensure_ascii=False)[:300])
    for outcome, example in report.examples.items():
        print(f"first {outcome}:", json.dumps(example, ensure_ascii=False)[:2000])
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
