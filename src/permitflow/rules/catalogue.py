"""The rules catalogue of a rule-set version, drawn from the code: as JSON and as Markdown.

``permitflow rules`` prints it and the documentation's generated pages embed it, so the
catalogue a reviewer reads cannot drift from the rules that run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from permitflow.groups import GROUP_TITLES
from permitflow.labels import label
from permitflow.messages import Template
from permitflow.rules.ruleset import RuleDescription, RuleSet
from permitflow.tags import Tag


def rule_dict(rule: RuleDescription) -> dict[str, Any]:
    return {
        "id": rule.id,
        "group": rule.group,
        "kind": rule.kind.value,
        "severity": rule.severity.value,
        "default_severity": rule.default_severity.value,
        "enabled": rule.enabled,
        "business_types": [t.value for t in rule.business_types],
        "tags": [tag.value for tag in rule.tags] if rule.tags is not None else None,
        "event": rule.event,
        "judged_on": rule.judged_on.value,
        "title": {"zh": rule.title_zh, "en": rule.title_en},
        "message": {"zh": rule.message_zh, "en": rule.message_en},
        "messages": [
            {"code": _code(text), "zh": text.zh, "en": text.en} for text in rule.messages
        ],
        "citation": {
            "source": rule.citation.source,
            "section": rule.citation.section,
            "quote": rule.citation.quote,
        },
        "enforced_by": (
            None if rule.enforced_by is None
            else {"zh": rule.enforced_by.zh, "en": rule.enforced_by.en}
        ),
    }  # fmt: skip


def _code(text: Template) -> str:
    # A message with a note appended is named after the message.
    return text.code.partition("+")[0]


def rules_json(ruleset: RuleSet) -> dict[str, Any]:
    return {
        "ruleset": ruleset.name,
        "version": ruleset.version,
        "effective_from": ruleset.effective_from.isoformat(),
        "effective_until": (
            ruleset.effective_until.isoformat() if ruleset.effective_until else None
        ),
        "rules": [rule_dict(rule) for rule in ruleset.describe()],
    }


def steps_words(tags: Iterable[Tag]) -> str:
    """Kinds of step as a person reads them: each by its English and Chinese label
    (``Authority's pass (主管部门审核通过)``), in the order given; ``none`` for none."""
    return ", ".join(f"{label(tag, 'en')} ({label(tag)})" for tag in tags) or "none"


def md_cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def rules_markdown(ruleset: RuleSet) -> str:
    """The rules catalogue of one rule-set version as Markdown, grouped by catalogue prefix."""
    rules = ruleset.describe()
    until = ruleset.effective_until.isoformat() if ruleset.effective_until else "…"
    lines = [
        f"# Rules catalogue: {ruleset.name} {ruleset.version}",
        "",
        f"In force from {ruleset.effective_from.isoformat()} to {until}; {len(rules)} rules. "
        "Each rule has a stable id, a kind (machine, hybrid, attestation, process), a severity "
        "(`error` blocks the event it guards; `warning` and `tip` never block) and the sentence "
        "of the source it implements, and the day it judges on: the `submission` being handed "
        "in (again), the `first_submission` of the application, or each `step`. Under each "
        "group, the messages its rules show when they do not pass, from the rule set's texts "
        "(placeholders in braces are the facts of the case). Drawn from the code by "
        "`permitflow rules --format md`.",
        "",
    ]
    by_group: dict[str, list[RuleDescription]] = {}
    for rule in rules:
        by_group.setdefault(rule.group, []).append(rule)
    for group in sorted(by_group, key=lambda g: list(GROUP_TITLES).index(g)
                        if g in GROUP_TITLES else len(GROUP_TITLES)):  # fmt: skip
        zh, en = GROUP_TITLES.get(group, (group, group))
        lines += [
            f"## {group.upper()}: {en} ({zh}) {{#{group}}}",
            "",
            "| id | rule | kind | severity | business types | source |",
            "|---|---|---|---|---|---|",
        ]
        for rule in by_group[group]:
            severity = rule.severity.value
            if not rule.enabled:
                severity = f"{severity} (disabled)"
            elif rule.severity is not rule.default_severity:
                severity = f"{severity} (default {rule.default_severity.value})"
            events = f"<br>steps: {steps_words(rule.tags)}" if rule.tags else ""
            events += f"<br>event: {rule.event}" if rule.event else ""
            events += f"<br>judged on: {rule.judged_on.value}"
            enforced = (
                f"<br>enforced by the machines: {rule.enforced_by.en}" if rule.enforced_by else ""
            )
            quote = f"<br>「{rule.citation.quote}」" if rule.citation.quote else ""
            lines.append(
                "| " + " | ".join(md_cell(cell) for cell in (
                    rule.id,
                    f"{rule.title_zh}<br>{rule.title_en}{enforced}",
                    rule.kind.value,
                    severity,
                    ", ".join(t.value for t in rule.business_types) + events,
                    f"{rule.citation.section}{quote}",
                )) + " |"
            )  # fmt: skip
        lines.append("")
        lines += _messages(by_group[group])
    return "\n".join(lines)


def _messages(rules: list[RuleDescription]) -> list[str]:
    """What the rules of a group say when they do not pass, code by code, as a person reads it
    (the placeholders in braces are the facts of the case)."""
    texts = [text for rule in rules for text in rule.messages]
    if not texts:
        return []
    lines = ["Messages:", ""]
    for text in texts:
        lines += [f"- `{_code(text)}` {text.zh}", f"  {text.en}"]
    return [*lines, ""]
