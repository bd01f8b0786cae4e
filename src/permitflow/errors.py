"""The one exception tree of permitflow.

Every error has a stable ``code`` (portals switch on it, translate it, log it), a message in
Chinese and in English that a person can act on, and structured ``context`` (state, event,
actor, field path, rule ids...) for programs.

    PermitflowError
    ├── DefinitionError            a machine or rule set is wrong when it is built or loaded
    │   └── RuleDataError          a rule-parameter file is malformed (file and field path)
    ├── ProcedureError             an event was refused; the snapshot is unchanged
    │   ├── UnknownEvent
    │   ├── EventNotAllowed
    │   ├── NotPermitted
    │   ├── Blocked                carries the error findings
    │   ├── VersionConflict
    │   └── IdempotencyConflict
    ├── InputError                 data handed in by a portal is not acceptable
    │   ├── InvalidInput           an event's payload or a record field (names the field)
    │   ├── InvalidSnapshot        a stored snapshot does not load (names the path)
    │   └── InvalidIdentifier      a resident id or credit code is malformed (names the part)
    └── CoverageError              asked about something the data does not cover
        ├── UnknownRuleSet
        ├── RuleSetNotInForce
        └── CalendarOutOfRange     a day outside the years the working-day calendar knows
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

Language = Literal["zh", "en"]


class PermitflowError(Exception):
    """Root of every error permitflow raises on purpose."""

    code: ClassVar[str] = "permitflow_error"

    def __init__(self, message_zh: str, message_en: str, **context: Any) -> None:
        super().__init__(f"[{self.code}] {message_en} / {message_zh}")
        self.message_zh = message_zh
        self.message_en = message_en
        self.context: Mapping[str, Any] = context

    def message(self, lang: Language = "zh") -> str:
        """The message in one language, ready to show to a person."""
        return self.message_zh if lang == "zh" else self.message_en

    def to_dict(self, lang: Language | None = None) -> dict[str, Any]:
        """A JSON-able description for an API response."""
        data: dict[str, Any] = {"code": self.code}
        if lang is None:
            data["message"] = {"zh": self.message_zh, "en": self.message_en}
        else:
            data["message"] = self.message(lang)
        data["context"] = {key: _jsonable(value) for key, value in self.context.items()}
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    return str(value)


# --- definition branch -------------------------------------------------------------------------


class DefinitionError(PermitflowError):
    """A machine definition or rule set is inconsistent; raised when it is built."""

    code = "definition_error"


class RuleDataError(DefinitionError):
    """A rule-parameter data file does not match its schema."""

    code = "rule_data_error"


# --- runtime branch: refused events -------------------------------------------------------------


class ProcedureError(PermitflowError):
    """An event was refused. The snapshot handed in is left exactly as it was."""

    code = "procedure_error"


class UnknownEvent(ProcedureError):
    """The machine has no event of that name; ``context['allowed']`` lists what is possible now."""

    code = "unknown_event"


class EventNotAllowed(ProcedureError):
    """The event exists but not from the current state; ``context['allowed']`` lists what is."""

    code = "event_not_allowed"


class NotPermitted(ProcedureError):
    """The actor's role, identity or review level does not allow it to fire the event."""

    code = "not_permitted"


class Blocked(ProcedureError):
    """Rules with error severity failed; ``findings`` says which and why."""

    code = "blocked_by_rules"

    def __init__(self, message_zh: str, message_en: str, **context: Any) -> None:
        super().__init__(message_zh, message_en, **context)
        self.findings: tuple[Any, ...] = tuple(context.get("findings", ()))


class VersionConflict(ProcedureError):
    """``expected_version`` differs from the snapshot's version: someone else changed it first."""

    code = "version_conflict"


class IdempotencyConflict(ProcedureError):
    """The idempotency key was already used for another event or actor."""

    code = "idempotency_key_reused"


# --- input branch -------------------------------------------------------------------------------


class InputError(PermitflowError):
    """Data handed in by a portal is not acceptable; nothing was changed."""

    code = "input_error"


class InvalidInput(InputError):
    """A payload or record field is not acceptable; ``context['field']`` names it."""

    code = "invalid_input"


class InvalidSnapshot(InputError):
    """A stored snapshot does not load; ``context['errors']`` lists "message @ $.path" lines."""

    code = "invalid_snapshot"


class InvalidIdentifier(InputError):
    """A resident identity number or unified social credit code is malformed."""

    code = "invalid_identifier"


# --- coverage branch ----------------------------------------------------------------------------


class CoverageError(PermitflowError):
    """The question lies outside what the installed data covers."""

    code = "coverage_error"


class UnknownRuleSet(CoverageError):
    """No rule set (or rule-set version) of that name is registered."""

    code = "unknown_ruleset"


class RuleSetNotInForce(CoverageError):
    """The rule set is asked about a date outside its period of force."""

    code = "ruleset_not_in_force"


class CalendarOutOfRange(CoverageError, ValueError):
    """A day (or a count of working days) outside the years the working-day calendar knows.

    Also a ``ValueError``, which is what it was before it had a code."""

    code = "calendar_out_of_range"


class CalendarEstimateWarning(UserWarning):
    """An answer rests on a year with no official holiday arrangement in the installed data."""
