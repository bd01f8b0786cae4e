"""The eight benchmarks. Each checks once that it does what it claims, then measures.

Every function takes the :class:`Sizes` of the run and returns rows for the table. What is
shared between the snapshots a benchmark builds, and why, is said where they are built.
"""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

import _baselines as baselines
from _fixtures import (
    AT,
    adult_child,
    fire_step,
    fire_steps,
    flawed_applicant,
    new_applicant,
    new_lifecycle,
    pinned,
    resident_id,
    review_attestations,
    start_new,
)
from _scan import Tally, columns, scan_shard, write_shards
from _timing import Row, Stats, interleaved, micros, paired_ratio, per_second, timed
from attrs import frozen

from permitflow import (
    Application,
    BusinessType,
    Engine,
    HolderRecord,
    NewForm,
    PermitState,
    from_dict,
    to_dict,
)

SRC = Path(__file__).resolve().parent.parent / "src"
X = TypeVar("X")
_SECOND = timedelta(seconds=1)


@frozen
class Sizes:
    repeats: int
    apps: int
    """Applications per sample in the lifecycle benchmarks."""
    checks: int
    round_trips: int
    live: int
    """Live snapshots held in the memory benchmark."""
    scale: tuple[int, ...]
    scale_events: int
    holders: int
    cold_starts: int

    @classmethod
    def full(cls) -> Sizes:
        return cls(9, 100, 2_000, 2_000, 100_000, (1_000, 10_000, 100_000), 1_000, 1_000_000, 9)

    @classmethod
    def smoke(cls) -> Sizes:
        return cls(3, 10, 200, 200, 5_000, (1_000, 10_000), 500, 100_000, 3)


def _check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(f"benchmark set-up is wrong: {what}")


# --- 1. lifecycle with the Haidian rules ----------------------------------------------------------


def lifecycle(sizes: Sizes) -> list[Row]:
    """A new application from submission to approval, every step through the Haidian rules.

    Measured in turns with the same twelve events on the bare engine (rules off), one shared
    ``transitions`` machine and the dict floor, so that the load of the machine hits them alike.
    """
    engine = Engine()
    attestations = review_attestations(engine)
    holders = [new_applicant(resident_id(index)) for index in range(sizes.apps)]
    scripts = [new_lifecycle(holder.holder_id, attestations=attestations) for holder in holders]
    steps = len(scripts[0])
    events = sum(1 for step in scripts[0] if step.attests is None)

    final, holder = fire_steps(
        engine, start_new(engine, holders[0], "check"), holders[0], scripts[0]
    )
    _check(final.state == "approved" and final.version == steps, f"ended in {final.state}")
    _check(holder.permit.state is PermitState.VALID, "the permit was not issued")
    _check(final.ruleset is not None, "no rule set was pinned")

    attests = steps - events
    clock = time.perf_counter

    def sample() -> tuple[float, float]:
        drafts = [start_new(engine, holder, f"app-{i}") for i, holder in enumerate(holders)]
        event_time = attest_time = 0.0
        gc.collect()
        for application, holder, script in zip(drafts, holders, scripts, strict=True):
            for step in script:
                start = clock()
                application, holder = fire_step(engine, application, holder, step)
                elapsed = clock() - start
                if step.attests is None:
                    event_time += elapsed
                else:
                    attest_time += elapsed
        apps = len(holders)
        return event_time / (apps * events), attest_time / (apps * max(attests, 1))

    peers = {
        name: contender
        for name, contender in _contenders(holders).items()
        if name in ("permitflow engine", "transitions, shared machine", "dict floor")
    }

    def peer(contender: Contender[Any]) -> Callable[[], tuple[float, float]]:
        return _lifecycle_sample(contender, sizes.apps, events)

    samples = interleaved(
        {"haidian": sample, **{name: peer(contender) for name, contender in peers.items()}},
        sizes.repeats,
    )
    haidian = samples.pop("haidian")
    per_event_values = [event for event, _ in haidian]
    per_event = Stats.of(per_event_values)
    per_attest = Stats.of([attest for _, attest in haidian])
    per_app = Stats.of([events * event + attests * attest for event, attest in haidian])
    rate = per_second(per_event)
    peer_events = {name: [event for _, event in pairs] for name, pairs in samples.items()}
    over_bare = paired_ratio(per_event_values, peer_events["permitflow engine"])
    name = "1 lifecycle, Haidian rules"
    rows = [
        Row(name, f"cost per event (the {events} events; attestations timed apart)",
            micros(per_event), "µs", "<= 20", per_event.median <= 20e-6),
        Row(name, "events/s", rate, "events/s", ">= 50,000", rate.median >= 50_000),
        Row(name, f"cost per attestation ({attests} per application)", micros(per_attest), "µs"),
        Row(name, f"cost per application ({events} events + {attests} attestations)",
            per_app.map(lambda seconds: seconds * 1e3), "ms"),
        Row(name, "÷ bare engine (permitflow engine, rules off), per event", over_bare, "x", "<= 2",
            over_bare.median <= 2),
    ]  # fmt: skip
    for variant, values in peer_events.items():
        rows.append(Row(name, f"{variant}: per event (same run)", micros(Stats.of(values)), "µs"))
        if variant != "permitflow engine":
            ratio = paired_ratio(per_event_values, values)
            rows.append(Row(name, f"÷ {variant}, per event (same run)", ratio, "x"))
    return rows


