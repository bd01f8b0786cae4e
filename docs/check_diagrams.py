"""Check in a real headless Chromium that the built site draws its diagrams, offline.

    python docs/check_diagrams.py SITE_DIR [--browser chromium]

For every page of SITE_DIR with a diagram, the browser loads the page from disk with the
network off; each diagram element must have become an SVG that shows every state label its
Mermaid source declares. Exit 1 naming each page and label that is not drawn.
"""

from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
STATE = re.compile(r'^\s*state "(?P<label>[^"]*)" as \S+\s*$', re.M)


class Diagrams(HTMLParser):
    """The diagram elements of a page: whether each holds an SVG, and the text inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[bool, str]] = []
        self._depth = 0
        self._svg = False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self._depth:
            self._depth += tag == "div"
            self._svg = self._svg or (tag == "svg" and self._depth == 1)
        elif tag == "div" and "pf-diagram" in classes:
            self._depth, self._svg, self._text = 1, False, []

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag == "div":
            self._depth -= 1
            if not self._depth:
                self.found.append((self._svg, "".join(self._text)))

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._text.append(data)


def diagrams(markup: str) -> list[tuple[bool, str]]:
    parser = Diagrams()
    parser.feed(markup)
    return parser.found


def rendered(browser: str, page: Path) -> str:
    with tempfile.TemporaryDirectory() as profile:
        completed = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=30000",
             "--window-size=1366,900", "--dump-dom", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
    return completed.stdout


def check(site: Path, browser: str) -> list[str]:
    problems = []
    pages = 0
    for page in sorted(site.rglob("*.html")):
        sources = diagrams(page.read_text("utf-8"))
        if not sources:
            continue
        pages += 1
        drawn = diagrams(rendered(browser, page))
        where = page.relative_to(site)
        if len(drawn) != len(sources):
            problems.append(f"{where}: {len(sources)} diagrams in the page, {len(drawn)} drawn")
            continue
        for number, ((_, source), (svg, text)) in enumerate(zip(sources, drawn, strict=True), 1):
            if not svg:
                problems.append(f"{where}: diagram {number} is not an SVG")
                continue
            labels = [html.unescape(match["label"]) for match in STATE.finditer(source)]
            missing = [label for label in labels if label not in text]
            if not labels:
                problems.append(f"{where}: diagram {number} declares no state")
            elif missing:
                problems.append(f"{where}: diagram {number} lacks {', '.join(missing)}")
    if not pages:
        problems.append(f"{site}: no page has a diagram")
    print(f"diagrams: {pages} pages checked in {browser}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site (mkdocs build --site-dir)")
    parser.add_argument("--browser", default="chromium", help="the browser (default: chromium)")
    args = parser.parse_args(argv)
    problems = check(args.site, args.browser)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
