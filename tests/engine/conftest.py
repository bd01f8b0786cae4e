from __future__ import annotations

import pytest
from engine_sample import HOLDER_ID, make_engine

from permitflow.engine.engine import Engine
from permitflow.records.holder import HolderRecord


@pytest.fixture
def engine() -> Engine:
    return make_engine()


@pytest.fixture
def holder() -> HolderRecord:
    from permitflow.records.holder import GeneralInfo, Hukou, HukouKind, Profile

    general = GeneralInfo(
        name="张三", resident_id=HOLDER_ID, phone="13800000000",
        hukou=Hukou(HukouKind.FAMILY, "13"), address="北京市海淀区中关村大街1号",
    )  # fmt: skip
    return HolderRecord(HOLDER_ID, profile=Profile(general=general))