# --- 2. the bare lifecycle against other state machines -------------------------------------------


@frozen
class Contender(Generic[X]):
    """How one state machine creates an application and runs the scripted events on it."""

    create: Callable[[int], X]
    run: Callable[[X, int], str]
    """Fires every scripted event on the instance; returns the state it ends in."""
    release: Callable[[list[X]], None]


def _no_release(_: list[Any]) -> None:
    return None


def _lifecycle_sample(contender: Contender[X], apps: int, events: int) -> Callable[[], Any]:
    def sample() -> tuple[float, float]:
        gc.collect()
        start = time.perf_counter()
        made = [contender.create(index) for index in range(apps)]
        created = time.perf_counter()
        for index, instance in enumerate(made):
            contender.run(instance, index)
        done = time.perf_counter()
        contender.release(made)
        return (created - start) / apps, (done - created) / (apps * events)

    return sample


def _baseline(machine: Any, steps: Sequence[baselines.Step]) -> Contender[Any]:
    def run(instance: Any, _: int) -> str:
        for step in steps:
            machine.fire(instance, step)
        return str(machine.state(instance))

    return Contender(lambda _: machine.create(), run, machine.release)


def _contenders(holders: Sequence[HolderRecord]) -> dict[str, Contender[Any]]:
    """The bare engine (rules off) and its peers running the twelve events of one application
    per holder, each checked to end approved."""
    engine = Engine(rules=False, review_levels=2)
    definition = engine.definition(BusinessType.NEW, 2)
    scripts = [new_lifecycle(holder.holder_id) for holder in holders]
    # The baselines check the actor's role only, so one script serves every application.
    steps = [(step.event, step.actor, step.at) for step in scripts[0]]
    ids = [f"app-{index}" for index in range(len(holders))]

    def engine_create(index: int) -> Application:
        return engine.start(
            BusinessType.NEW, holder=holders[index], application_id=ids[index], at=AT
        )

    def engine_run(application: Application, index: int) -> str:
        holder = holders[index]
        for step in scripts[index]:
            outcome = engine.fire(
                application, step.event, actor=step.actor, at=step.at, holder=holder,
                opinion=step.opinion,
            )  # fmt: skip
            assert outcome.application is not None
            application, holder = outcome.application, outcome.holder
        return application.state

    contenders: dict[str, Contender[Any]] = {
        "permitflow engine": Contender(engine_create, engine_run, _no_release),
        "transitions, shared machine": _baseline(baselines.SharedTransitions(definition), steps),
        "transitions, machine per app": _baseline(baselines.PerAppTransitions(definition), steps),
        "python-statemachine": _baseline(baselines.StatechartMachines(definition), steps),
        "dict floor": _baseline(baselines.Floor(definition), steps),
    }
    for variant, contender in contenders.items():
        instance = contender.create(0)
        ended = contender.run(instance, 0)
        contender.release([instance])
        _check(ended == "approved", f"{variant} ended in {ended}")
    return contenders


