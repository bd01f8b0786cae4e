"""The fast codec agrees with the detailed converter: it writes the same documents, and it reads
only documents the detailed reader accepts, as equal values."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from snapshot_fuzz import Seed, mutate, seeds

from permitflow import InvalidSnapshot, from_dict, to_dict
from permitflow.engine import snapshot
from permitflow.engine.codec import read_sound
from permitflow.engine.loadchecks import DEFAULT_LIMITS, Limits
from permitflow.rules.finding import Citation, Finding, Severity, Status

MUTATIONS = 3_000


@pytest.fixture(scope="module")
def pool() -> list[Seed]:
    return seeds()


def _detailed(data: Any) -> Any:
    try:
        return snapshot._read_detailed(data, None, None, None, DEFAULT_LIMITS)
    except InvalidSnapshot:
        return None


def _with_findings(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    finding = Finding(
        "RES-002", Severity.WARNING, Status.FAILED, "住所证明即将到期。",
        "The residence proof expires soon.", Citation("M§2", "在京合法稳定住所证明"),
        field="residence", facts=(("valid_until", "2026-04-01"),),
    )  # fmt: skip
    data["history"][0]["findings"] = [snapshot.unstructure(finding)]
    return data


def test_to_dict_writes_what_the_converter_writes(pool: list[Seed]) -> None:
    for seed in pool:
        value = from_dict(seed.data)
        kind = {"kind": seed.data["kind"], "schema_version": seed.data["schema_version"]}
        assert to_dict(value) == {**kind, **snapshot._converter.unstructure(value)}
        assert list(to_dict(value)) == list(seed.data)


def test_every_seed_is_read_by_the_fast_reader_as_the_detailed_reader_reads_it(
    pool: list[Seed],
) -> None:
    for seed in pool:
        for data in (seed.data, *([_with_findings(seed.data)] if seed.data["history"] else [])):
            fast = read_sound(data)
            assert fast is not None
            assert fast == _detailed(data)
            assert to_dict(fast) == data


def test_the_fast_reader_takes_no_mutation_the_detailed_reader_refuses(
    pool: list[Seed],
) -> None:
    rng = random.Random(2026)
    fallbacks = 0
    for _ in range(MUTATIONS):
        data = mutate(rng.choice(pool).data, rng)
        fast = read_sound(data)
        slow = _detailed(data)
        if fast is None:
            fallbacks += 1
            continue
        problems = snapshot._replay(fast, None, None, None, snapshot.Problems(1))
        if problems:
            assert slow is None
        else:
            assert slow is not None
            assert fast == slow
            assert to_dict(fast) == to_dict(slow)
    assert 0 < fallbacks < MUTATIONS


def test_other_limits_are_judged_by_the_detailed_reader(pool: list[Seed]) -> None:
    data = next(seed.data for seed in pool if len(seed.data["history"]) > 2)
    assert read_sound(data) is not None
    with pytest.raises(InvalidSnapshot, match="more than 2 items"):
        from_dict(data, limits=Limits(max_history=2))


def test_a_tuple_for_a_list_is_left_to_the_detailed_reader(pool: list[Seed]) -> None:
    data = next(seed.data for seed in pool if seed.data["kind"] == "application")
    data = {**data, "attestations": tuple(data["attestations"])}
    assert read_sound(data) is None
    assert from_dict(data) == from_dict({**data, "attestations": list(data["attestations"])})
