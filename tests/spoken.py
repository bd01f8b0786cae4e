"""Reading a command's output as a person would: no code names (shared by the output tests)."""

from __future__ import annotations

import re

from permitflow.testing import wording_problems

_CITATION = re.compile(r"\[[^\]]*\]")
"""A citation's section in square brackets: a reference, read as written."""
_RULE_MESSAGE = re.compile(r"[（(][A-Z]+-\d+[a-z]?[）)][。.]?\s*$")
"""A line closed by a rule id: it carries that rule's message, which the message test reads."""
_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
_PATH = re.compile(r"\b[a-z_]+(?:\.[a-z_]+|\[\d+\])+")
_PROGRAM = "permitflow"
_IN_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_REPR = re.compile(r"\['|'\]|\[\]|\(\)")

ERROR_MESSAGES_READ: set[tuple[str, str]] = set()
"""The error and problem texts read as words, as (code, language): the summary counts them."""


def code_names(line: str, lang: str) -> list[str]:
    """What in one line of output is a code name, a Python literal or a field path rather than
    words: snake_case tokens, dotted field paths, state and enum values, ``None``/``True``."""
    plain = _CITATION.sub(" ", line).replace(_PROGRAM, " ")
    outside = _IN_BRACKETS.sub(" ", re.sub(r"“[^”]*”", "“”", plain))
    ids = re.findall(r"\b[A-Z]{2,5}-\d{3}[a-z]?\b", outside)
    bare = [f"a rule id {m!r} outside brackets" for m in ids]
    bare += [f"a Python repr {m!r}" for m in _REPR.findall(line)]
    if lang == "zh":
        return bare + wording_problems(plain, "zh")
    quoted = re.sub(r"“[^”]*”|「[^」]*」|《[^》]*》", "“”", plain)
    found = [f"a code {m!r}" for m in _SNAKE.findall(quoted)]
    found += [f"a field path {m!r}" for m in _PATH.findall(quoted)]
    problems = wording_problems(plain, "en")
    if _RULE_MESSAGE.search(line):
        problems = [p for p in problems if not p.startswith("Chinese")]
    return bare + found + problems