def bare(sizes: Sizes) -> list[Row]:
    """Rules off: the engine's own cost, against transitions, python-statemachine and a dict."""
    holders = [new_applicant(resident_id(index)) for index in range(sizes.apps)]
    events = len(new_lifecycle(holders[0].holder_id))
    contenders = _contenders(holders)
    samples = interleaved(
        {variant: _lifecycle_sample(c, sizes.apps, events) for variant, c in contenders.items()},
        sizes.repeats,
    )
    name = "2 bare lifecycle"
    rows = []
    per_app: dict[str, list[float]] = {}
    creates: dict[str, list[float]] = {}
    for variant, pairs in samples.items():
        creates[variant] = [create for create, _ in pairs]
        per_event = [event for _, event in pairs]
        per_app[variant] = [create + events * event for create, event in pairs]
        rows.append(Row(name, f"{variant}: per event", micros(Stats.of(per_event)), "µs"))
        rows.append(Row(name, f"{variant}: create", micros(Stats.of(creates[variant])), "µs"))
        rows.append(Row(
            name, f"{variant}: per application (create + {events} events)",
            micros(Stats.of(per_app[variant])), "µs",
        ))  # fmt: skip
    engine_app = per_app["permitflow engine"]
    events_of = {variant: [event for _, event in pairs] for variant, pairs in samples.items()}
    engine_event = Stats.of(events_of["permitflow engine"])
    faster = paired_ratio(events_of["transitions, shared machine"], events_of["permitflow engine"])
    floor = paired_ratio(events_of["permitflow engine"], events_of["dict floor"])
    rows += [
        Row(name, "engine: per event", micros(engine_event), "µs", "<= 2.5",
            engine_event.median <= 2.5e-6),
        Row(name, "transitions shared machine ÷ engine (per event)", faster, "x", ">= 3",
            faster.median >= 3),
        Row(name, "engine ÷ dict floor (per event)", floor, "x", "<= 15", floor.median <= 15),
    ]
    vs_shared = paired_ratio(engine_app, per_app["transitions, shared machine"])
    per_app_machine = paired_ratio(per_app["transitions, machine per app"], engine_app)
    rows += [
        Row(name, "engine ÷ transitions shared machine (per application)", vs_shared, "x",
            "<= 1.5", vs_shared.median <= 1.5),
        Row(name, "transitions machine per app ÷ engine (per application)", per_app_machine,
            "x", ">= 5", per_app_machine.median >= 5),
        Row(name, "transitions machine per app ÷ engine (create only)",
            paired_ratio(creates["transitions, machine per app"], creates["permitflow engine"]),
            "x"),
        Row(name, "python-statemachine ÷ engine (per application)",
            paired_ratio(per_app["python-statemachine"], engine_app), "x"),
        Row(name, "engine ÷ dict floor (per application)",
            paired_ratio(engine_app, per_app["dict floor"]), "x"),
    ]  # fmt: skip
    return rows


# --- 3. rule checks -------------------------------------------------------------------------------


