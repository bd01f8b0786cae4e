"""What the portal tests share: the cases, the actors, and requests over HTTP."""

from __future__ import annotations

import json
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

with warnings.catch_warnings():
    # Newer Starlette asks for the httpx2 fork and warns when it finds httpx; either works.
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _case(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((EXAMPLES / "cases" / name).read_text(encoding="utf-8"))
    return body


READY = _case("new-application-ready.json")
COLLECTIVE = _case("new-application-collective-hukou.json")
AT = datetime.fromisoformat(READY["at"])
HOLDER_ID: str = READY["holder"]["holder_id"]
EMPLOYER_ID: str = READY["holder"]["association"]["employer"]["credit_code"]

APPLICANT = {"X-Actor-Role": "applicant", "X-Actor-Id": HOLDER_ID}
EMPLOYER = {"X-Actor-Role": "employer", "X-Actor-Id": EMPLOYER_ID}


def authority(level: int) -> dict[str, str]:
    return {"X-Actor-Role": "authority", "X-Actor-Id": f"reviewer-{level}",
            "X-Actor-Level": str(level)}  # fmt: skip


IMPORTER = authority(1)


def import_holder(client: TestClient, snapshot: dict[str, Any]) -> None:
    response = client.post("/holders/import", json={"snapshot": snapshot}, headers=IMPORTER)
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
