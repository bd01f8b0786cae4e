"""What the Haidian rule modules share: business-type sets, review events, cached parses.

Attestations are a reviewer's business: an attestation rule guards the authority's ``pass``
step only (``REVIEWING``), and a hybrid rule asks for its attestation half there while its
machine half runs at every event it guards (``attestation_due``).

Passing is the common case and must stay cheap: a pass is a module-level verdict without facts
(the rule's title says what held), while a verdict that does not pass carries the facts that
explain it.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from permitflow.errors import InvalidIdentifier
from permitflow.identifiers import (
    CreditCode,
    ResidentId,
    normalize_credit_code,
    parse_credit_code,
    parse_resident_id,
)
from permitflow.messages import Catalogue
from permitflow.records.application import BusinessType
from permitflow.rules.finding import Citation
from permitflow.rules.rule import RuleContext
from permitflow.tags import HANDING_IN, Tag

TEXTS_DIR = Path(__file__).parent / "texts"
TEXTS = Catalogue.load("haidian", TEXTS_DIR.glob("*.toml"))
"""Every text of the Haidian rules, by rule id (``texts/*.toml``, one file per rule module)."""

ALL_BUSINESS: frozenset[BusinessType] = frozenset(
    {
        BusinessType.NEW, BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE,
        BusinessType.BASIC_CHANGE, BusinessType.BUSINESS_CHANGE, BusinessType.CANCELLATION,
    }
)  # fmt: skip
"""The six businesses the manual describes, named one by one rather than read from the
registered types: a Haidian rule covers the businesses it names, so a business type registered
from outside (``register_business_type``) is guarded only by the rules that name it — its own
rule set's — and inherits no applicant-side rule silently."""
APPLICANT_SIDE: frozenset[BusinessType] = ALL_BUSINESS - {BusinessType.CANCELLATION}
"""Every business that submits the applicant's basic information and attachments."""
EMPLOYMENT_BUSINESS: frozenset[BusinessType] = frozenset(
    {BusinessType.NEW, BusinessType.RENEWAL, BusinessType.EMPLOYER_CHANGE}
)
"""The businesses that judge the employment relation (contract, tax, social insurance)."""
RESIDENCE_BUSINESS: frozenset[BusinessType] = EMPLOYMENT_BUSINESS | {BusinessType.BASIC_CHANGE}
"""The businesses that submit a residence proof (a basic change may change the address)."""

REVIEWING: frozenset[Tag] = frozenset({Tag.AUTHORITY_PASS})
"""The authority's approval at each level: where attestations are demanded. A check of the
data alone guards the steps that hand them in (``HANDING_IN``): the record is locked while a
case is under review (FLOW-103), so it needs no repeating at the review."""
PROFILE_STEPS: frozenset[Tag] = HANDING_IN | {Tag.PROFILE_COMPLETION}
"""The steps that hand in the basic information: every filing, and its preview and submission
(预览提交, M§1.5) — no profile is complete that the basic-information rules would refuse."""
UPLOAD_STEPS: frozenset[Tag] = HANDING_IN | {Tag.UPLOAD}
"""The steps that judge an attachment's format and size: every filing, and the upload itself,
which judges only the file it hands in."""


def cite(section: str, quote: str, source: str = "平台操作手册（个人版）") -> Citation:
    return Citation(section=section, quote=quote, source=source)


def attestation_due(ctx: RuleContext) -> bool:
    """Whether the event is one where a reviewer must attest the human half of a rule."""
    return not ctx.tags.isdisjoint(REVIEWING)


# Parsing is pure: each number is parsed once per process, however many cases mention it. The
# birth date is compared with the day of the case by the caller (no hidden clock here).
@lru_cache(maxsize=4096)
def resident_id(number: str, field: str) -> ResidentId | InvalidIdentifier:
    try:
        return parse_resident_id(number, today=date.max, field=field)
    except InvalidIdentifier as error:
        return error


@lru_cache(maxsize=4096)
def credit_code(code: str, field: str) -> CreditCode | InvalidIdentifier:
    try:
        return parse_credit_code(code, field=field)
    except InvalidIdentifier as error:
        return error


def same_code(a: str | None, b: str | None) -> bool:
    """Two credit codes name the same organisation (normalised: no spaces, upper case)."""
    if a is None or b is None:
        return False
    return _normal(a) == _normal(b)


_normal = lru_cache(maxsize=4096)(normalize_credit_code)
