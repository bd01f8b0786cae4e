"""The business type is an open key: the six built-in ones read as the string enum they were,
and a key defined later reads the same way."""

from __future__ import annotations

import copy
import json
import pickle
from enum import StrEnum

import pytest

from permitflow._keys import Key, is_vocabulary
from permitflow.errors import InvalidInput
from permitflow.records.application import BusinessType, business_type_of

SIX = ("new", "renewal", "employer_change", "basic_change", "business_change", "cancellation")


class _Before(StrEnum):
    """The business type as a closed enum, for comparing what a reader sees."""

    NEW = "new"


def test_the_six_built_in_keys_in_their_order() -> None:
    assert [kind.value for kind in BusinessType] == list(SIX)
    assert len(BusinessType) == len(SIX)
    assert [kind.name for kind in BusinessType] == [code.upper() for code in SIX]


@pytest.mark.parametrize("code", SIX)
def test_a_code_reads_as_its_key(code: str) -> None:
    kind = BusinessType(code)
    assert kind is getattr(BusinessType, code.upper())
    assert BusinessType(kind) is kind
    assert kind == code
    assert hash(kind) == hash(code)
    assert code in BusinessType
    assert (str(kind), f"{kind}", kind.value) == (code, code, code)
    assert type(kind.value) is str


def test_a_key_prints_and_serialises_as_the_enum_member_did() -> None:
    assert repr(BusinessType.NEW) == repr(_Before.NEW).replace("_Before", "BusinessType")
    assert json.dumps({"kind": BusinessType.NEW}) == json.dumps({"kind": _Before.NEW})


def test_copying_and_pickling_give_the_key_itself() -> None:
    kind = BusinessType.EMPLOYER_CHANGE
    assert copy.copy(kind) is kind
    assert copy.deepcopy({"kind": kind})["kind"] is kind
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(kind, protocol)) is kind


@pytest.mark.parametrize("code", ["reissue", "NEW", "", 1, None, ["new"]])
def test_an_unknown_code_is_refused_as_before(code: object) -> None:
    with pytest.raises(ValueError, match="is not a valid BusinessType") as refused:
        BusinessType(code)
    if isinstance(code, str):
        with pytest.raises(ValueError, match="is not a valid _Before") as before:
            _Before(code)
        assert str(refused.value) == str(before.value).replace("_Before", "BusinessType")
    assert code not in BusinessType


def test_an_unknown_code_from_outside_names_the_six() -> None:
    with pytest.raises(InvalidInput) as refused:
        business_type_of("reissue")
    assert all(f"({code})" in str(refused.value) for code in SIX)


class _Colour(Key):
    """A vocabulary of its own: its keys are not the business types'."""


def test_a_key_defined_later_reads_like_the_first_ones() -> None:
    red = _Colour.define("red")
    assert _Colour.define("red") is red
    assert _Colour("red") is red
    assert _Colour.RED is red  # type: ignore[attr-defined]
    assert list(_Colour) == [red]
    assert "red" not in BusinessType
    assert pickle.loads(pickle.dumps(red)) is red
    assert is_vocabulary(_Colour)
    assert is_vocabulary(_Before)
    assert not is_vocabulary(str)
