"""Rule cases as data: a TOML file of cases, each stating only the inputs that matter to the
rules it names (``permitflow.testing`` exports them).

A case's holder is the sample record (`permitflow.samples.valid_holder`) as of the moment its
rules judge (the application's ``submitted_at``, else ``at``), with the permit state the case
names, its dotted-path overrides and removals; its application is one of that holder, of the
case's business type and state, with the type's empty form and the fields the case gives. The
format and the defaults are in ``docs/testing.md``; ``permitflow.testing.run_rule_case`` judges
a case.
"""

from __future__ import annotations

import tomllib
import typing
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import attrs
import cattrs
from attrs import frozen

from permitflow._problems import Problem, Refusal, problems_of
from permitflow.errors import InvalidInput, InvalidSnapshot
from permitflow.records.actors import Actor
from permitflow.records.application import FORM_TYPES, Application, Attestation, BusinessType
from permitflow.records.holder import HolderRecord, PermitState
from permitflow.rules.finding import Status
from permitflow.samples import AT, EMPLOYERS, HOLDER_IDS, valid_holder

T = TypeVar("T")

REMOVED: Any = attrs.NOTHING
"""The override value that drops a tuple element (an attachment slot) or sets an attribute to
None."""

# --- overrides ----------------------------------------------------------------------------------

_values = cattrs.Converter()
# TOML hands in dates and datetimes as such, JSON-like data as ISO strings: both are read.
_values.register_structure_hook(
    date, lambda v, _: v if isinstance(v, date) else date.fromisoformat(v)
)
_values.register_structure_hook(
    datetime, lambda v, _: v if isinstance(v, datetime) else datetime.fromisoformat(v)
)
_values.register_structure_hook(bytes, lambda v, _: v.encode() if isinstance(v, str) else v)


def apply_overrides(subject: T, overrides: Mapping[str, Any]) -> T:
    """``subject`` (a record) with each dotted path set to its value.

    A path walks attributes (``"profile.general.hukou.kind"``); inside a tuple a segment is an
    index (``"profile.study_history.0.stage"``) or, for attachments, the slot
    (``"attachments.degree_cert.file.size_bytes"``). A table or list value is read into the
    attribute's declared type, a string given for bytes is encoded, anything else is set as it
    is; `REMOVED` drops a tuple element or sets an attribute to None. A path that names nothing
    raises [`InvalidInput`][permitflow.errors.InvalidInput] with the known names there.
    """
    return _overridden(subject, overrides, "$")


def _overridden(subject: T, overrides: Mapping[str, Any], where: str) -> T:
    for path, value in overrides.items():
        subject = _set(subject, path.split("."), value, where)
    return subject


def _field_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _coerce(value: Any, declared: Any, where: str) -> Any:
    if isinstance(value, dict | list):
        try:
            return _values.structure(value, declared)
        except Exception as error:
            raise InvalidInput(
                "unreadable", field=where, problems=problems_of(error, value, where)
            ) from None
    if isinstance(value, str) and declared in (bytes, bytes | None):
        return value.encode()
    return value


def _set(subject: Any, path: list[str], value: Any, where: str) -> Any:
    head, rest = path[0], path[1:]
    if isinstance(subject, tuple):
        index = _tuple_index(subject, head, where)
        if not rest and value is REMOVED:
            return subject[:index] + subject[index + 1 :]
        item = _set(subject[index], rest, value, f"{where}[{head}]") if rest else value
        return (*subject[:index], item, *subject[index + 1 :])
    types = _field_types(type(subject))
    if head not in types:
        raise _unknown(f"{where}.{head}", list(types))
    if rest:
        return attrs.evolve(
            subject, **{head: _set(getattr(subject, head), rest, value, f"{where}.{head}")}
        )
    current = getattr(subject, head)
    if value is REMOVED:
        new: Any = None
    elif isinstance(value, dict) and attrs.has(type(current)):
        new = _overridden(current, value, f"{where}.{head}")
    else:
        new = _coerce(value, types[head], f"{where}.{head}")
    return attrs.evolve(subject, **{head: new})


def _tuple_index(items: tuple[Any, ...], key: str, where: str) -> int:
    if key.isdigit() and int(key) < len(items):
        return int(key)
    for index, item in enumerate(items):
        if str(getattr(item, "slot", "")) == key:
            return index
    known = [str(item.slot) for item in items if hasattr(item, "slot")]
    raise _unknown(f"{where}[{key}]", known or [str(n) for n in range(len(items))])


def _unknown(where: str, known: list[str]) -> InvalidInput:
    return InvalidInput(
        "unreadable", field=where, problems=[Problem("unknown_key", where, facts={"known": known})]
    )


# --- the sample application ---------------------------------------------------------------------


