"""The Python snippets of the documentation run, page by page, as a reader would run them.

Every ```python block of a page under docs/ (and of the README) runs in order in one
namespace per page, from the repository root. A block preceded by ``<!-- no-run -->`` is
skipped; that marker is kept for code that cannot run by nature (it needs a server, a database
of one's own, ...).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FENCE = re.compile(r"(?P<marker><!-- no-run -->\s*\n)?^```python\n(?P<code>.*?)^```", re.M | re.S)
PAGES = sorted(
    path
    for path in (*DOCS.rglob("*.md"), ROOT / "README.md")
    if FENCE.search(path.read_text("utf-8"))
)


def snippets(page: Path) -> list[str]:
    return [
        match["code"] for match in FENCE.finditer(page.read_text("utf-8")) if not match["marker"]
    ]


def test_the_documentation_has_runnable_snippets() -> None:
    assert len(PAGES) >= 8
    assert all(snippets(page) for page in PAGES)


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_the_snippets_of_the_page_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": f"docs.{page.stem}"}
    for number, code in enumerate(snippets(page), start=1):
        try:
            exec(compile(code, f"{page.relative_to(ROOT)} (snippet {number})", "exec"), namespace)
        except Exception as error:
            pytest.fail(f"{page.relative_to(ROOT)}, snippet {number}: {error!r}\n{code}")


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_reference", DOCS / "gen_reference.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generator_check_mode_finds_stale_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generator = _generator()
    docs = tmp_path / "docs"
    assert generator.main(["--check"], docs=docs) == 1
    assert "docs/rules.md" in capsys.readouterr().err
    assert generator.main([], docs=docs) == 0
    assert generator.main(["--check"], docs=docs) == 0
    page = docs / "business-types" / "renewal.md"
    assert "```mermaid\nstateDiagram-v2" in page.read_text("utf-8")
    assert "| [REN-005](../rules.md#ren)" in page.read_text("utf-8")
    page.write_text("edited by hand", "utf-8")
    assert generator.main(["--check"], docs=docs) == 1
    assert "docs/business-types/renewal.md" in capsys.readouterr().err


def test_the_generated_pages_cover_every_rule_and_error_code(tmp_path: Path) -> None:
    generator = _generator()
    import permitflow.errors

    generated = {path.name: text for path, text in generator.pages(tmp_path).items()}
    rules = generator.newest().describe()
    assert all(f"| {rule.id} |" in generated["rules.md"] for rule in rules)
    codes = [
        error.code for error in vars(permitflow.errors).values()
        if isinstance(error, type) and issubclass(error, permitflow.PermitflowError)
    ]  # fmt: skip
    assert all(f"`{code}`" in generated["errors.md"] for code in codes)
