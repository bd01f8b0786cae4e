"""The example portal (examples/portal), driven over HTTP with FastAPI's TestClient."""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("sqlalchemy")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    # Newer Starlette asks for the httpx2 fork and warns when it finds httpx; either works.
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES))

from portal.app import create_app  # noqa: E402
from portal.store import StaleWrite, Store  # noqa: E402


def _case(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((EXAMPLES / "cases" / name).read_text(encoding="utf-8"))
    return body


READY = _case("new-application-ready.json")
COLLECTIVE = _case("new-application-collective-hukou.json")
AT = datetime.fromisoformat(READY["at"])
HOLDER_ID: str = READY["holder"]["holder_id"]
EMPLOYER_ID: str = READY["holder"]["association"]["employer"]["credit_code"]

SYSTEM = {"X-Actor-Role": "system", "X-Actor-Id": "import"}
APPLICANT = {"X-Actor-Role": "applicant", "X-Actor-Id": HOLDER_ID}
EMPLOYER = {"X-Actor-Role": "employer", "X-Actor-Id": EMPLOYER_ID}


def authority(level: int) -> dict[str, str]:
    return {"X-Actor-Role": "authority", "X-Actor-Id": f"reviewer-{level}",
            "X-Actor-Level": str(level)}  # fmt: skip


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(f"sqlite:///{tmp_path / 'portal.db'}", clock=lambda: AT)
    with TestClient(app) as test_client:
        yield test_client


def import_holder(client: TestClient, snapshot: dict[str, Any]) -> None:
    response = client.post("/holders", json={"snapshot": snapshot}, headers=SYSTEM)
    assert response.status_code == 201, response.text


def start_new(client: TestClient, snapshot: dict[str, Any], application_id: str = "A-1") -> None:
    import_holder(client, snapshot)
    response = client.post(
        "/applications",
        json={"holder_id": snapshot["holder_id"], "business_type": "new",
              "application_id": application_id},
        headers=APPLICANT,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["application"]["state"] == "draft"


def fire(
    client: TestClient, event: str, version: int, headers: dict[str, str], **extra: Any
) -> Any:
    return client.post(
        "/applications/A-1/events",
        json={"event": event, "expected_version": version},
        headers={**headers, **extra},
    )


def history(client: TestClient) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = client.get(
        "/applications/A-1/history", headers=APPLICANT
    ).json()["events"]
    return events


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
    assert [entry["event"] for entry in history(client)] == [
        "submit", "employer_approve", "accept",
        *(f"attest:{rule_id}" for rule_id in attested), "pass", "pass",
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
    assert response.json()["error"]["code"] == "not_permitted"


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
    assert second.json()["error"]["code"] == "version_conflict"
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
    with store.transaction() as connection:
        before = store.application(connection, "A-1")
        holder = store.holder(connection, HOLDER_ID)
    outcome = engine.fire(before, "submit", actor=Actor.applicant(HOLDER_ID), at=AT, holder=holder)
    assert outcome.application is not None
    with store.transaction() as connection:
        store.save_application(connection, before, outcome.application)

    def write_from_version_0() -> None:
        # Another request read version 0 too, and writes after the first one committed: its
        # holder write goes through, its application write finds no row, and both roll back.
        assert outcome.application is not None
        with store.transaction() as connection:
            store.save_holder(connection, holder, outcome.holder)
            store.save_application(connection, before, outcome.application)

    with pytest.raises(StaleWrite):
        write_from_version_0()
    with store.transaction() as connection:
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
    assert other.json()["error"]["code"] == "idempotency_key_reused"


def test_a_retried_creation_does_not_create_twice(client: TestClient) -> None:
    body = {"snapshot": READY["holder"]}
    headers = {**SYSTEM, "Idempotency-Key": "import-1"}
    first = client.post("/holders", json=body, headers=headers)
    retry = client.post("/holders", json=body, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    again = client.post("/holders", json=body, headers=SYSTEM)
    assert again.status_code == 409


def test_a_blocked_event_answers_422_with_the_findings(client: TestClient) -> None:
    start_new(client, COLLECTIVE["holder"])
    response = fire(client, "submit", 0, APPLICANT, **{"Accept-Language": "en"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "blocked_by_rules"
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
    client.post("/holders", json={"holder_id": HOLDER_ID}, headers=APPLICANT)
    request = {"event": "request_association", "payload": {"employer": {}, "code": "GL-1"}}
    response = client.post(
        f"/holders/{HOLDER_ID}/events", json=request, headers=APPLICANT, params={"lang": "en"}
    )
    assert response.status_code == 422
    assert "$.payload.employer" in response.json()["error"]["message"]


def test_who_acts_is_required_and_checked(client: TestClient) -> None:
    start_new(client, READY["holder"])
    assert client.get("/applications/A-1").status_code == 401
    stranger = {"X-Actor-Role": "applicant", "X-Actor-Id": "11010519491231002X"}
    assert client.get("/applications/A-1", headers=stranger).status_code == 403
    response = fire(client, "submit", 0, EMPLOYER)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_permitted"
    assert client.get("/applications/A-2", headers=APPLICANT).status_code == 404
