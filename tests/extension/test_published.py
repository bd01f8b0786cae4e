"""证件补办 published by a distribution of its own under ``permitflow.business_types``: found the
first time its code is met, never at import or when an engine is built; a package that fails to
load is named only when its type is needed."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from permitflow import DefinitionError, from_dict, to_dict
from permitflow.engine.engine import Engine
from permitflow.errors import InvalidInput
from permitflow.machines import BUSINESS_TYPES_GROUP, business_type_spec
from permitflow.records.application import Application, BusinessType
from permitflow.testing import AT, holder_for, registries_restored

HERE = Path(__file__).parent
BROKEN = 'raise RuntimeError("the vendor forgot a file")\n'
SPEC_ONLY = """\
import attrs
from permitflow.machines import BusinessTypeSpec, Guards, Procedure, applicant_initiated

FLOW = frozenset({"flow"})


@attrs.frozen
class LossForm:
    note: str = ""


def machine(levels):
    return applicant_initiated(SPEC.business_type, levels, guards=Guards(FLOW, FLOW, FLOW),
                               on_approve=lambda change: change)


SPEC = BusinessTypeSpec(
    "loss_report", machine, LossForm, Procedure.APPLICANT_FILED,
    sample_form=lambda day: LossForm("遗失"),
    labels={"business_type.loss_report": ("证件挂失", "Loss report")},
)
"""


def _distribution(root: Path, name: str, entry_points: str) -> None:
    info = root / f"{name.replace('-', '_')}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", "utf-8"
    )
    (info / "entry_points.txt").write_text(f"[{BUSINESS_TYPES_GROUP}]\n{entry_points}", "utf-8")


@pytest.fixture(scope="module")
def stored() -> dict[str, Any]:
    """A draft of 证件补办 as a portal stored it, written while the type was registered."""
    sys.path.insert(0, str(HERE))
    try:
        with registries_restored():
            __import__("reissue_business")
            holder = holder_for("reissue")
            draft = Engine(rules=False).start("reissue", holder=holder, application_id="b-1",
                                              at=AT)  # fmt: skip
            data: dict[str, Any] = json.loads(json.dumps(to_dict(draft)))
            sys.modules.pop("reissue_business")
    finally:
        sys.path.remove(str(HERE))
    return data


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """证件补办 and a broken type installed as distributions; afterwards the business types
    are as they were and their modules forgotten."""
    _distribution(tmp_path, "reissue-business", "reissue = reissue_business:SPEC\n")
    _distribution(tmp_path, "broken-business", "broken = broken_business:SPEC\n")
    _distribution(tmp_path, "mislabelled-business", "mislabelled = reissue_business:SPEC\n")
    _distribution(tmp_path, "loss-report", "loss_report = spec_only_business:SPEC\n")
    (tmp_path / "broken_business.py").write_text(BROKEN, "utf-8")
    (tmp_path / "spec_only_business.py").write_text(SPEC_ONLY, "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(HERE))
    with registries_restored():
        assert "reissue" not in BusinessType
        yield tmp_path
        sys.modules.pop("reissue_business", None)
        sys.modules.pop("spec_only_business", None)


def test_a_snapshot_of_a_published_type_loads_its_package(
    installed: Path, stored: dict[str, Any]
) -> None:
    application = from_dict(stored)
    assert isinstance(application, Application)
    assert application.business_type == "reissue"
    assert "reissue_business" in sys.modules
    assert to_dict(application) == stored


def test_an_engine_started_before_finds_the_type_when_its_code_is_met(installed: Path) -> None:
    engine = Engine(rules=False)
    assert "reissue" not in engine.business_types
    draft = engine.start("reissue", holder=holder_for("new"), application_id="b-2", at=AT)
    assert draft.state == "draft"
    assert BusinessType("reissue") in engine.business_types


def test_the_spec_of_a_published_type_is_found_by_its_code(installed: Path) -> None:
    spec = business_type_spec("reissue")
    assert spec.business_type is BusinessType("reissue")
    assert spec.review_levels == 1


def test_a_package_that_cannot_be_loaded_is_named_when_its_type_is_needed(
    installed: Path, stored: dict[str, Any]
) -> None:
    for attempt in range(2):  # the code stays unknown: the next lookup names the package again
        with pytest.raises(DefinitionError) as caught:
            business_type_spec("broken")
        error = caught.value
        assert error.variant == "business_type_unloadable"
        assert error.context["package"] == "broken-business"
        assert "the vendor forgot a file" in error.message_en, attempt
        assert "broken" not in BusinessType
    with pytest.raises(DefinitionError) as caught:
        from_dict({**stored, "business_type": "broken"})
    assert "软件包“broken-business”" in caught.value.message_zh
    # Every other type is as it was.
    assert business_type_spec("new").business_type is BusinessType.NEW


def test_an_entry_point_naming_another_type_is_refused(installed: Path) -> None:
    with pytest.raises(DefinitionError) as caught:
        business_type_spec("mislabelled")
    assert caught.value.variant == "business_type_entry_point"
    assert caught.value.context["package"] == "mislabelled-business"
    assert "mislabelled" not in BusinessType


def test_a_code_nobody_publishes_is_still_unknown(installed: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        business_type_spec("lost")
    assert caught.value.context["field"] == "business_type"


def test_a_spec_its_module_does_not_register_is_registered_when_found(installed: Path) -> None:
    spec = business_type_spec("loss_report")
    assert spec.business_type is BusinessType("loss_report")
    draft = Engine(rules=False).start(
        "loss_report", holder=holder_for("new"), application_id="l-1", at=AT
    )
    assert from_dict(to_dict(draft)) == draft


def test_importing_permitflow_reads_no_entry_point_even_with_a_broken_package(
    installed: Path,
) -> None:
    program = (
        "import sys, permitflow; permitflow.Engine(); "
        "print('importlib.metadata' in sys.modules, 'broken_business' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(installed)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