def rules(sizes: Sizes) -> list[Row]:
    """``Engine.check`` of a submission: every Haidian rule guarding it, two ways.

    The checklist a portal shows (``include_passed=True``, a finding for every verdict) and the
    gate ``fire`` runs (``include_passed=False``, findings only for what did not pass).
    """
    engine = Engine()
    valid = new_applicant(resident_id(0))
    flawed = flawed_applicant(resident_id(1))
    cases = {
        "valid": (valid, start_new(engine, valid, "valid")),
        "flawed": (flawed, start_new(engine, flawed, "flawed", NewForm(children=(adult_child(),)))),
    }
    found = {
        name: engine.check(draft, "submit", at=AT, holder=holder)
        for name, (holder, draft) in cases.items()
    }
    _check(all(f.passed for f in found["valid"]), "the valid application has failing findings")
    failing = sum(1 for f in found["flawed"] if not f.passed)
    _check(failing >= 10, f"only {failing} findings for the flawed application")
    titles = {
        "valid": f"complete valid new application ({len(found['valid'])} rule verdicts)",
        "flawed": f"application with many findings ({failing} of {len(found['flawed'])} "
        "verdicts not passed)",
    }

    def sampler(case: str, include_passed: bool) -> Callable[[], float]:
        holder, draft = cases[case]

        def sample() -> float:
            def checks() -> None:
                for _ in range(sizes.checks):
                    engine.check(draft, "submit", at=AT, holder=holder,
                                 include_passed=include_passed)  # fmt: skip

            return timed(checks) / sizes.checks

        return sample

    variants = {
        (case, kind): sampler(case, kind == "checklist")
        for case in cases
        for kind in ("checklist", "gate")
    }
    samples = interleaved(variants, sizes.repeats)
    name = "3 rule check"
    rows = []
    for (case, kind), values in samples.items():
        rate = per_second(Stats.of(values))
        # A complete application's checklist must be cheap; a careless one's may cost more.
        floor = 25_000 if case == "valid" else 10_000
        rows.append(Row(
            name, f"{titles[case]}, {kind}: checks/s", rate, "checks/s", f">= {floor:,}",
            rate.median >= floor,
        ))  # fmt: skip
        rows.append(Row(name, f"{case}, {kind}: cost per check", micros(Stats.of(values)), "µs"))
    return rows


# --- 4. snapshots ---------------------------------------------------------------------------------


