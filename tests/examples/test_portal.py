"""The example portal (examples/portal), driven over HTTP with FastAPI's TestClient.

Every test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from portal.store import StaleWrite, Store
from portal_support import (
    APPLICANT,
    AT,
    COLLECTIVE,
    EMPLOYER,
    HOLDER_ID,
    IMPORTER,
    READY,
    TestClient,
    authority,
    fire,
    history,
    import_holder,
    start_new,
)


def test_a_new_application_goes_from_draft_to_approval(client: TestClient) -> None:
    start_new(client, READY["holder"])
    view = client.get("/applications/A-1", headers=APPLICANT).json()
    options = {option["event"]: option for option in view["allowed_events"]}
    assert options["submit"]["allowed"] is True
    assert options["employer_approve"]["allowed"] is False
    steps = [
        ("submit", APPLICANT, "employer_review"),
        ("employer_approve", EMPLOYER, "awaiting_acceptance"),
        ("accept", authority(1), "authority_review_1"),
        ("pass", authority(1), "authority_review_2"),
        ("pass", authority(2), "approved"),
    ]
    version = 0
    attested: list[str] = []
    for event, actor, state in steps:
        if event == "pass" and not attested:
            attested = attest_pending(client, version, actor)
            version += len(attested)
        response = fire(client, event, version, actor)
        assert response.status_code == 200, response.text
        assert response.json()["application"]["state"] == state
        version += 1
    assert "RES-001" in attested
    holder = client.get(f"/holders/{HOLDER_ID}", headers=APPLICANT).json()["holder"]
    assert holder["permit"]["state"] == "valid"
    assert [(entry["kind"], entry["event"], entry["rule_id"]) for entry in history(client)] == [
        ("event", "submit", None), ("event", "employer_approve", None), ("event", "accept", None),
        *(("attestation", "attest", rule_id) for rule_id in attested),
        ("event", "pass", None), ("event", "pass", None),
    ]  # fmt: skip


def attest_pending(client: TestClient, version: int, reviewer: dict[str, str]) -> list[str]:
    """The reviewer attests every rule that waits for a person before passing the file."""
    check = client.get("/applications/A-1/check?event=pass", headers=reviewer).json()
    pending = [f["rule_id"] for f in check["findings"] if f["status"] == "needs_attestation"]
    for offset, rule_id in enumerate(pending):
        response = client.post(
            "/applications/A-1/attestations",
            json={"rule_id": rule_id, "note": "checked", "expected_version": version + offset},
            headers=reviewer,
        )
        assert response.status_code == 200, response.text
    return pending


def test_only_a_reviewer_attests_what_a_reviewer_judges(client: TestClient) -> None:
    start_new(client, READY["holder"])
    response = client.post(
        "/applications/A-1/attestations", json={"rule_id": "RES-001"}, headers=APPLICANT
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


def test_an_employer_sees_what_it_may_do_next(client: TestClient) -> None:
    start_new(client, READY["holder"])
    assert fire(client, "submit", 0, APPLICANT).status_code == 200
    view = client.get("/applications/A-1", headers=EMPLOYER).json()
    allowed = {o["event"] for o in view["allowed_events"] if o["allowed"]}
    assert "employer_approve" in allowed
    assert "submit" not in allowed


def test_of_two_conflicting_updates_one_gets_409_and_nothing_changes(
    client: TestClient,
) -> None:
    start_new(client, READY["holder"])
    first = fire(client, "submit", 0, APPLICANT)
    second = fire(client, "submit", 0, APPLICANT)
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["code"] == "version_conflict"
    application = client.get("/applications/A-1", headers=APPLICANT).json()["application"]
    assert (application["version"], application["state"]) == (1, "employer_review")
    assert len(history(client)) == 1


def test_a_write_that_lost_the_race_in_the_database_is_rolled_back(
    client: TestClient,
) -> None:
    start_new(client, READY["holder"])
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    from permitflow import Actor, Engine

    engine = Engine()
    with store.reading() as connection:
        before = store.application(connection, "A-1")
        holder = store.holder(connection, HOLDER_ID)
    outcome = engine.fire(before, "submit", actor=Actor.applicant(HOLDER_ID), at=AT, holder=holder)
    moved = outcome.application
    assert moved is not None
    store.write(lambda connection: store.save_application(connection, before, moved))

    def write_from_version_0(connection: Any) -> None:
        # Another request read version 0 too, and writes after the first one committed: its
        # holder write goes through, its application write finds no row, and both roll back.
        store.save_holder(connection, holder, outcome.holder)
        store.save_application(connection, before, moved)

    with pytest.raises(StaleWrite):
        store.write(write_from_version_0)
    with store.reading() as connection:
        assert store.holder(connection, HOLDER_ID) == holder
        assert store.application(connection, "A-1").version == 1
    assert len(history(client)) == 1


def test_a_retried_request_answers_the_same_and_fires_once(client: TestClient) -> None:
    start_new(client, READY["holder"])
    first = fire(client, "submit", 0, APPLICANT, **{"Idempotency-Key": "submit-1"})
    retry = fire(client, "submit", 0, APPLICANT, **{"Idempotency-Key": "submit-1"})
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert len(history(client)) == 1
    other = client.post(
        "/applications/A-1/events", json={"event": "submit", "expected_version": 1},
        headers={**APPLICANT, "Idempotency-Key": "submit-1"},
    )  # fmt: skip
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"


def test_a_retried_creation_does_not_create_twice(client: TestClient) -> None:
    body = {"snapshot": READY["holder"]}
    headers = {**IMPORTER, "Idempotency-Key": "import-1"}
    first = client.post("/holders/import", json=body, headers=headers)
    retry = client.post("/holders/import", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    again = client.post("/holders/import", json=body, headers=IMPORTER)
    assert again.status_code == 409
    assert again.json()["code"] == "already_exists"


def test_a_blocked_event_answers_422_with_the_findings(client: TestClient) -> None:
    start_new(client, COLLECTIVE["holder"])
    response = fire(client, "submit", 0, APPLICANT, **{"Accept-Language": "en"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "blocked_by_rules"
    blocking = {f["rule_id"] for f in body["findings"] if f["severity"] == "error"}
    assert "HUK-001" in blocking
    huk = next(f for f in body["findings"] if f["rule_id"] == "HUK-001")
    assert huk["citation"]["section"].startswith("M§2")
    application = client.get("/applications/A-1", headers=APPLICANT).json()["application"]
    assert (application["version"], application["state"]) == (0, "draft")


def test_findings_come_in_the_language_asked_for(client: TestClient) -> None:
    start_new(client, COLLECTIVE["holder"])

    def message(**params: Any) -> str:
        response = client.get(
            "/applications/A-1/check", params={"event": "submit", **params.get("query", {})},
            headers={**APPLICANT, **params.get("headers", {})},
        )  # fmt: skip
        finding = next(f for f in response.json()["findings"] if f["rule_id"] == "HUK-001")
        text: str = finding["message"]
        return text

    chinese = message()
    english = message(headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"})
    assert "集体户口" in chinese
    assert english.startswith("The applicant")
    assert message(query={"lang": "en"}, headers={"Accept-Language": "zh-CN"}) == english
    assert message(headers={"Accept-Language": "zh;q=0.2,en;q=0.8"}) == english
    refused = client.get("/applications/A-1/nowhere", params={"lang": "en"}, headers=APPLICANT)
    assert refused.status_code == 404


def test_holder_events_go_through_the_engine(client: TestClient) -> None:
    import_holder(client, READY["holder"])
    request = {"event": "dissociate", "expected_version": 0}
    refused = client.post(f"/holders/{HOLDER_ID}/events", json=request, headers=APPLICANT)
    assert refused.status_code == 403
    response = client.post(f"/holders/{HOLDER_ID}/events", json=request, headers=EMPLOYER)
    assert response.status_code == 200, response.text
    holder = response.json()["holder"]
    assert (holder["association"]["state"], holder["version"]) == ("dissociated", 1)


def test_a_bad_payload_is_refused_with_its_path(client: TestClient) -> None:
    assert client.post(
        "/holders", json={"holder_id": HOLDER_ID}, headers=APPLICANT
    ).status_code == 201
    request = {"event": "request_association", "payload": {"employer": {}, "code": "GL-1"}}
    response = client.post(
        f"/holders/{HOLDER_ID}/events", json=request, headers=APPLICANT, params={"lang": "en"}
    )
    assert response.status_code == 422
    assert "$.payload.employer" in response.json()["detail"]


def test_who_acts_is_required_and_checked(client: TestClient) -> None:
    start_new(client, READY["holder"])
    assert client.get("/applications/A-1").status_code == 401
    stranger = {"X-Actor-Role": "applicant", "X-Actor-Id": "11010519491231002X"}
    assert client.get("/applications/A-1", headers=stranger).status_code == 403
    response = fire(client, "submit", 0, EMPLOYER)
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert client.get("/applications/A-2", headers=APPLICANT).status_code == 404
