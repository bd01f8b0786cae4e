"""The portal's request and response bodies, as the OpenAPI document shows them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .store import ACTOR_ID_LENGTH, APPLICATION_ID_LENGTH, HOLDER_ID_LENGTH, KEY_LENGTH

# Ids are checked against their column before any query: no NUL, no longer than the column.
_NO_NUL = r"^[^\x00]+$"
HolderId = Annotated[
    str, StringConstraints(min_length=1, max_length=HOLDER_ID_LENGTH, pattern=_NO_NUL)
]
ApplicationId = Annotated[
    str, StringConstraints(min_length=1, max_length=APPLICATION_ID_LENGTH, pattern=_NO_NUL)
]
ActorId = Annotated[
    str, StringConstraints(min_length=1, max_length=ACTOR_ID_LENGTH, pattern=_NO_NUL)
]
IdempotencyKey = Annotated[
    str, StringConstraints(min_length=1, max_length=KEY_LENGTH, pattern=_NO_NUL)
]
FileName = Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=_NO_NUL)]
Snapshot = Annotated[
    dict[str, Any], Field(description="A record as written by permitflow.to_dict.")
]


# --- requests -----------------------------------------------------------------------------------


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewHolder(_Body):
    """A new record of the acting applicant, optionally with the basic information filled in."""

    holder_id: HolderId
    profile: dict[str, Any] | None = Field(
        default=None, description="The basic information (permitflow.Profile), saved as the "
        "record's first event, edit_profile.",
    )  # fmt: skip


class HolderImport(_Body):
    """A complete record brought over from another system: authority only, audited."""

    snapshot: Snapshot


class HolderEvent(_Body):
    event: str = Field(max_length=128)
    expected_version: int | None = None
    payload: dict[str, Any] | None = None


class NewApplication(_Body):
    holder_id: HolderId
    business_type: str = Field(max_length=32)
    application_id: ApplicationId | None = None
    form: dict[str, Any] | None = None


class AttestationBody(_Body):
    rule_id: str = Field(max_length=32)
    note: str = ""
    expected_version: int | None = None


class ApplicationEvent(_Body):
    event: str = Field(max_length=128)
    expected_version: int | None = None
    payload: dict[str, Any] | None = None
    opinion: str | None = None
    tips: list[str] = []


# --- responses ----------------------------------------------------------------------------------


class FindingOut(BaseModel):
    rule_id: str
    severity: str
    status: str
    field: str | None
    message: str
    citation: dict[str, str]
    facts: dict[str, Any]


class EventOptionOut(BaseModel):
    event: str
    allowed: bool
    label: str
    dest: str | None
    reason: str | None
    reason_message: str | None
    findings: list[FindingOut]


class FileOut(BaseModel):
    file: dict[str, Any] = Field(
        description="What a record keeps of the file (permitflow.FileInfo): name, real length, "
        "first bytes, SHA-256."
    )


class HolderView(BaseModel):
    holder: Snapshot
    allowed_events: list[EventOptionOut]


class HolderOut(BaseModel):
    holder: Snapshot


class HolderChanged(BaseModel):
    holder: Snapshot
    findings: list[FindingOut]


class ApplicationOut(BaseModel):
    application: Snapshot


class ApplicationView(BaseModel):
    application: Snapshot
    allowed_events: list[EventOptionOut]


class ApplicationChanged(BaseModel):
    application: Snapshot
    holder_version: int
    findings: list[FindingOut]


class CheckOut(BaseModel):
    event: str
    blocked: bool
    findings: list[FindingOut]


class HistoryEntry(BaseModel):
    version: int
    event: str
    kind: str = Field(description="event, or attestation (of the rule rule_id)")
    rule_id: str | None
    from_state: str
    to_state: str
    actor: str
    at: str


class HistoryOut(BaseModel):
    events: list[HistoryEntry]


class Problem(BaseModel):
    """An error, as RFC 9457 problem details, with the permitflow error code."""

    type: str = Field(description="urn:permitflow:problem:<code>")
    title: str
    status: int
    detail: str
    code: str = Field(description="The stable error code (permitflow's, or the portal's own).")
    context: dict[str, Any] = {}
    findings: list[FindingOut] | None = None