def _twelve_events(
    bare_engine: Engine, index: int, start: datetime = AT, entries: int = 12
) -> Application:
    """The twelve scripted events, with the rule-set pin the rules engine would have set;
    ``entries`` more than 12 (an even number) adds employer returns and resubmissions."""
    holder = new_applicant(resident_id(index))
    script = new_lifecycle(holder.holder_id, start=start, employer_returns=1 + (entries - 12) // 2)
    application, _ = fire_steps(
        bare_engine, start_new(bare_engine, holder, f"app-{index:07d}", at=start), holder, script
    )
    return pinned(bare_engine, application)


def _approved(engine: Engine) -> Application:
    """An application approved through the Haidian rules, attestations and all."""
    holder = new_applicant(resident_id(0))
    script = new_lifecycle(holder.holder_id, attestations=review_attestations(engine))
    application, _ = fire_steps(engine, start_new(engine, holder, "app-0000000"), holder, script)
    return application


def _dumps(data: dict[str, Any]) -> str:
    # What a portal stores: compact, UTF-8 (the Chinese opinions stay three bytes a character).
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _round_trip(application: Application) -> Any:
    return from_dict(json.loads(_dumps(to_dict(application))))


def snapshot(sizes: Sizes) -> list[Row]:
    """to_dict + json.dumps + json.loads + from_dict of an application with 12 history entries.

    Also, without a target, the application the Haidian rules approve: its history holds the
    reviewers' attestations besides the twelve events.
    """
    bare_engine = Engine(rules=False, review_levels=2)
    application = _twelve_events(bare_engine, 0)
    longer = {n: _twelve_events(bare_engine, 0, entries=n) for n in (50, 200)}
    _check(all(len(a.history) == n for n, a in longer.items()), "a longer history is not right")
    approved = _approved(Engine())
    _check(len(application.history) == 12, "the application has not 12 history entries")
    data = to_dict(application)
    text = _dumps(data)
    loaded = json.loads(text)
    for case in (application, approved):
        _check(_round_trip(case) == case, "the snapshot does not round-trip")
    count = sizes.round_trips

    def per(action: Callable[[], object]) -> Callable[[], float]:
        def sample() -> float:
            def run() -> None:
                for _ in range(count):
                    action()

            return timed(run) / count

        return sample

    steps = {
        "round trip": per(lambda: _round_trip(application)),
        "to_dict": per(lambda: to_dict(application)),
        "json.dumps": per(lambda: _dumps(data)),
        "json.loads": per(lambda: json.loads(text)),
        "from_dict": per(lambda: from_dict(loaded)),
        "approved": per(lambda: _round_trip(approved)),
        **{n: per(lambda a=a: _round_trip(a)) for n, a in longer.items()},
    }
    samples = interleaved(steps, sizes.repeats)
    name = "4 snapshot"
    trip = per_second(Stats.of(samples["round trip"]))
    entries = len(approved.history)
    rows = [
        Row(name, "round trips/s (12-entry history)", trip, "trips/s", ">= 20,000",
            trip.median >= 20_000),
        Row(name, "JSON size (compact, UTF-8)", Stats.of([len(text.encode())]), "bytes"),
        Row(name, "JSON size (json.dumps defaults)", Stats.of([len(json.dumps(data))]), "bytes"),
    ]  # fmt: skip
    rows += [
        Row(name, f"{step}: cost", micros(Stats.of(samples[step])), "µs")
        for step in ("round trip", "to_dict", "json.dumps", "json.loads", "from_dict")
    ]
    per_entry = [micros(Stats.of(samples["round trip"])).median / 12]
    for n in longer:
        cost = micros(Stats.of(samples[n]))
        rows.append(Row(name, f"{n}-entry history: round trip cost", cost, "µs"))
        per_entry.append(cost.median / n)
    rows.append(Row(
        name, "round trip per entry, 12 / 50 / 200 entries (linear: about equal)",
        Stats.of(per_entry), "µs",
    ))  # fmt: skip
    rows += [
        Row(name, f"approved with attestations ({entries} entries): round trips/s",
            per_second(Stats.of(samples["approved"])), "trips/s"),
        Row(name, f"approved with attestations ({entries} entries): JSON size",
            Stats.of([len(_dumps(to_dict(approved)).encode())]), "bytes"),
    ]  # fmt: skip
    return rows


# --- 5. memory ------------------------------------------------------------------------------------


def _bytes_each(build: Callable[[int], Any], count: int, traced: int) -> tuple[float, list[Any]]:
    """Bytes per object that ``build`` returns, with ``count`` of them alive at the end.

    The first ``count - traced`` are built untraced (tracing every allocation makes a build
    several times slower); the last ``traced`` are built while tracemalloc runs, and the memory
    still held once they are all built, divided by ``traced``, is the answer: what is shared
    with the snapshots built before is not counted again, as in a process that holds them all.
    """
    held: list[Any] = [None] * count
    for index in range(count - traced):
        held[index] = build(index)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(count - traced, count):
            held[index] = build(index)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    return (after - before) / traced, held


def _loader(template: Application) -> Callable[[int], Any]:
    """Reads the ``index``-th snapshot from JSON: the template with its own ids."""
    text = _dumps(to_dict(template))

    def load(index: int) -> Any:
        return from_dict(json.loads(
            text.replace(template.holder_id, resident_id(index))
            .replace(template.id, f"app-{index:07d}")
        ))  # fmt: skip

    return load


def memory(sizes: Sizes) -> list[Row]:
    """Bytes per live application snapshot with a 12-entry history, two ways of getting there.

    * Loaded from storage (``from_dict(json.loads(text))``), as a portal holds what it read:
      every string, datetime, actor and entry is the snapshot's own; only what Python itself
      shares is shared (enum members, None, small integers, the empty tuple).
    * Fired in this process through the engine, one holder per application: the application id,
      holder id, applicant actor and every moment are the application's own (each lifecycle
      starts at a different second); shared with other snapshots are the state and event names
      (the machine definition's strings), the employer and reviewer actors and the opinion text
      of the script, and the rule-set pin's name and version. The twelve events go through the
      bare engine: with the rules, the level-1 pass waits for attestations, and the entries of
      the twelve events are the same either way (this holder's events have no findings).

    Without a target, the application the Haidian rules approve, attestations included, loaded
    from JSON (a twentieth as many live: the bytes per snapshot do not depend on the count).
    """
    bare_engine = Engine(rules=False, review_levels=2)
    count = sizes.live
    traced = max(count // 10, 1)
    for index in range(count):
        resident_id(index)  # remembered now, so that the traced builds do not grow the cache

    def fired(index: int) -> Application:
        return _twelve_events(bare_engine, index, AT + index * _SECOND)

    builds = {
        "loaded from JSON": _loader(_twelve_events(bare_engine, 0)),
        "fired in process": fired,
    }
    name = "5 memory"
    rows = []
    for label, build in builds.items():
        per_snapshot, held = _bytes_each(build, count, traced)
        _check(all(len(a.history) == 12 for a in held), "a snapshot has not 12 entries")
        rows.append(Row(
            name, f"{label}: bytes per snapshot ({count:,} live, the last {traced:,} traced)",
            Stats.of([per_snapshot]), "bytes", "<= 4,096", per_snapshot <= 4096,
        ))  # fmt: skip
        del held
    approved = _approved(Engine())
    few = max(count // 20, 1)
    per_snapshot, _ = _bytes_each(_loader(approved), few, few)
    rows.append(Row(
        name, f"approved with attestations ({len(approved.history)} entries), loaded from JSON: "
        f"bytes per snapshot ({few:,} live)", Stats.of([per_snapshot]), "bytes",
    ))  # fmt: skip
    return rows


# --- 6. scale -------------------------------------------------------------------------------------


@frozen
class _Live:
    application: Application
    holder: HolderRecord
    position: int


def scale(sizes: Sizes) -> list[Row]:
    """Per-event cost with few and with many live applications in the process.

    The live applications are at every stage of their lifecycle (attestations included). A sample
    fires the next event of randomly chosen applications; the new snapshots replace the old
    ones in the store, and are put back after the sample so that every sample starts alike.
    Order: few live, many live, few live again (the extra ones dropped), so that a drift of
    the machine shows as a difference between the two small-set phases.
    """
    engine = Engine()
    attestations = review_attestations(engine)
    scripts: dict[str, Any] = {}
    store: dict[str, _Live] = {}

    def grow(to: int) -> None:
        for index in range(len(store), to):
            holder = new_applicant(resident_id(index))
            script = new_lifecycle(holder.holder_id, attestations=attestations)
            position = index % len(script)
            application, holder = fire_steps(
                engine, start_new(engine, holder, f"app-{index:07d}"), holder, script[:position]
            )
            scripts[application.id] = script
            store[application.id] = _Live(application, holder, position)

    rng = random.Random(7)

    def sample() -> float:
        chosen = rng.sample(list(store), sizes.scale_events)
        before = {key: store[key] for key in chosen}
        gc.collect()
        start = time.perf_counter()
        for key in chosen:
            live = store[key]
            application, holder = fire_step(
                engine, live.application, live.holder, scripts[key][live.position]
            )
            store[key] = _Live(application, holder, live.position + 1)
        elapsed = time.perf_counter() - start
        store.update(before)
        return elapsed / len(chosen)

    first, *larger = sizes.scale
    grow(first)
    phases: dict[int, list[float]] = {first: [sample() for _ in range(sizes.repeats)]}
    for size in larger:
        grow(size)
        phases[size] = [sample() for _ in range(sizes.repeats)]
    for key in list(store)[first:]:
        del store[key], scripts[key]
    phases[first] += [sample() for _ in range(sizes.repeats)]

    base = Stats.of(phases[first])
    name = "6 scale"
    rows = [Row(name, f"{size:,} live: cost per event", micros(Stats.of(values)), "µs")
            for size, values in phases.items()]  # fmt: skip
    for size in larger:
        ratio = Stats.of([value / base.median for value in phases[size]])
        rows.append(Row(name, f"{size:,} live ÷ {first:,} live", ratio, "x", "<= 1.3",
                        ratio.median <= 1.3))  # fmt: skip
    return rows


# --- 7. batch scan --------------------------------------------------------------------------------


def batch_scan(sizes: Sizes) -> list[Row]:
    """Renewal deadline and retirement date of every holder: one process, then every core.

    Both read the holders from the same shard files; a pooled worker reads its own shards."""
    rows = columns(sizes.holders, seed=2026)
    workers = os.cpu_count() or 1
    single: list[float] = []
    pooled: list[float] = []
    tallies: list[Tally] = []
    with tempfile.TemporaryDirectory(prefix="permitflow-scan-") as folder, ProcessPoolExecutor(
        max_workers=workers
    ) as pool:
        shards = write_shards(rows, Path(folder), workers * 4)
        # One untimed pass: every worker imports, builds its calendar tables and reads its
        # shards once (the files are then in the page cache for both variants).
        list(pool.map(scan_shard, shards))
        for _ in range(max(3, sizes.repeats // 3)):
            gc.collect()
            start = time.perf_counter()
            tally = sum(map(scan_shard, shards), Tally(0, 0, 0, 0.0))
            single.append(tally.holders / (time.perf_counter() - start))
            tallies.append(tally)
            gc.collect()
            start = time.perf_counter()
            pooled_tally = sum(pool.map(scan_shard, shards), Tally(0, 0, 0, 0.0))
            wall = time.perf_counter() - start
            _check(
                (pooled_tally.renewals_due, pooled_tally.retiring_before_expiry)
                == (tally.renewals_due, tally.retiring_before_expiry),
                "the pooled scan disagrees with the single-process scan",
            )
            pooled.append(pooled_tally.holders / wall)
    one = Stats.of(single)
    per_core = Stats.of([rate / workers for rate in pooled])
    speedup = paired_ratio(pooled, single)
    name = "7 batch scan"
    last = tallies[-1]
    return [
        Row(name, f"one process ({sizes.holders:,} holders; {last.renewals_due:,} renewals due, "
            f"{last.retiring_before_expiry:,} retiring before expiry)", one, "holders/s",
            ">= 400,000", one.median >= 400_000),
        Row(name, f"process pool, {workers} workers: total", Stats.of(pooled), "holders/s"),
        Row(name, f"process pool, {workers} workers: per core", per_core, "holders/s",
            ">= 400,000", per_core.median >= 400_000),
        Row(name, f"process pool, {workers} workers ÷ one process", speedup, "x",
            ">= 1.8", speedup.median >= 1.8),
    ]  # fmt: skip


# --- 8. cold start --------------------------------------------------------------------------------


def cold_start(sizes: Sizes) -> list[Row]:
    """Wall time of a fresh interpreter importing permitflow and building the default Engine."""
    # Bytecode cached, as in an installed package (a process told not to write it would
    # measure the compiler instead): one untimed run of each program writes it.
    cache = tempfile.mkdtemp(prefix="permitflow-pyc-")
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "PYTHONPATH": str(SRC), "PYTHONPYCACHEPREFIX": cache,
    }  # fmt: skip

    def run(code: str) -> Callable[[], float]:
        def sample() -> float:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True)
            return time.perf_counter() - start

        return sample

    programs = {
        "python -c pass": "pass",
        "import permitflow": "import permitflow",
        "import permitflow; permitflow.Engine()": "import permitflow; permitflow.Engine()",
    }
    for code in programs.values():
        run(code)()
    samples = interleaved({label: run(code) for label, code in programs.items()}, sizes.cold_starts)
    shutil.rmtree(cache, ignore_errors=True)
    name = "8 cold start"
    engine = Stats.of(samples["import permitflow; permitflow.Engine()"])
    return [
        Row(name, "python -c 'import permitflow; permitflow.Engine()' (bytecode cached)",
            engine, "s", "<= 0.15", engine.median <= 0.15),
        Row(name, "the same ÷ python -c pass", paired_ratio(
            samples["import permitflow; permitflow.Engine()"], samples["python -c pass"]), "x"),
        Row(name, "python -c 'import permitflow'", Stats.of(samples["import permitflow"]), "s"),
        Row(name, "python -c pass (the interpreter alone)", Stats.of(samples["python -c pass"]),
            "s"),
    ]  # fmt: skip


BENCHMARKS: dict[str, Callable[[Sizes], list[Row]]] = {
    "lifecycle": lifecycle,
    "bare": bare,
    "rules": rules,
    "snapshot": snapshot,
    "memory": memory,
    "scale": scale,
    "scan": batch_scan,
    "coldstart": cold_start,
}
