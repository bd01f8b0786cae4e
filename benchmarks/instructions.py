"""Instructions per unit of work, counted by valgrind's callgrind: repeatable on a loaded machine.

    python benchmarks/instructions.py                   # every workload (a few minutes)
    python benchmarks/instructions.py --only bare,snapshot

Wall time on a shared machine moves with the load; the number of instructions a workload
executes does not. Each workload runs in its own interpreter under callgrind with collection
switched on only inside ``operator.call`` (which nothing else in the process calls), around
``count`` units of work done after a warm-up; the table gives instructions per unit. Set-up,
imports and the warm-up are not counted. The cold start is the exception: it counts a whole
``import permitflow; permitflow.Engine()`` process with its bytecode cached, minus
``python -c pass``.

Run by hand (valgrind must be installed), never as a timed test.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"

_PRELUDE = f"""
import operator, sys
sys.path[:0] = [{str(SRC)!r}, {str(HERE)!r}]
"""

_BARE = """
from _fixtures import AT, new_applicant, new_lifecycle, resident_id
import _baselines as baselines
from permitflow import BusinessType, Engine
engine = Engine(rules=False, review_levels=2)
definition = engine.definition(BusinessType.NEW, 2)
holder = new_applicant(resident_id(0))
script = new_lifecycle(holder.holder_id)
steps = [(step.event, step.actor, step.at) for step in script]

def permitflow_engine():
    application = engine.start(BusinessType.NEW, holder=holder, application_id="a", at=AT)
    current = holder
    for step in script:
        outcome = engine.fire(application, step.event, actor=step.actor, at=step.at,
                              holder=current, opinion=step.opinion)
        application, current = outcome.application, outcome.holder
    assert application.state == "approved"

def _baseline(machine):
    def run():
        instance = machine.create()
        for step in steps:
            machine.fire(instance, step)
        machine.release([instance])
    return run

transitions_shared = _baseline(baselines.SharedTransitions(definition))
dict_floor = _baseline(baselines.Floor(definition))
"""

_SNAPSHOT = """
import json
from _suite import _dumps, _twelve_events
from permitflow import Engine, from_dict, to_dict
application = _twelve_events(Engine(rules=False, review_levels=2), 0)
data = to_dict(application)
text = _dumps(data)
loaded = json.loads(text)

def round_trip():
    from_dict(json.loads(_dumps(to_dict(application))))

def to_dict_only():
    to_dict(application)

def from_dict_only():
    from_dict(loaded)

def json_only():
    json.loads(_dumps(data))
"""

_LIFECYCLE = """
from _fixtures import fire_steps, new_applicant, new_lifecycle, resident_id, review_attestations
from _fixtures import start_new
from permitflow import Engine
engine = Engine()
attestations = review_attestations(engine)
holder = new_applicant(resident_id(0))
script = new_lifecycle(holder.holder_id, attestations=attestations)
events = [step for step in script if step.attests is None]
assert len(events) == 12

def haidian_application():
    fire_steps(engine, start_new(engine, holder, "a"), holder, script)
"""

_RULES = """
from _fixtures import AT, adult_child, flawed_applicant, new_applicant, resident_id, start_new
from permitflow import Engine, NewForm
engine = Engine()
valid = new_applicant(resident_id(0))
flawed = flawed_applicant(resident_id(1))
valid_draft = start_new(engine, valid, "valid")
flawed_draft = start_new(engine, flawed, "flawed", NewForm(children=(adult_child(),)))

def valid_checklist():
    engine.check(valid_draft, "submit", at=AT, holder=valid)

def flawed_checklist():
    engine.check(flawed_draft, "submit", at=AT, holder=flawed)
"""

WORKLOADS: dict[str, tuple[str, dict[str, tuple[str, int, str]]]] = {
    # name: (set-up, {row: (function, count, unit)})
    "bare": (_BARE, {
        "permitflow engine, bare (create + 12 events)": ("permitflow_engine", 50, "application"),
        "transitions, shared machine (create + 12 events)": ("transitions_shared", 50,
                                                             "application"),
        "dict floor (create + 12 events)": ("dict_floor", 500, "application"),
    }),
    "snapshot": (_SNAPSHOT, {
        "round trip, 12 entries (to_dict, json.dumps, json.loads, from_dict)": ("round_trip",
                                                                                50, "trip"),
        "to_dict, 12 entries": ("to_dict_only", 50, "call"),
        "from_dict, 12 entries": ("from_dict_only", 50, "call"),
        "json.dumps + json.loads, 12 entries": ("json_only", 50, "pair"),
    }),
    "rules": (_RULES, {
        "checklist of a complete valid new application": ("valid_checklist", 50, "check"),
        "checklist of an application with 25 failing findings": ("flawed_checklist", 50,
                                                                 "check"),
    }),
    "lifecycle": (_LIFECYCLE, {
        "Haidian rules: 12 events + 22 attestations": ("haidian_application", 5,
                                                       "application"),
    }),
}  # fmt: skip


def _callgrind(program: str, env: dict[str, str], collect_all: bool = False) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    if not collect_all:
        command += ["--collect-atstart=no", "--toggle-collect=_operator_call*"]
    done = subprocess.run(
        [*command, sys.executable, "-c", program], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"the workload failed:\n{done.stderr[-3000:]}")
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count:\n{done.stderr[-3000:]}")
    return int(found.group(1))


def _environment(cache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # Fixed hashing, so that set and dict orders (and so the instructions) repeat run to run;
    # bytecode cached, as in an installed package.
    return {**env, "PYTHONHASHSEED": "0", "PYTHONPYCACHEPREFIX": cache}


def _rows(name: str, env: dict[str, str]) -> Iterator[tuple[str, float, str]]:
    setup, rows = WORKLOADS[name]
    for row, (function, count, unit) in rows.items():
        program = (
            _PRELUDE + setup + f"\n{function}()\n"
            f"def _measured():\n    for _ in range({count}):\n        {function}()\n"
            "operator.call(_measured)\n"
        )
        yield row, _callgrind(program, env) / count, unit


def _cold_start(env: dict[str, str]) -> list[tuple[str, float, str]]:
    engine = f"import sys; sys.path.insert(0, {str(SRC)!r}); import permitflow; permitflow.Engine()"
    subprocess.run([sys.executable, "-c", engine], env=env, check=True)  # writes the bytecode
    bare = _callgrind("pass", env, collect_all=True)
    full = _callgrind(engine, env, collect_all=True)
    return [
        ("cold start: import permitflow; Engine() (minus python -c pass)", full - bare, "process"),
        ("cold start: python -c pass", bare, "process"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    names = [*WORKLOADS, "coldstart"]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", metavar="NAME[,NAME]", help=f"some of: {', '.join(names)}")
    args = parser.parse_args(argv)
    chosen = [n.strip() for n in args.only.split(",")] if args.only else names
    unknown = [n for n in chosen if n not in names]
    if unknown:
        parser.error(f"unknown workload {', '.join(unknown)}; known: {', '.join(names)}")
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (apt-get install valgrind)")
    print("| workload | instructions | per |")
    print("|---|---:|---|")
    with tempfile.TemporaryDirectory() as cache:
        env = _environment(cache)
        for name in chosen:
            for row, count, unit in _cold_start(env) if name == "coldstart" else _rows(name, env):
                print(f"| {row} | {count:,.0f} | {unit} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
