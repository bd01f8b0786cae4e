"""The loader trusts nothing: every reproduction of a snapshot accepted or crashing wrongly."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from permitflow import InvalidSnapshot, from_dict, to_dict
from permitflow.engine.loadchecks import DEFAULT_LIMITS, Limits
from permitflow.records.actors import Role
from permitflow.records.application import BusinessType
from permitflow.records.holder import AssociationState
from permitflow.testing import Case


def approved() -> Case:
    case = Case.start(BusinessType.NEW).fire("submit", Role.APPLICANT)
    case = case.fire("employer_approve", Role.EMPLOYER).fire("accept", Role.AUTHORITY)
    return case.fire("pass", Role.AUTHORITY).fire("pass", Role.AUTHORITY, level=2)


@pytest.fixture(scope="module")
def case() -> Case:
    return approved()


@pytest.fixture
def app(case: Case) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(to_dict(case.application)))
    return data


@pytest.fixture
def holder(case: Case) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(to_dict(case.holder)))
    return data


def refused(data: Any, **options: Any) -> list[str]:
    with pytest.raises(InvalidSnapshot) as caught:
        from_dict(data, **options)
    errors: list[str] = caught.value.context["errors"]
    return errors


def reasons(data: Any, **options: Any) -> list[tuple[str, str]]:
    """What is wrong and where: each problem's reason and path."""
    with pytest.raises(InvalidSnapshot) as caught:
        from_dict(data, **options)
    return [(problem.reason, problem.path) for problem in caught.value.problems]


def test_a_sound_snapshot_loads_as_it_was(case: Case, app: dict[str, Any]) -> None:
    assert from_dict(app) == case.application
    assert from_dict(to_dict(case.holder)) == case.holder


# --- exact types ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [[], {}, 1, None, True])
def test_a_kind_of_the_wrong_type_is_invalid_not_a_type_error(
    app: dict[str, Any], kind: Any
) -> None:
    assert refused({**app, "kind": kind})[0].endswith("@ $.kind")


def test_schema_version_true_is_not_an_integer(app: dict[str, Any]) -> None:
    assert refused({**app, "schema_version": True})[0].endswith("@ $.schema_version")


@pytest.mark.parametrize("tips", ["ab", {"t": 1}, [1]])
def test_tips_must_be_a_list_of_strings(app: dict[str, Any], tips: Any) -> None:
    app["history"][0]["tips"] = tips
    assert any("$.history[0]" in e for e in refused(app))


def test_a_string_is_no_list_anywhere(holder: dict[str, Any]) -> None:
    holder["attachments"] = "ab"
    assert any(e.endswith("@ $.attachments") for e in refused(holder))


def test_a_state_with_a_superscript_digit_is_invalid(app: dict[str, Any]) -> None:
    app["state"] = app["history"][-1]["to_state"] = "authority_review_²"
    assert refused(app)


def test_a_lost_permit_key_is_an_error_not_no_permit(holder: dict[str, Any]) -> None:
    del holder["permit"]
    assert any(e.endswith("@ $.permit") for e in refused(holder))


def test_a_lost_nested_key_is_an_error(holder: dict[str, Any]) -> None:
    del holder["permit"]["state"]
    assert any(e.endswith("@ $.permit.state") for e in refused(holder))


# --- hard caps -----------------------------------------------------------------------------------


def test_deep_nesting_is_refused_before_it_is_read(app: dict[str, Any]) -> None:
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    app["form"]["children"] = deep
    assert reasons(app)[0][0] == "too_deep"


def test_a_review_level_beyond_the_rule_set_maximum_is_refused_at_once(
    app: dict[str, Any],
) -> None:
    app["state"] = app["history"][-1]["to_state"] = "authority_review_100000"
    errors = refused(app)
    assert errors[-1].endswith("@ $.state")


def test_many_bad_items_give_a_short_error(app: dict[str, Any]) -> None:
    app["history"] = [{"sequence": "x"}] * 100_000
    with pytest.raises(InvalidSnapshot) as caught:
        from_dict(app)
    assert len(caught.value.context["errors"]) == DEFAULT_LIMITS.max_errors
    assert caught.value.context["count"] > 100_000
    assert len(str(caught.value)) < 20_000


@pytest.mark.parametrize(
    ("limits", "mutate"),
    [
        (Limits(max_string=10), lambda d: d.update(id="x" * 11)),
        (Limits(max_items=1), lambda d: d["form"].update(children=[{}, {}])),
        (Limits(max_history=4), lambda d: None),
        (Limits(max_nodes=10), lambda d: None),
    ],
)
def test_each_cap_refuses_one_over(app: dict[str, Any], limits: Limits, mutate: Any) -> None:
    mutate(app)
    assert refused(app, limits=limits)


