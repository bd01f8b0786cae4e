"""The Haidian rule set as a catalogue: every rule cited, worded, and tested both ways.

This module runs after every other test of this directory (``conftest.py`` orders it last)
and reads ``rules_fixtures.EXERCISED``, which ``rules_fixtures.expect`` fills. It checks
coverage only when the whole directory runs; ``conftest.py`` deselects it from a partial run
(a ``-k`` selection, one file).
"""

from __future__ import annotations

import re

import pytest
from rules_fixtures import EXERCISED

from permitflow.rules.finding import Status
from permitflow.rules.haidian import ruleset
from permitflow.rules.ruleset import RuleDescription

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


def test_every_rule_was_seen_passing_and_not_passing() -> None:
    missing = []
    for rule in DESCRIPTIONS:
        seen = EXERCISED.get(rule.id, set())
        if Status.PASSED not in seen:
            missing.append(f"{rule.id}: no passing case")
        if rule.enforced_by is None and not seen - {Status.PASSED}:
            missing.append(f"{rule.id}: no failing or needs_attestation case")
    assert not missing, "\n".join(missing)
