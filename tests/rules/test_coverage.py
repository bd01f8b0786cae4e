"""The Haidian rule set as a catalogue: every rule cited, worded, and tested both ways.

This module runs after every other test of this directory (``conftest.py`` orders it last)
and reads ``rules_fixtures.EXERCISED`` and ``rules_fixtures.READ``, which
``rules_fixtures.expect`` fills. It checks coverage and reads the messages only when the whole
directory runs; ``conftest.py`` deselects those checks from a partial run (a ``-k`` selection,
one file) and reports how many messages were read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum

import attrs
import pytest
from rules_fixtures import EXERCISED, MESSAGES_READ, PARAMETERS_READ, READ

from permitflow.messages import LANGUAGES, words
from permitflow.rules.facts import Unit
from permitflow.rules.finding import Finding, Status
from permitflow.rules.haidian import ruleset
from permitflow.rules.ruleset import EnforcedBy, RuleDescription
from permitflow.testing import wording_problems

DESCRIPTIONS = tuple(d for version in ruleset.versions for d in version.describe())
_CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("rule", DESCRIPTIONS, ids=lambda d: d.id)
def test_every_rule_is_cited_and_worded_in_both_languages(rule: RuleDescription) -> None:
    assert rule.citation.section.strip()
    assert rule.citation.quote.strip()
    assert rule.citation.source.strip()
    for text in (rule.title_zh, rule.message_zh):
        assert _CJK.search(text), f"{rule.id}: Chinese text expected, got {text!r}"
    for text in (rule.title_en, rule.message_en):
        assert re.search(r"[A-Za-z]{3}", text), f"{rule.id}: English text expected, got {text!r}"
    assert rule.group == rule.id.split("-")[0].lower()


@pytest.mark.parametrize("rule", DESCRIPTIONS, ids=lambda d: d.id)
def test_every_citation_is_in_the_language_of_its_sources(rule: RuleDescription) -> None:
    """The manual and the pages the catalogue summarises are Chinese: a Chinese page shows the
    section and the sentence as they are, with no English aside."""
    assert _CJK.search(rule.citation.quote), f"{rule.id}: {rule.citation.quote!r}"
    assert not re.search(r"[A-Za-z]{3,}", rule.citation.section), rule.citation.section


def test_every_rule_was_seen_passing_and_not_passing() -> None:
    missing = []
    for rule in DESCRIPTIONS:
        seen = EXERCISED.get(rule.id, set())
        if Status.PASSED not in seen:
            missing.append(f"{rule.id}: no passing case")
        if rule.enforced_by is None and not seen - {Status.PASSED}:
            missing.append(f"{rule.id}: no failing or needs_attestation case")
    assert not missing, "\n".join(missing)


RULES = tuple(rule for version in ruleset.versions for rule in version.rules)


def test_every_rule_declares_the_parameters_it_reads() -> None:
    """A rule's messages say when a parameter it rests on is not confirmed, from what it
    declares: a parameter read but not declared would go unsaid."""
    undeclared = [
        f"{rule.id} reads {sorted(read - rule.parameters)}"
        for rule in RULES
        if (read := PARAMETERS_READ.get(rule.id, set())) - rule.parameters
    ]
    assert not undeclared, "\n".join(undeclared)


# --- the words a person reads -----------------------------------------------------------------


def _typed_in(value: object) -> bool:
    """What the person typed or the record names (text, a unit's name and code): data."""
    return (isinstance(value, str) and not isinstance(value, Enum)) or isinstance(value, Unit)


def _worded(finding: Finding) -> list[object]:
    """The facts of a finding's message that the library puts into words (not the data)."""
    # A finding a rule made keeps what its text is made of until read: reach for it here, the
    # one place that needs to tell the user's data from the library's words.
    values = object.__getattribute__(finding, "_deferred").text().values
    if values is None:
        return []
    if isinstance(values, Mapping):
        facts = list(values.values())
    else:
        facts = [getattr(values, field.name) for field in attrs.fields(type(values))]
    return [
        fact
        for fact in facts
        if not _typed_in(fact) and not (isinstance(fact, tuple) and all(map(_typed_in, fact)))
    ]


def _problems(finding: Finding) -> list[str]:
    """The message as a whole, and each fact the library words on its own: a code in quotes
    (“edu_cert”) is no data."""
    return [
        f"{finding.rule_id} {lang}: {problem} in {shown!r}"
        for lang in LANGUAGES
        for shown in (finding.message(lang), *(words(fact, lang) for fact in _worded(finding)))
        for problem in wording_problems(shown, lang)
    ]


def test_every_message_reads_as_a_person_would() -> None:
    """Every failing, warning and waiting message the rule tests produced, in both languages:
    no code names, no Python literals, no byte dumps or field paths, no placeholder left, no
    Chinese in English but quoted; and every rule's every text was read."""
    problems = sorted({problem for finding in READ for problem in _problems(finding)})
    read_codes = {
        object.__getattribute__(finding, "_deferred").text().template.code.partition("+")[0]
        for finding in READ
    }
    unread = sorted(
        code
        for rule in RULES
        for code in (t.code.partition("+")[0] for t in rule.bound_texts.messages.values())
        if not isinstance(rule.check, EnforcedBy) and code not in read_codes
    )
    rules = len({rule.id for rule in RULES})
    MESSAGES_READ.append(
        f"{2 * len(READ)} ({len(READ)} findings in zh and en, every text of {rules} rules)"
    )
    assert not problems, "\n".join(problems)
    assert not unread, f"texts no test made a rule show: {unread}"