def test_caps_hold_at_their_value(app: dict[str, Any]) -> None:
    assert from_dict(app, limits=Limits(max_history=len(app["history"])))


def test_a_value_json_cannot_hold_is_refused(app: dict[str, Any]) -> None:
    app["id"] = b"bytes"
    assert reasons(app) == [("not_json_value", "$.id")]


# --- the history replayed as structure -----------------------------------------------------------


def test_an_entry_that_is_no_transition_is_impossible(app: dict[str, Any]) -> None:
    app["history"][0]["event"] = "pass"
    assert any(e.endswith("@ $.history[0].event") for e in refused(app))


def test_pass_fired_by_an_applicant_is_impossible(app: dict[str, Any]) -> None:
    app["history"][3]["actor"] = {"role": "applicant", "id": app["holder_id"], "level": None}
    assert any(e.endswith("@ $.history[3].actor") for e in refused(app))


def test_a_pass_by_the_wrong_level_is_impossible(app: dict[str, Any]) -> None:
    app["history"][4]["actor"]["level"] = 1
    assert any(e.endswith("@ $.history[4].actor") for e in refused(app))


def test_times_running_backwards_are_impossible(app: dict[str, Any]) -> None:
    app["history"][2]["at"] = "2020-01-01T00:00:00+08:00"
    assert any(e.endswith("@ $.history[2].at") for e in refused(app))


def test_a_duplicated_idempotency_key_is_impossible(app: dict[str, Any]) -> None:
    app["history"][0]["idempotency_key"] = app["history"][1]["idempotency_key"] = "k"
    assert any(e.endswith("@ $.history[1].idempotency_key") for e in refused(app))


def test_approved_at_version_zero_is_impossible(app: dict[str, Any]) -> None:
    app.update(version=0, history=[])
    assert any(e.endswith("@ $.state") for e in refused(app))


def test_sequence_numbers_run_one_to_n(app: dict[str, Any]) -> None:
    app["history"][1]["sequence"] = 7
    assert ("sequence", "$.history[1].sequence") in reasons(app)


def test_submitted_at_disagreeing_with_the_history_is_impossible(app: dict[str, Any]) -> None:
    app["submitted_at"] = app["history"][-1]["at"]
    assert any(e.endswith("@ $.submitted_at") for e in refused(app))


def test_a_first_event_before_the_creation_is_impossible(app: dict[str, Any]) -> None:
    app["created_at"] = "2027-01-01T00:00:00+08:00"
    assert refused(app)


def test_an_attestation_without_its_entry_is_impossible(app: dict[str, Any]) -> None:
    app["attestations"] = [
        {"rule_id": "RES-001", "actor": app["history"][3]["actor"],
         "at": app["history"][3]["at"], "note": ""}
    ]  # fmt: skip
    assert any(e.endswith("@ $.attestations") for e in refused(app))


def test_two_attachments_in_one_slot_are_impossible(holder: dict[str, Any]) -> None:
    holder["attachments"].append(copy.deepcopy(holder["attachments"][0]))
    last = len(holder["attachments"]) - 1
    assert ("second_file", f"$.attachments[{last}]") in reasons(holder)


def test_an_associated_association_without_an_employer_is_impossible(
    holder: dict[str, Any],
) -> None:
    holder["association"]["state"] = AssociationState.ASSOCIATED.value
    holder["association"]["employer"] = None
    assert any(e.endswith("@ $.association.employer") for e in refused(holder))


def test_a_holder_entry_that_is_no_transition_is_impossible(case: Case) -> None:
    with_entry = case.fire_holder("dissociate", Role.EMPLOYER)
    data = to_dict(with_entry.holder)
    assert from_dict(data) == with_entry.holder
    data["history"][-1]["actor"] = {"role": "applicant", "id": case.holder.holder_id, "level": None}
    assert any(e.endswith(".actor") for e in refused(data))


def test_a_version_one_document_still_loads(case: Case) -> None:
    data = to_dict(case.application)
    data["schema_version"] = 1
    for entry in data["history"]:
        del entry["fingerprint"]
    del data["attestations"]
    assert from_dict(data) == case.application


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:00+08:00"])
def test_a_moment_outside_the_calendar_years_is_refused(app: dict[str, Any], moment: str) -> None:
    app["created_at"] = moment
    assert any(e.endswith("@ $.created_at") for e in refused(app))
