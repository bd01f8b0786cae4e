"""The legal stable residence in Beijing (在京合法稳定住所, RES, M§1.4, M§2 注意事项 4 and 7).

The holder record carries what the proof document states (``HolderRecord.residence``); the
uploaded scan itself is the ``residence`` attachment slot.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import ClassVar

from attrs import frozen

from permitflow.addresses import is_in_beijing
from permitflow.records.holder import ProofKind, PropertyUse
from permitflow.rules.facts import Facts, Given
from permitflow.rules.finding import RuleKind, Severity
from permitflow.rules.haidian._shared import (
    RESIDENCE_BUSINESS,
    REVIEWING,
    TEXTS,
    attestation_due,
    cite,
)
from permitflow.rules.rule import (
    Rule,
    RuleContext,
    Verdict,
    awaiting_confirmation,
    failed,
    needs_attestation,
    passed,
)
from permitflow.tags import HANDING_IN

_NOTE_4 = (
    "住房材料必须合理合法，位于北京市行政区域内，且房"
    "屋用途需为住宅（办公、酒店及商用房屋不属于住宅）。"
)
_FIELD = "residence"
_PASS = (passed(_FIELD),)


@frozen
class NoResidence(Facts):
    """No residence proof is on record: what each rule asks first."""

    variant: ClassVar[str] = "no_proof"


_NO_PROOF = failed(_FIELD, NoResidence())


@frozen
class Proof(Facts):
    kind: ProofKind


# M§2 注意事项 4: 住房材料必须合理合法 — a reviewer judges the document.
def _lawful(ctx: RuleContext) -> Iterable[Verdict[Proof | NoResidence]]:
    proof = ctx.holder.residence
    if proof is None:
        return (needs_attestation(_FIELD, NoResidence()),)
    return (needs_attestation(_FIELD, Proof(proof.kind)),)


RES_001 = Rule(
    id="RES-001",
    kind=RuleKind.ATTESTATION,
    severity=Severity.ERROR,
    group="res",
    business_types=RESIDENCE_BUSINESS,
    tags=REVIEWING,
    citation=cite("M§2 注意事项 4", _NOTE_4),
    texts=TEXTS,
    check=_lawful,
)


@lru_cache(maxsize=4096)
def _in_beijing(address: str, district: str | None) -> bool:
    return is_in_beijing(address, district)


# M§2 注意事项 4: 住房材料……位于北京市行政区域内 — the address (or the district chosen next to it)
# lies in one of the 16 districts, and no other province is named.
@frozen
class Outside(Facts):
    address: str
    district: Given


def _inside_beijing(ctx: RuleContext) -> Iterable[Verdict[Outside | NoResidence]]:
    proof = ctx.holder.residence
    if proof is None:
        return (_NO_PROOF,)
    if _in_beijing(proof.address, proof.district):
        return _PASS
    return (failed(_FIELD, Outside(proof.address, Given(proof.district))),)


RES_002 = Rule(
    id="RES-002",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="res",
    tags=HANDING_IN,
    business_types=RESIDENCE_BUSINESS,
    citation=cite("M§2 注意事项 4", _NOTE_4),
    texts=TEXTS,
    check=_inside_beijing,
)


# M§2 注意事项 4: 且房屋用途需为住宅（办公、酒店及商用房屋不属于住宅） — machine half: the recorded
# use is residential; human half at review: the deed or lease says so.
@frozen
class NotResidential(Facts):
    use: PropertyUse


def _residential(ctx: RuleContext) -> Iterable[Verdict[NotResidential | NoResidence]]:
    proof = ctx.holder.residence
    if proof is None:
        return (_NO_PROOF,)
    if proof.property_use is not PropertyUse.RESIDENTIAL:
        return (failed(_FIELD, NotResidential(proof.property_use)),)
    if attestation_due(ctx):
        return (awaiting_confirmation(_FIELD, use=proof.property_use.value),)
    return _PASS


RES_003 = Rule(
    id="RES-003",
    kind=RuleKind.HYBRID,
    severity=Severity.ERROR,
    group="res",
    tags=HANDING_IN | REVIEWING,
    business_types=RESIDENCE_BUSINESS,
    citation=cite("M§2 注意事项 4", _NOTE_4),
    texts=TEXTS,
    check=_residential,
)


# M§2 注意事项 7: 申请人提供在京合法住所证明材料时，如使用《北京市居住证（卡）》需提供加盖派出所
# 专用章的《北京市居住证（卡）确认单》。……通过截屏、拍照等方式展示的电子居住证（卡）不具有法律效力。
# — machine half: no image of the electronic card, a slip carries the seal; human half at
# review: the seal on the slip is the police station's.
@frozen
class CardImage(Facts):
    variant: ClassVar[str] = "image"


@frozen
class NoSeal(Facts):
    variant: ClassVar[str] = "no_seal"


def _card_slip(ctx: RuleContext) -> Iterable[Verdict[CardImage | NoSeal]]:
    proof = ctx.holder.residence
    if proof is None or proof.kind not in (
        ProofKind.RESIDENCE_CARD_SLIP,
        ProofKind.RESIDENCE_CARD_IMAGE,
    ):
        return _PASS
    if proof.kind is ProofKind.RESIDENCE_CARD_IMAGE:
        return (failed(_FIELD, CardImage()),)
    if not proof.police_seal:
        return (failed(_FIELD, NoSeal()),)
    if attestation_due(ctx):
        return (awaiting_confirmation(_FIELD, kind=proof.kind.value),)
    return _PASS


RES_004 = Rule(
    id="RES-004",
    kind=RuleKind.HYBRID,
    severity=Severity.ERROR,
    group="res",
    tags=HANDING_IN | REVIEWING,
    business_types=RESIDENCE_BUSINESS,
    citation=cite(
        "M§2 注意事项 7",
        "申请人提供在京合法住所证明材料时，如使用《北京市居住证（卡）》需提供加盖派出所专用章的"
        "《北京市居住证（卡）确认单》。",
    ),
    texts=TEXTS,
    check=_card_slip,
)


# M§1.4: 现居住地址：应按……《北京市居住证（卡）确认单》、自有住房的《房屋所有权证》或《不动产
# 权证书》或房屋租赁合同、协议中记载的完整地址填写 — the kinds of proof the manual names
# (parameter residence.accepted_proofs).
def _accepted_kind(ctx: RuleContext) -> Iterable[Verdict[Proof | NoResidence]]:
    proof = ctx.holder.residence
    if proof is None:
        return (_NO_PROOF,)
    if proof.kind.value in ctx.params["residence.accepted_proofs"]:
        return _PASS
    return (failed(_FIELD, Proof(proof.kind)),)


RES_005 = Rule(
    id="RES-005",
    kind=RuleKind.MACHINE,
    severity=Severity.ERROR,
    group="res",
    tags=HANDING_IN,
    business_types=RESIDENCE_BUSINESS,
    citation=cite(
        "M§1.4 “个人基础信息”填写标准",
        "现居住地址：应按个人附件“在京合法稳定住所证明”中上传的《北京市居住证（卡）确认单》、"
        "自有住房的《房屋所有权证》或《不动产权证书》或房屋租赁合同、协议中记载的完整地址填写",
    ),
    texts=TEXTS,
    parameters={"residence.accepted_proofs": list},
    check=_accepted_kind,
)

RULES: tuple[Rule, ...] = (RES_001, RES_002, RES_003, RES_004, RES_005)
