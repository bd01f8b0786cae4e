"""Stored documents of every older schema version load as the current version.

The documents in ``snapshots_v2/`` were written by permitflow while version 2 was current: a new
application returned once by the employer and once by the authority, with eleven attestations
(some under idempotency keys, one with a note) and a twelfth after the return; its holder's
record; and an application just submitted.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from permitflow import SCHEMA_VERSION, Actor, Engine, InvalidSnapshot, from_dict, to_dict
from permitflow.engine.upgrades import UPGRADES, VERSIONS
from permitflow.records.application import Application
from permitflow.records.audit import EntryKind
from permitflow.records.holder import HolderRecord
from permitflow.testing import Case

STORED = Path(__file__).parent / "snapshots_v2"


def stored(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((STORED / f"{name}.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 2
    return data


def as_version_3(entry: dict[str, Any]) -> dict[str, Any]:
    """A version 2 entry as version 3 writes it, spelled out for the test."""
    event: str = entry["event"]
    if event.startswith("attest:"):
        return {**entry, "kind": "attestation", "event": "attest", "rule_id": event[7:]}
    return {**entry, "kind": "event", "rule_id": None}


def loaded_application() -> Application:
    application = from_dict(stored("application-attested"))
    assert isinstance(application, Application)
    return application


def loaded_holder() -> HolderRecord:
    holder = from_dict(stored("holder-attested"))
    assert isinstance(holder, HolderRecord)
    return holder


def reasons(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InvalidSnapshot) as caught:
        from_dict(data)
    return [(problem.reason, problem.path) for problem in caught.value.problems]


def test_every_older_version_has_its_upgrade_to_the_next() -> None:
    assert SCHEMA_VERSION == 3
    assert sorted(UPGRADES) == list(range(1, SCHEMA_VERSION))
    assert VERSIONS == (1, 2, 3)


@pytest.mark.parametrize(
    "name", ["application-attested", "holder-attested", "application-submitted"]
)
def test_a_version_2_document_loads_as_version_3_exactly(name: str) -> None:
    data = stored(name)
    untouched = copy.deepcopy(data)
    snapshot = from_dict(data)
    assert data == untouched  # the stored document is read, not rewritten
    written = to_dict(snapshot)
    assert written == {
        **data, "schema_version": 3, "history": [as_version_3(e) for e in data["history"]],
    }  # fmt: skip
    assert from_dict(written) == snapshot
    assert from_dict(json.loads(json.dumps(written, ensure_ascii=False))) == snapshot


def test_the_attestation_entries_of_version_2_are_attestations_of_their_rules() -> None:
    data = stored("application-attested")
    application = loaded_application()
    spelled = [e["event"][7:] for e in data["history"] if e["event"].startswith("attest:")]
    kinds = [(e.kind, e.rule_id) for e in application.history]
    assert [rule for kind, rule in kinds if kind is EntryKind.ATTESTATION] == spelled
    assert all(rule is None for kind, rule in kinds if kind is EntryKind.EVENT)
    assert len(spelled) == 12
    # The return cleared the first round; only the attestation given since holds.
    assert [a.rule_id for a in application.attestations] == ["BI-002"]
    assert application.attested("BI-002") is not None


def test_a_retried_attestation_stored_in_version_2_replays_by_its_key() -> None:
    application, holder = loaded_application(), loaded_holder()
    engine = Engine()
    reviewer = Actor.authority(1, "reviewer-1")
    at = datetime.fromisoformat("2026-03-16T13:40:00+08:00")
    latest = engine.attest(application, "BI-002", actor=reviewer, at=at, holder=holder,
                           idempotency_key="req-attest-again")  # fmt: skip
    assert latest.replayed
    assert latest.application == application
    # A key of the first round, before the return, with the note it was given with.
    earlier = engine.attest(application, "BI-002", actor=reviewer, at=at, holder=holder,
                            note="已核验原件", idempotency_key="req-attest-0")  # fmt: skip
    assert earlier.replayed
    submitted = engine.fire(application, "submit", actor=Actor.applicant(holder.holder_id),
                            at=at, holder=holder, idempotency_key="req-submit-1")  # fmt: skip
    assert submitted.replayed


def test_a_version_the_loader_does_not_know_is_refused_naming_the_known_ones() -> None:
    data = to_dict(Case.start("new").fire("submit", "applicant").application)
    for version in (0, SCHEMA_VERSION + 1, "3", None):
        with pytest.raises(InvalidSnapshot) as caught:
            from_dict({**data, "schema_version": version})
        (problem,) = caught.value.problems
        assert problem.path == "$.schema_version"
        assert problem.to_dict()["expected"] == {"kind": "one_of", "values": [1, 2, 3]}
    with pytest.raises(InvalidSnapshot) as caught:
        from_dict({**data, "schema_version": 4})
    assert caught.value.message_en.startswith(
        "The snapshot cannot be loaded: format version ($.schema_version): expected one of: "
        "“1”, “2”, “3”, got “4”."
    )


def test_a_version_2_entry_spelled_as_version_3_is_read_by_its_spelling() -> None:
    data = stored("application-attested")
    data["history"][5] = as_version_3(data["history"][5])  # an attestation, written as 3 would
    assert reasons(data)[0] == ("no_step", "$.history[5].event")


# --- what version 3 says of an entry, checked against the machine -------------------------------


@pytest.fixture
def current() -> dict[str, Any]:
    return to_dict(loaded_application())


def test_an_attestation_names_its_rule(current: dict[str, Any]) -> None:
    assert current["history"][5]["kind"] == "attestation"
    current["history"][5]["rule_id"] = None
    assert ("attest_no_rule", "$.history[5].rule_id") in reasons(current)


def test_an_attestation_is_the_event_attest(current: dict[str, Any]) -> None:
    current["history"][5]["event"] = "pass"
    assert reasons(current)[0] == ("attest_event", "$.history[5].event")


def test_an_event_names_no_rule(current: dict[str, Any]) -> None:
    assert current["history"][0]["kind"] == "event"
    current["history"][0]["rule_id"] = "BI-002"
    assert reasons(current)[0] == ("event_with_rule", "$.history[0].rule_id")


def test_an_attestation_entry_is_its_kind_not_its_event(current: dict[str, Any]) -> None:
    current["history"][5]["kind"] = "event"
    current["history"][5]["rule_id"] = None
    assert reasons(current)[0] == ("no_step", "$.history[5].event")


def test_a_holder_record_holds_no_attestation() -> None:
    data = to_dict(loaded_holder())
    data["history"][0] = {**data["history"][0], "kind": "attestation", "rule_id": "BI-002"}
    assert reasons(data)[0] == ("holder_attestation", "$.history[0].kind")
    data["history"][0] = {**data["history"][0], "kind": "event"}
    assert reasons(data)[0] == ("event_with_rule", "$.history[0].rule_id")


def test_a_kind_of_entry_outside_the_vocabulary_is_refused(current: dict[str, Any]) -> None:
    current["history"][0]["kind"] = "note"
    assert reasons(current) == [("wrong", "$.history[0].kind")]
