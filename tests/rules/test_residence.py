"""RES: the legal stable residence in Beijing (M§1.4, M§2 注意事项 4 and 7)."""

from __future__ import annotations

from rules_fixtures import application, context, expect, valid_holder

from permitflow.records.application import BusinessType
from permitflow.records.holder import HolderRecord
from permitflow.rules.finding import Status
from permitflow.rules.rule import RuleContext

NEW = BusinessType.NEW
PASSED, FAILED, ATTEST = Status.PASSED, Status.FAILED, Status.NEEDS_ATTESTATION


def submit(holder: HolderRecord | None = None) -> RuleContext:
    return context(holder or valid_holder(), application(NEW), "submit")


def review(holder: HolderRecord | None = None, attested: tuple[str, ...] = ()) -> RuleContext:
    app = application(NEW, "authority_review", attested=attested)
    return context(holder or valid_holder(), app, "pass")


def test_res_001_lawfulness_is_attested_by_a_reviewer() -> None:
    (finding,) = expect("RES-001", review(), ATTEST)
    assert finding.facts_dict() == {"kind": "lease"}
    expect("RES-001", review(attested=("RES-001",)), PASSED)
    (finding,) = expect("RES-001", review(valid_holder(residence=None)), ATTEST)
    assert finding.message_zh.startswith("尚未录入在京合法稳定住所证明")


def test_res_002_the_residence_is_in_one_of_the_16_districts() -> None:
    expect("RES-002", submit(), PASSED)
    tianjin = valid_holder(
        **{"residence.address": "天津市和平区南京路1号", "residence.district": None}
    )
    (finding,) = expect("RES-002", submit(tianjin), FAILED)
    assert finding.facts_dict()["address"] == "天津市和平区南京路1号"
    by_selector = valid_holder(
        **{"residence.address": "回龙观东大街1号", "residence.district": "昌平区"}
    )
    expect("RES-002", submit(by_selector), PASSED)
    nowhere = valid_holder(**{"residence.address": "回龙观东大街1号", "residence.district": None})
    expect("RES-002", submit(nowhere), FAILED)
    (finding,) = expect("RES-002", submit(valid_holder(residence=None)), FAILED)
    assert finding.message_zh.startswith("尚未录入在京合法稳定住所证明")
    assert "所选区" not in finding.message_zh


def test_res_003_the_property_is_residential() -> None:
    expect("RES-003", submit(), PASSED)
    for use in ("office", "hotel", "commercial"):
        (finding,) = expect(
            "RES-003", submit(valid_holder(**{"residence.property_use": use})), FAILED
        )
        assert finding.facts_dict() == {"use": use}
    (finding,) = expect("RES-003", submit(valid_holder(residence=None)), FAILED)
    assert finding.message_zh.startswith("尚未录入在京合法稳定住所证明，无法确认房屋用途为住宅")
    expect("RES-003", review(), ATTEST)
    expect("RES-003", review(attested=("RES-003",)), PASSED)


def test_res_004_a_residence_card_needs_the_sealed_confirmation_slip() -> None:
    expect("RES-004", submit(), PASSED)
    sealed = valid_holder(
        **{"residence.kind": "residence_card_slip", "residence.police_seal": True}
    )
    expect("RES-004", submit(sealed), PASSED)
    expect("RES-004", review(sealed), ATTEST)
    unsealed = valid_holder(**{"residence.kind": "residence_card_slip"})
    (finding,) = expect("RES-004", submit(unsealed), FAILED)
    assert finding.message_zh.startswith("《北京市居住证（卡）确认单》未加盖派出所专用章")
    screenshot = valid_holder(
        **{"residence.kind": "residence_card_image", "residence.police_seal": True}
    )
    (finding,) = expect("RES-004", submit(screenshot), FAILED)
    assert finding.message_zh.startswith("截屏、拍照等方式展示的电子居住证（卡）不具有法律效力")


def test_res_005_only_the_kinds_of_proof_the_manual_names() -> None:
    for kind in ("residence_card_slip", "house_ownership", "real_estate_title", "lease"):
        expect("RES-005", submit(valid_holder(**{"residence.kind": kind})), PASSED)
    for kind in ("residence_card_image", "other"):
        expect("RES-005", submit(valid_holder(**{"residence.kind": kind})), FAILED)
    expect("RES-005", submit(valid_holder(residence=None)), FAILED)
