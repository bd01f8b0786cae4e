from __future__ import annotations

import json
from datetime import date
from typing import Any

import attrs
import pytest
from engine_sample import APPLICANT, EMPLOYER, EMPLOYER_ID, T0, make_engine

from permitflow.engine.engine import Engine
from permitflow.engine.snapshot import SCHEMA_VERSION, from_dict, to_dict
from permitflow.errors import InvalidSnapshot
from permitflow.records.application import Application, BusinessType
from permitflow.records.holder import (
    Attachment,
    FileInfo,
    HolderRecord,
    Hukou,
    HukouKind,
    PermitState,
    Slot,
)
from permitflow.testing import valid_holder


def lived(engine: Engine, holder: HolderRecord) -> tuple[Application, HolderRecord]:
    app = engine.start("new", holder=holder, application_id="A1", at=T0, employer_id=EMPLOYER_ID)
    out = engine.fire(app, "submit", actor=APPLICANT, at=T0, holder=holder, idempotency_key="s")
    out = engine.fire(out.application, "employer_return", actor=EMPLOYER, at=T0,
                      holder=out.holder, opinion="请补充材料")  # fmt: skip
    return out.application, out.holder


def roundtrip(snapshot: Any) -> Any:
    return make_engine().load(json.loads(json.dumps(to_dict(snapshot))))


def test_an_application_with_history_round_trips(engine: Engine, holder: HolderRecord) -> None:
    app, after = lived(engine, holder)
    assert roundtrip(app) == app
    assert roundtrip(after) == after


def test_the_dict_is_plain_json_with_a_schema_version(engine: Engine, holder: HolderRecord) -> None:
    app, _ = lived(engine, holder)
    data = to_dict(app)
    assert data["kind"] == "application"
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["created_at"] == T0.isoformat()
    assert data["history"][1]["opinion"] == "请补充材料"
    json.dumps(data)


def test_bytes_travel_as_base64(holder: HolderRecord) -> None:
    file = FileInfo("d.pdf", 10, b"%PDF-1.7\x00\xff")
    with_file = HolderRecord(holder.holder_id, attachments=(
        Attachment(Slot.EDU_CERT, file, date(2026, 1, 5)),))  # fmt: skip
    data = to_dict(with_file)
    assert data["attachments"][0]["file"]["head"] == "JVBERi0xLjcA/w=="
    assert roundtrip(with_file) == with_file


def load_errors(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InvalidSnapshot) as caught:
        make_engine().load(data)
    errors: list[str] = caught.value.context["errors"]
    return errors


def test_unknown_keys_and_wrong_types_are_named_by_path(
    engine: Engine, holder: HolderRecord
) -> None:
    data = to_dict(lived(engine, holder)[0])
    data["colour"] = "red"
    data["history"][0]["sequence"] = "1"
    errors = load_errors(data)
    assert any(e.endswith("@ $.history[0].sequence") for e in errors)
    assert any(e.endswith("@ $.colour") for e in errors)


def test_a_naive_datetime_is_refused(engine: Engine, holder: HolderRecord) -> None:
    data = to_dict(lived(engine, holder)[0])
    data["created_at"] = "2026-03-02T09:00:00"
    assert any(e.endswith("@ $.created_at") for e in load_errors(data))


def test_a_version_that_disagrees_with_the_history_is_impossible(
    engine: Engine, holder: HolderRecord
) -> None:
    data = to_dict(lived(engine, holder)[0])
    data["version"] = 7
    assert any(e.endswith("@ $.version") for e in load_errors(data))


def test_a_state_that_disagrees_with_the_history_is_impossible(
    engine: Engine, holder: HolderRecord
) -> None:
    data = to_dict(lived(engine, holder)[0])
    data["state"] = "approved"
    assert any(e.endswith("@ $.state") for e in load_errors(data))


def test_a_state_the_business_type_lacks_is_impossible(
    engine: Engine, holder: HolderRecord
) -> None:
    data = to_dict(lived(engine, holder)[0])
    data["state"] = data["history"][-1]["to_state"] = "authority_review_7"
    with pytest.raises(InvalidSnapshot) as caught:
        engine.load(data)
    assert caught.value.context["path"] == "$.state"