def sample_application(
    business_type: BusinessType | str,
    state: str = "draft",
    *,
    submitted_at: datetime | None = None,
    attested: Iterable[str] = (),
    at: datetime = AT,
    **form_fields: Any,
) -> Application:
    """An application of the sample holder (`permitflow.samples.valid_holder`) in ``state``,
    created the day before ``at``, with the type's empty form and ``form_fields``.

    ``submitted_at`` defaults to None for a draft and to ``at`` otherwise; ``attested`` lists
    the rule ids an authority reviewer has attested.
    """
    kind = BusinessType(business_type)
    form_type = FORM_TYPES[kind]
    types = _field_types(form_type)
    unknown = sorted(set(form_fields) - set(types))
    if unknown:
        raise _unknown(f"$.form.{unknown[0]}", list(types))
    fields = {name: _coerce(value, types[name], f"$.form.{name}")
              for name, value in form_fields.items()}  # fmt: skip
    if submitted_at is None and state != "draft":
        submitted_at = at
    reviewer = Actor.authority(1, "reviewer-1")
    return Application(
        id=f"app-{kind.value}-1",
        business_type=kind,
        holder_id=HOLDER_IDS[0],
        employer_id=EMPLOYERS[0].credit_code,
        state=state,
        form=form_type(**fields),
        created_at=at - timedelta(days=1),
        submitted_at=submitted_at,
        attestations=tuple(Attestation(rule_id, reviewer, at) for rule_id in attested),
    )


# --- cases --------------------------------------------------------------------------------------


@frozen
class ExpectedFinding:
    """A rule a case names, and the status it must come to."""

    rule_id: str
    status: Status
    """``passed`` (every finding of the rule passed), ``failed`` or ``needs_attestation``."""


@frozen
class CaseApplication:
    """The application of a case, as far as the case states it."""

    state: str = "draft"
    """A state of the business type's machine."""
    submitted_at: datetime | None = None
    """The first submission (the judging day); default: none for a draft, else the case's
    moment."""
    attested: tuple[str, ...] = ()
    """Rule ids an authority reviewer has attested."""
    form: dict[str, Any] = attrs.Factory(dict)
    """Form fields of the business type; the others keep the empty form's values."""


@frozen
class RuleCase:
    """One case: the inputs that matter, the rules it names and the status each comes to."""

    name: str
    """A full sentence saying what the case shows."""
    at: datetime
    """The moment of the event (with its UTC offset)."""
    business_type: BusinessType
    """The business type of the application."""
    event: str
    """The event the named rules guard."""
    citation: str
    """The source that justifies the expected outcome (the manual's section, the catalogue)."""
    expect: tuple[ExpectedFinding, ...]
    """The rules the event meets with, each with the status it must come to."""
    permit_state: PermitState = PermitState.VALID
    """The sample holder's permit: ``valid`` (expiring 270 days after the judging day), or
    ``none`` (someone about to apply for a first permit), ``suspended``, ``expired``,
    ``cancelled``."""
    remove: tuple[str, ...] = ()
    """Dotted paths removed from the sample holder (see `apply_overrides`)."""
    holder: dict[str, Any] = attrs.Factory(dict)
    """Dotted paths of the sample holder set to other values."""
    application: CaseApplication = attrs.Factory(CaseApplication)
    """The application, as far as the case states it."""

    def holder_record(self) -> HolderRecord:
        """The sample holder as of the judging day, with the case's permit, overrides and
        removals."""
        holder = valid_holder(
            at=self.application.submitted_at or self.at, permit_state=self.permit_state
        )
        holder = apply_overrides(holder, self.holder)
        return apply_overrides(holder, dict.fromkeys(self.remove, REMOVED))

    def application_record(self) -> Application:
        """The case's application of the sample holder."""
        spec = self.application
        return sample_application(
            self.business_type, spec.state, submitted_at=spec.submitted_at,
            attested=spec.attested, at=self.at, **spec.form,
        )  # fmt: skip


def _aware(value: object, _: type) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError("expected a TOML datetime")
    if value.utcoffset() is None:
        raise Refusal("no_offset")
    return value


_cases = cattrs.Converter(forbid_extra_keys=True)
_cases.register_structure_hook(datetime, _aware)


def load_rule_cases(path: str | Path) -> tuple[RuleCase, ...]:
    """The cases of one TOML file (``[[case]]`` tables); a file that is not TOML, or any case
    that is malformed, raises [`InvalidSnapshot`][permitflow.errors.InvalidSnapshot] naming
    every problem of the file with its path (``$.case[2].expect[0].status``)."""
    source = str(path)
    try:
        with Path(path).open("rb") as handle:
            raw = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise _invalid(source, [Problem("not_toml", facts={"detail": str(error)})]) from None
    cases, problems = [], []
    for index, data in enumerate(raw.get("case", [])):
        try:
            cases.append(_cases.structure(data, RuleCase))
        except Exception as error:
            problems += problems_of(error, data, f"$.case[{index}]")
    if problems:
        raise _invalid(source, problems)
    return tuple(cases)


def _invalid(source: str, problems: list[Problem]) -> InvalidSnapshot:
    return InvalidSnapshot("rule_cases", problems=problems, file=source)
