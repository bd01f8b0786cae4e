"""The layers of the package, one line each, held by reading every import statement.

An import inside a function or under ``TYPE_CHECKING`` counts: it is knowledge all the same.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import permitflow

SOURCE = Path(permitflow.__file__).parent

TIME_AND_IDENTITY = frozenset(
    f"permitflow.{name}"
    for name in ("addresses", "calendar", "deadlines", "identifiers", "months", "retirement")
)
VIEWS_REEXPORTED = frozenset(
    {"permitflow.machines", "permitflow.machines.permit", "permitflow.machines.status"}
)
"""The machine modules that keep the sweep and the status views importable where they were."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path, module: str) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base
            # ``from permitflow import machines`` names a module through its package.
            yield from (f"{base}.{alias.name}" for alias in node.names)


IMPORTS: dict[str, frozenset[str]] = {
    _module_name(path): frozenset(_imported(path, _module_name(path)))
    for path in sorted(SOURCE.rglob("*.py"))
}


def _within(name: str, *layers: str) -> bool:
    return any(name == layer or name.startswith(f"{layer}.") for layer in layers)


def _crossings(importers: str | frozenset[str], *forbidden: str) -> list[str]:
    def importing(module: str) -> bool:
        if isinstance(importers, str):
            return _within(module, importers)
        return module in importers

    return sorted(
        f"{module} imports {name}"
        for module, names in IMPORTS.items()
        if importing(module)
        for name in names
        if _within(name, *forbidden)
    )


def test_the_walk_sees_every_module() -> None:
    assert {"permitflow.records.audit", "permitflow.engine.engine", "permitflow.wiring"} <= set(
        IMPORTS
    )
    assert "permitflow.engine.compiled" in IMPORTS
    assert "transitions" in IMPORTS["permitflow.engine.compiled"]


def test_records_know_neither_rules_nor_engine() -> None:
    assert _crossings(
        "permitflow.records",
        "permitflow.rules", "permitflow.engine", "permitflow.machines", "permitflow.wiring",
        "permitflow.views",
    ) == []  # fmt: skip


def test_rules_know_no_machine_wiring() -> None:
    assert _crossings(
        "permitflow.rules",
        "permitflow.engine", "permitflow.machines", "permitflow.wiring", "permitflow.views",
    ) == []  # fmt: skip


def test_time_and_identity_are_pure() -> None:
    others = sorted(
        f"{module} imports {name}"
        for module in TIME_AND_IDENTITY
        for name in IMPORTS[module]
        if name in IMPORTS and name not in TIME_AND_IDENTITY | {"permitflow", "permitflow.errors"}
    )
    assert others == []


def test_the_engine_receives_its_machines_from_the_wiring() -> None:
    assert _crossings("permitflow.engine", "permitflow.machines", "permitflow.views") == []
    assert _crossings("permitflow.engine.definition", "permitflow.rules") == []
    assert "permitflow.machines" in IMPORTS["permitflow.wiring"]
    assert _crossings("permitflow.wiring", "permitflow.views") == []


@pytest.mark.parametrize(
    "layer",
    ["permitflow.records", "permitflow.rules", "permitflow.engine", "permitflow.wiring",
     *sorted(TIME_AND_IDENTITY)],
)  # fmt: skip
def test_status_views_and_sweep_sit_above_the_engine(layer: str) -> None:
    assert _crossings(layer, "permitflow.views") == []


def test_machines_reach_the_views_only_to_keep_old_imports() -> None:
    machines = frozenset(name for name in IMPORTS if _within(name, "permitflow.machines"))
    assert _crossings(machines - VIEWS_REEXPORTED, "permitflow.views") == []
    assert _crossings(machines, "permitflow.engine.engine") == []


def test_nothing_outside_the_engine_imports_transitions() -> None:
    outside = frozenset(name for name in IMPORTS if not _within(name, "permitflow.engine"))
    assert _crossings(outside, "transitions") == []
