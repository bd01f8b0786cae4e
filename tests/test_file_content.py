"""Attachment content stays out of records: a bounded head, a digest, the size checked."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest

from permitflow import FileInfo, InvalidInput, InvalidSnapshot, from_dict, to_dict
from permitflow.records.holder import HEAD_BYTES
from permitflow.testing import valid_holder

PDF = b"%PDF-1.7\n" + b"x" * 1_000


def test_from_content_keeps_the_real_length_a_signature_and_the_digest() -> None:
    info = FileInfo.from_content("a.pdf", PDF)
    assert info.size_bytes == len(PDF)
    assert info.head == PDF[:HEAD_BYTES]
    assert info.sha256 == hashlib.sha256(PDF).hexdigest()
    info.check_content(PDF)


def test_a_head_longer_than_the_signature_is_refused() -> None:
    assert FileInfo("a.pdf", 1, b"x" * HEAD_BYTES).head
    with pytest.raises(InvalidInput) as caught:
        FileInfo("a.pdf", 1_000, b"x" * (HEAD_BYTES + 1))
    assert caught.value.context["field"] == "head"


def test_a_malformed_digest_is_refused() -> None:
    with pytest.raises(InvalidInput):
        FileInfo("a.pdf", 1, sha256="not-a-digest")


@pytest.mark.parametrize(
    ("declared", "differs"),
    [
        (FileInfo("a.pdf", 1_000, PDF[:HEAD_BYTES]), ["size_bytes"]),
        (FileInfo("a.pdf", len(PDF), b"GIF89a"), ["head"]),
        (FileInfo("a.pdf", len(PDF), PDF[:5], "0" * 64), ["sha256"]),
    ],
)
def test_content_that_disagrees_with_the_declaration_is_refused(
    declared: FileInfo, differs: list[str]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        declared.check_content(PDF)
    assert caught.value.context["differs"] == differs


def test_a_snapshot_carrying_content_in_the_head_does_not_load() -> None:
    holder = valid_holder()
    data = json.loads(json.dumps(to_dict(holder)))
    data["attachments"][0]["file"]["head"] = base64.b64encode(b"%PDF-" + b"x" * 5_000).decode()
    with pytest.raises(InvalidSnapshot):
        from_dict(data)
    data["attachments"][0]["file"]["head"] = base64.b64encode(b"%PDF-" * 2**20).decode()
    with pytest.raises(InvalidSnapshot) as caught:
        from_dict(data)
    assert caught.value.problems[0].reason == "string_too_long"