def test_an_unknown_business_type_or_kind_is_refused(engine: Engine, holder: HolderRecord) -> None:
    data = to_dict(lived(engine, holder)[0])
    (error,) = load_errors({**data, "business_type": "visa"})
    assert error.endswith("got “visa” @ $.business_type")
    assert all(f"({kind.value})" in error for kind in BusinessType)
    assert any(e.endswith("@ $.kind") for e in load_errors({**data, "kind": "x"}))
    assert any(e.endswith("@ $.schema_version") for e in load_errors({**data, "schema_version": 0}))


def test_a_form_field_error_is_named_inside_the_form(engine: Engine, holder: HolderRecord) -> None:
    data = to_dict(lived(engine, holder)[0])
    data["form"]["permit_type"] = 3
    assert any(e.endswith("@ $.form.permit_type") for e in load_errors(data))


def test_something_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidSnapshot):
        from_dict([])  # type: ignore[arg-type]


def test_a_payload_is_built_from_json_with_paths_on_error() -> None:
    from permitflow.engine.snapshot import structure, unstructure
    from permitflow.errors import InvalidInput
    from permitflow.records.application import NewForm

    form = NewForm()
    assert structure(unstructure(form), NewForm) == form
    with pytest.raises(InvalidInput) as caught:
        structure({"permit_type": "alien", "children": []}, NewForm)
    assert caught.value.context["field"] == "$.permit_type"


def test_former_permits_round_trip_and_are_read_strictly() -> None:
    expired = valid_holder(permit_state=PermitState.EXPIRED).permit
    cancelled = valid_holder(permit_state=PermitState.CANCELLED).permit
    holder = HolderRecord("11010519491231002X", former_permits=(expired, cancelled))
    data = to_dict(holder)
    assert [p["state"] for p in data["former_permits"]] == ["expired", "cancelled"]
    assert roundtrip(holder) == holder
    assert roundtrip(HolderRecord("11010519491231002X")).former_permits == ()
    data["former_permits"][0]["expires_on"] = "soon"
    assert any(e.endswith("@ $.former_permits[0].expires_on") for e in load_errors(data))


def test_leaving_day_registration_day_and_moving_day_round_trip() -> None:
    holder = valid_holder()
    assert holder.association.employer is not None
    assert holder.profile.general is not None
    moved = attrs.evolve(holder.association.employer, in_beijing=False,
                         moved_out_on=date(2026, 3, 1))  # fmt: skip
    hukou = Hukou(HukouKind.FAMILY, "11", "北京市海淀区", registered_on=date(2026, 2, 1))
    general = attrs.evolve(holder.profile.general, hukou=hukou)
    holder = attrs.evolve(
        holder,
        association=attrs.evolve(holder.association, employer=moved, left_on=date(2026, 3, 2)),
        profile=attrs.evolve(holder.profile, general=general),
    )
    data = to_dict(holder)
    assert data["association"]["left_on"] == "2026-03-02"
    assert data["association"]["employer"]["moved_out_on"] == "2026-03-01"
    assert data["profile"]["general"]["hukou"]["registered_on"] == "2026-02-01"
    assert roundtrip(holder) == holder


def test_each_problem_names_the_field_the_value_and_the_form_expected() -> None:
    data = json.loads(json.dumps(to_dict(valid_holder())))
    data["permit"]["expires_on"] = "31/12/2026"
    data["profile"]["general"]["hukou"]["kind"] = "village"
    data["profile"]["general"]["phone"] = 13800138000
    del data["association"]["code"]
    with pytest.raises(InvalidSnapshot) as caught:
        from_dict(data)
    said = {problem.path: problem.words("zh") for problem in caught.value.problems}
    assert said == {
        "$.profile.general.phone": "手机号码（$.profile.general.phone）应为文字，现为“13800138000”",
        "$.profile.general.hukou.kind": (
            "户口性质（$.profile.general.hukou.kind）应为以下之一：家庭户（family）、集体户口"
            "（collective）、学校临时户口（school_temporary），现为“village”"
        ),
        "$.association.code": "缺少关联码（$.association.code），应为文字，也可留空（“null”）",
        "$.permit.expires_on": (
            "有效期至（$.permit.expires_on）应为日期，格式 YYYY-MM-DD，也可留空（“null”），"
            "现为“31/12/2026”"
        ),
    }
    assert caught.value.message("en").startswith(
        "The snapshot cannot be loaded: mobile phone number ($.profile.general.phone): expected "
        "text, got “13800138000”; "
    )
    assert {p["reason"] for p in caught.value.context["problems"]} == {"wrong", "missing"}
