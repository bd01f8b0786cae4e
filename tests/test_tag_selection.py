"""Rules, history searches and views ask what kind of step an event is, never how it is spelt.

Held by reading the source: the named sets of event names the rules once selected by are gone,
and outside the machines (which name their events) no comparison puts an event against a
string literal.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import attrs

import permitflow
from permitflow.engine.definition import MachineDefinition
from permitflow.engine.engine import Engine
from permitflow.records.application import BusinessType
from permitflow.testing import AT, default_form, holder_for
from permitflow.wiring import default_definitions

SOURCE = Path(permitflow.__file__).parent

RETIRED = frozenset(
    {
        "FILING_EVENTS", "SUBMISSION_EVENTS", "RETURN_EVENTS", "REVIEW_EVENTS", "DATA_EVENTS",
        "PROFILE_EVENTS", "UPLOAD_EVENTS", "OPENING_EVENTS", "CASE_EVENTS", "LEAVING_EVENTS",
        "REFILING_EVENTS",
    }
)  # fmt: skip
"""The sets of event names the rules selected by before they selected by tag."""

NAMING_EVENTS = ("machines", "engine/review.py")
"""Where events are named: the machines and the review path that build the transitions."""


def _trees() -> Iterator[tuple[str, ast.AST]]:
    for path in sorted(SOURCE.rglob("*.py")):
        yield path.relative_to(SOURCE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _names(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Name):
        yield node.id
    elif isinstance(node, ast.Attribute):
        yield node.attr
    elif isinstance(node, ast.alias):
        yield node.asname or node.name


def _literal(node: ast.expr) -> bool:
    """A string, or a collection written out of strings."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Set | ast.Tuple | ast.List):
        return bool(node.elts) and all(_literal(element) for element in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in ("frozenset", "set") and len(node.args) == 1 and _literal(
            node.args[0]
        )
    return False


def _is_event(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "event"


def test_the_sets_of_event_names_are_gone() -> None:
    found = sorted(
        f"{where}:{getattr(node, 'lineno', '?')} {name}"
        for where, tree in _trees()
        for node in ast.walk(tree)
        for name in _names(node)
        if name in RETIRED
    )
    assert found == []


def test_no_event_is_compared_with_its_spelling_outside_the_machines() -> None:
    found = sorted(
        f"{where}:{node.lineno}"
        for where, tree in _trees()
        if not where.startswith(NAMING_EVENTS)
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        for operands in [[node.left, *node.comparators]]
        if any(_is_event(o) for o in operands) and any(_literal(o) for o in operands)
    )
    assert found == []


def test_the_scan_sees_a_comparison_with_a_spelling() -> None:
    tree = ast.parse(
        'move.event == "withdraw" or entry.event in {"accept", "pass"} '
        'or frozenset({"return"}) == e.event or e.event == event or e.state == "draft"'
    )
    compared = [node for node in ast.walk(tree) if isinstance(node, ast.Compare)]
    assert [
        any(_is_event(o) for o in [c.left, *c.comparators])
        and any(_literal(o) for o in [c.left, *c.comparators])
        for c in compared
    ] == [True, True, True, False, False]


def _filed_not_submitted(levels: int) -> MachineDefinition:
    """The new application's machine with its first submission called ``file``."""
    machine = default_definitions()[BusinessType.NEW](levels)
    steps = tuple(
        attrs.evolve(t, event="file") if t.event == "submit" else t for t in machine.transitions
    )
    return attrs.evolve(machine, transitions=steps)


def test_a_step_is_guarded_as_what_it_is_whatever_it_is_called() -> None:
    renamed = Engine(definitions={**default_definitions(), BusinessType.NEW: _filed_not_submitted})
    usual = Engine()
    holder = holder_for(BusinessType.NEW)

    def checklist(engine: Engine, event: str) -> list[tuple[str, str]]:
        application = engine.start(
            BusinessType.NEW, holder=holder, application_id="a-1", at=AT,
            form=default_form(BusinessType.NEW, at=AT),
        )  # fmt: skip
        findings = engine.check(application, event, at=AT, holder=holder)
        return [(f.rule_id, f.status.value) for f in findings]

    judged = checklist(usual, "submit")
    assert len(judged) > 20
    assert checklist(renamed, "file") == judged
