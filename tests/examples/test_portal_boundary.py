"""The portal's trust boundary and its limits: who creates, imports and reads what; how large and
how long a request may be; how errors and the API itself are described.

Every test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from portal.app import create_app
from portal_support import (
    APPLICANT,
    EMPLOYER,
    EMPLOYER_ID,
    HOLDER_ID,
    IMPORTER,
    READY,
    TestClient,
    authority,
    import_holder,
    start_new,
)

import permitflow
from permitflow import Profile

PROFILE: dict[str, Any] = READY["holder"]["profile"]
OTHER_EMPLOYER = {"X-Actor-Role": "employer", "X-Actor-Id": "91110000600037341L"}


# --- creating and importing records -------------------------------------------------------------


JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
PDF = b"%PDF-1.7\n" + b"0" * 3000


def upload(client: TestClient, name: str, content: bytes) -> dict[str, Any]:
    response = client.post("/files", params={"name": name}, content=content, headers=APPLICANT)
    assert response.status_code == 201, response.text
    file: dict[str, Any] = response.json()["file"]
    return file


def test_an_applicant_opens_a_record_from_the_basic_information(client: TestClient) -> None:
    photo = {"file": upload(client, "photo.jpg", JPEG), "uploaded_on": "2026-03-06"}
    profile = {**PROFILE, "photo": photo}
    response = client.post(
        "/holders", json={"holder_id": HOLDER_ID, "profile": profile}, headers=APPLICANT
    )
    assert response.status_code == 201, response.text
    holder = response.json()["holder"]
    assert holder["version"] == 1
    assert [entry["event"] for entry in holder["history"]] == ["edit_profile"]
    assert permitflow.structure(holder["profile"], Profile) == permitflow.structure(
        profile, Profile
    )
    stored = client.get(f"/holders/{HOLDER_ID}", headers=APPLICANT).json()["holder"]
    assert stored == holder


def test_an_applicant_cannot_bring_a_snapshot_that_grants_what_others_grant(
    client: TestClient,
) -> None:
    # A self-made record with a valid permit and an association nobody approved.
    forged = {"holder_id": HOLDER_ID, "snapshot": READY["holder"]}
    response = client.post("/holders", json=forged, headers=APPLICANT)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    as_import = client.post("/holders/import", json={"snapshot": READY["holder"]},
                            headers=APPLICANT)  # fmt: skip
    assert as_import.status_code == 403
    assert client.get(f"/holders/{HOLDER_ID}", headers=APPLICANT).status_code == 404


def test_a_record_is_opened_only_by_its_holder(client: TestClient) -> None:
    for actor in (EMPLOYER, {"X-Actor-Role": "system", "X-Actor-Id": "import"}, IMPORTER):
        response = client.post("/holders", json={"holder_id": HOLDER_ID}, headers=actor)
        assert response.status_code == 403, actor
    other = {"X-Actor-Role": "applicant", "X-Actor-Id": "11010519491231002X"}
    assert client.post("/holders", json={"holder_id": HOLDER_ID}, headers=other).status_code == 403


def test_only_an_authority_imports_a_whole_record_and_the_import_is_kept(
    client: TestClient,
) -> None:
    system = {"X-Actor-Role": "system", "X-Actor-Id": "import"}
    for actor in (APPLICANT, EMPLOYER, system):
        response = client.post("/holders/import", json={"snapshot": READY["holder"]}, headers=actor)
        assert response.status_code == 403, actor
        assert response.json()["code"] == "not_permitted"
    import_holder(client, READY["holder"])
    store = client.app.state.store  # type: ignore[attr-defined]
    [kept] = store.imports_of(HOLDER_ID)
    assert kept["actor"] == "authority L1 (reviewer-1)"
    assert (kept["version"], len(kept["digest"])) == (READY["holder"]["version"], 64)


def test_an_import_is_loaded_strictly(client: TestClient) -> None:
    broken = copy.deepcopy(READY["holder"])
    broken["association"]["state"] = "befriended"
    response = client.post("/holders/import", json={"snapshot": broken}, headers=IMPORTER)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_snapshot"
    application = {"kind": "application", "holder_id": HOLDER_ID}
    response = client.post("/holders/import", json={"snapshot": application}, headers=IMPORTER)
    assert response.status_code == 422


def test_an_import_whose_history_no_sequence_of_events_produces_is_refused(
    client: TestClient,
) -> None:
    forged = copy.deepcopy(READY["holder"])
    forged["version"] = 1
    forged["history"] = [{
        "sequence": 1, "event": "approve_association", "from_state": "requested",
        "to_state": "associated", "at": "2026-01-05T09:00:00+08:00",
        "actor": {"role": "applicant", "id": HOLDER_ID, "level": None},
    }]  # fmt: skip
    response = client.post("/holders/import", json={"snapshot": forged}, headers=IMPORTER)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_snapshot"
    assert "$.history[0].actor" in response.json()["detail"]
    assert client.get(f"/holders/{HOLDER_ID}", headers=IMPORTER).status_code == 404
    store = client.app.state.store  # type: ignore[attr-defined]
    assert store.imports_of(HOLDER_ID) == []


# --- files ---------------------------------------------------------------------------------------


def test_an_uploaded_file_is_described_from_its_bytes(client: TestClient) -> None:
    file = upload(client, "edu_cert.pdf", PDF)
    assert file["name"] == "edu_cert.pdf"
    assert file["size_bytes"] == len(PDF)
    assert len(file["sha256"]) == 64
    assert upload(client, "again.pdf", PDF)["sha256"] == file["sha256"]


def _attach(client: TestClient, file: dict[str, Any]) -> Any:
    payload = {"slot": "edu_cert", "file": file, "uploaded_on": "2026-03-06"}
    return client.post(
        f"/holders/{HOLDER_ID}/events", json={"event": "upload_attachment", "payload": payload},
        headers={**APPLICANT, "Accept-Language": "en"},
    )  # fmt: skip


def test_an_attachment_refers_to_bytes_the_portal_was_handed(client: TestClient) -> None:
    import_holder(client, {**READY["holder"], "attachments": []})
    file = upload(client, "edu_cert.pdf", PDF)
    # Declared larger than the bytes handed in: a large file passed off as a small one, or back.
    inflated = _attach(client, {**file, "size_bytes": 1000})
    assert inflated.status_code == 422
    assert inflated.json()["code"] == "invalid_input"
    never_uploaded = {**file, "sha256": "0" * 64}
    refused = _attach(client, never_uploaded)
    assert (refused.status_code, refused.json()["code"]) == (422, "file_not_uploaded")
    no_digest = {key: value for key, value in file.items() if key != "sha256"}
    assert _attach(client, no_digest).status_code == 422
    accepted = _attach(client, file)
    assert accepted.status_code == 200, accepted.text
    [attachment] = accepted.json()["holder"]["attachments"]
    assert attachment["file"] == file


def test_a_file_over_its_limit_is_refused_with_413(database: str) -> None:
    app = create_app(database, file_limit=4096)
    with TestClient(app) as client:
        assert client.post("/files", params={"name": "a.pdf"}, content=PDF,
                           headers=APPLICANT).status_code == 201  # fmt: skip
        big = client.post("/files", params={"name": "b.pdf"}, content=PDF * 2, headers=APPLICANT)
        assert (big.status_code, big.json()["code"]) == (413, "body_too_large")
    app.state.store.engine.dispose()


# --- who reads what -----------------------------------------------------------------------------


def test_a_requested_employer_does_not_read_the_record(client: TestClient) -> None:
    requested = copy.deepcopy(READY["holder"])
    requested["association"]["state"] = "requested"
    import_holder(client, requested)
    assert client.get(f"/holders/{HOLDER_ID}", headers=EMPLOYER).status_code == 403
    assert client.get(f"/holders/{HOLDER_ID}", headers=APPLICANT).status_code == 200
    assert client.get(f"/holders/{HOLDER_ID}", headers=authority(2)).status_code == 200


def test_the_approved_employer_reads_the_record_and_no_other(client: TestClient) -> None:
    import_holder(client, READY["holder"])
    assert client.get(f"/holders/{HOLDER_ID}", headers=EMPLOYER).status_code == 200
    refused = client.get(f"/holders/{HOLDER_ID}", headers=OTHER_EMPLOYER)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_permitted"


def test_an_application_is_read_by_the_employer_that_handles_it(client: TestClient) -> None:
    start_new(client, READY["holder"])
    application = client.get("/applications/A-1", headers=EMPLOYER).json()["application"]
    assert application["employer_id"] == EMPLOYER_ID
    for path in ("/applications/A-1", "/applications/A-1/history",
                 "/applications/A-1/check?event=submit"):  # fmt: skip
        assert client.get(path, headers=EMPLOYER).status_code == 200, path
        assert client.get(path, headers=OTHER_EMPLOYER).status_code == 403, path


# --- limits -------------------------------------------------------------------------------------


@pytest.fixture
def small_client(database: str) -> Iterator[TestClient]:
    app = create_app(database, body_limit=2048)
    with TestClient(app) as test_client:
        yield test_client
    app.state.store.engine.dispose()


def test_a_body_over_the_limit_is_refused_with_413(small_client: TestClient) -> None:
    at_limit = {"holder_id": HOLDER_ID, "profile": None}
    assert small_client.post("/holders", json=at_limit, headers=APPLICANT).status_code == 201
    large = {"snapshot": {"holder_id": "x", "padding": "x" * 4096}}
    response = small_client.post("/holders/import", json=large, headers=IMPORTER)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "body_too_large"

    def chunks() -> Iterator[bytes]:
        yield b'{"snapshot": {"padding": "'
        for _ in range(8):
            yield b"x" * 512
        yield b'"}}'

    streamed = small_client.post(
        "/holders/import", content=chunks(),
        headers={**IMPORTER, "Content-Type": "application/json"},
    )  # fmt: skip
    assert streamed.status_code == 413


@pytest.mark.parametrize(
    "holder_id", ["1" * 33, "11010519491231002\x00", ""], ids=["too long", "NUL", "empty"]
)
def test_an_id_the_column_cannot_hold_is_refused_before_the_database(
    client: TestClient, holder_id: str
) -> None:
    created = client.post("/holders", json={"holder_id": holder_id}, headers=APPLICANT)
    assert created.status_code in (403, 422)
    as_self = {"X-Actor-Role": "applicant", "X-Actor-Id": holder_id or "x"}
    created = client.post("/holders", json={"holder_id": holder_id}, headers=as_self)
    assert created.status_code in (401, 422)
    start = client.post(
        "/applications", json={"holder_id": holder_id, "business_type": "new"},
        headers=APPLICANT,
    )  # fmt: skip
    assert start.status_code == 422
    if holder_id:
        path = holder_id.replace("\x00", "%00")
        assert client.get(f"/holders/{path}", headers=APPLICANT).status_code == 422
        assert client.get(f"/applications/{path * 2}", headers=APPLICANT).status_code == 422


def test_an_idempotency_key_or_actor_too_long_for_its_column_is_refused(
    client: TestClient,
) -> None:
    import_holder(client, READY["holder"])
    request = {"event": "dissociate", "expected_version": 0}
    long_key = {**EMPLOYER, "Idempotency-Key": "k" * 256}
    response = client.post(f"/holders/{HOLDER_ID}/events", json=request, headers=long_key)
    assert response.status_code == 422
    long_actor = {"X-Actor-Role": "employer", "X-Actor-Id": "9" * 65}
    assert client.get(f"/holders/{HOLDER_ID}", headers=long_actor).status_code == 401
    snapshot = copy.deepcopy(READY["holder"])
    snapshot["holder_id"] = "1" * 40
    response = client.post("/holders/import", json={"snapshot": snapshot}, headers=IMPORTER)
    assert response.status_code == 422


# --- errors and the API description -------------------------------------------------------------


def test_errors_are_problem_details_with_the_permitflow_code(client: TestClient) -> None:
    start_new(client, READY["holder"])
    response = client.post(
        "/applications/A-1/events", json={"event": "employer_approve", "expected_version": 0},
        headers={**EMPLOYER, "Accept-Language": "en"},
    )  # fmt: skip
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"urn:permitflow:problem:{body['code']}"
    assert body["status"] == 409
    assert body["code"] == "event_not_allowed"
    assert body["detail"] == body["title"] != ""
    missing = client.get("/nowhere", headers=APPLICANT)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    nobody = client.get("/applications/A-1")
    assert (nobody.status_code, nobody.json()["code"]) == (401, "actor_required")
    unknown_role = client.get("/applications/A-1", headers={**APPLICANT, "X-Actor-Role": "king"})
    assert unknown_role.status_code == 401


def test_the_openapi_document_describes_every_answer(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            answers = set(operation["responses"])
            expected = {"401", "403", "404", "413", "422", "503"}
            if method == "post":
                expected.add("409")
            assert expected <= answers, (method, path)
            success = next(code for code in answers if code.startswith("2"))
            schema = operation["responses"][success]["content"]["application/json"]["schema"]
            assert "$ref" in schema, (method, path)
            problem = operation["responses"]["403"]["content"]["application/problem+json"]
            assert problem["schema"]["$ref"].endswith("/Problem")
            headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
            assert headers["x-actor-role"]["required"] is True
            assert headers["x-actor-id"]["required"] is True
            assert headers["x-actor-level"].get("required", False) is False


def test_the_interactive_documentation_works_offline(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        assert "https://" not in html, page
        assets = [part.split('"')[0] for part in html.split('src="')[1:]]
        assets += [part.split('"')[0] for part in html.split('href="')[1:]]
        assert assets, page
        for asset in assets:
            assert client.get(asset).status_code == 200, asset
