"""Beijing districts and address checks (catalogue §11, BI-005, CHD-007, RES-002)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from permitflow.addresses import (
    DISTRICTS,
    DISTRICTS_BY_CODE,
    DISTRICTS_BY_NAME,
    HISTORIC_DIVISIONS,
    District,
    district_by_code,
    district_of,
    division_name,
    is_in_beijing,
    normalize_address,
    repeated_district,
)

HAIDIAN = DISTRICTS_BY_NAME["海淀区"]


def test_the_sixteen_districts() -> None:
    assert len(DISTRICTS) == 16
    assert len({d.code for d in DISTRICTS}) == 16
    assert all(d.name.endswith("区") and d.code.startswith("11") for d in DISTRICTS)
    assert district_by_code("110108") is HAIDIAN
    assert HAIDIAN.short_name == "海淀"
    assert HAIDIAN.pinyin == "Haidian"
    assert district_by_code("110103") is None  # 崇文区, merged in 2010


def test_historic_codes_resolve_for_identity_numbers_only() -> None:
    assert division_name("110103") == "崇文区"
    assert division_name("110104") == "宣武区"
    assert division_name("110228") == "密云县"
    assert division_name("110229") == "延庆县"
    assert division_name("110108") == "海淀区"
    assert division_name("120101") is None
    for historic in HISTORIC_DIVISIONS.values():
        assert historic.code not in DISTRICTS_BY_CODE
        assert historic.successor_code in DISTRICTS_BY_CODE


def test_normalize_address() -> None:
    assert (
        normalize_address("北京市　海淀区 中关村大街１号\t２单元")
        == "北京市海淀区中关村大街1号2单元"
    )
    assert normalize_address("北京市\u200b海淀区") == "北京市海淀区"
    assert normalize_address("ＡＢＣ座") == "ABC座"


# --- district_of --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "district"),
    [
        ("北京市海淀区中关村大街1号", "海淀区"),
        ("海淀区中关村大街1号", "海淀区"),
        ("北京市海淀区海淀路5号", "海淀区"),  # 海淀路 is a street, not a second district
        ("北京市东城区朝阳门内大街2号", "东城区"),  # 朝阳门 is in Dongcheng
        ("中国北京市朝阳区建国路", "朝阳区"),
        ("北京市　石景山区 鲁谷路", "石景山区"),
        ("北京市大兴区北京经济技术开发区荣华中路", "大兴区"),
        ("北京经济技术开发区荣华中路10号", None),  # a functional zone, not a district
        ("北京市亦庄荣华中路10号", None),
        ("北京市海淀区朝阳区", None),  # two districts: ambiguous
        ("吉林省长春市朝阳区", None),  # Changchun has a 朝阳区 too
        ("江苏省南通市通州区", None),  # and Nantong a 通州区
        ("中关村大街1号", None),
    ],
)
def test_district_of(address: str, district: str | None) -> None:
    found = district_of(address)
    assert (found.name if found else None) == district


# --- RES-002 ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "selector", "expected"),
    [
        ("北京市海淀区中关村大街1号", None, True),
        ("北京海淀中关村", None, True),
        ("海淀区中关村大街1号", None, True),
        ("中国北京市朝阳区", None, True),
        ("中关村大街1号", None, False),
        ("中关村大街1号", "海淀区", True),
        ("中关村大街1号", "海淀", True),
        ("中关村大街1号", "110108", True),
        ("中关村大街1号", HAIDIAN, True),
        ("中关村大街1号", "浦东新区", False),
        ("上海市浦东新区世纪大道", None, False),
        ("上海市浦东新区世纪大道", "海淀区", False),  # another province fails whatever
        ("河北省廊坊市三河市燕郊镇", None, False),
        ("河北廊坊燕郊", "通州区", False),
        ("天津市滨海新区", None, False),
        ("北京路123号", None, False),  # a street in Guangzhou, not the city
        ("上海路1号", "海淀区", True),  # a street name, not the province
        ("四川大厦", "朝阳区", True),
        ("吉林省长春市朝阳区", None, False),
    ],
)
def test_is_in_beijing(address: str, selector: District | str | None, expected: bool) -> None:
    assert is_in_beijing(address, selector) is expected


# --- BI-005 / CHD-007 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "repeated"),
    [
        ("北京市海淀区中关村大街1号", None),
        ("北京市海淀区海淀路5号", None),
        ("北京市东城区朝阳门内大街2号", None),
        ("北京市海淀区颐和园路5号北京大学", None),
        ("海淀区中关村大街1号", None),  # no selectors: a leading district is fine
        ("北京市北京市海淀区中关村", "北京市"),
        ("北京市　北京市海淀区中关村", "北京市"),
        ("北京北京市海淀区中关村", "北京"),
        ("海淀区海淀区中关村", "海淀区"),
        ("北京市海淀区北京市海淀区中关村", "北京市"),
        ("北京市海淀海淀区中关村", "海淀区"),
        ("北京市朝阳区望京街道朝阳区", "朝阳区"),
    ],
)
def test_repetition_without_selectors(address: str, repeated: str | None) -> None:
    assert repeated_district(address) == repeated


@pytest.mark.parametrize(
    ("address", "repeated"),
    [
        ("北京市海淀区中关村大街1号", "北京市"),
        ("北京海淀区中关村大街1号", "北京"),
        ("北京海淀中关村大街1号", "北京"),
        ("海淀区中关村大街1号", "海淀区"),
        ("朝阳区望京", "朝阳区"),
        ("中关村大街1号", None),
        ("海淀路5号", None),
        ("北京大学燕园宿舍", None),
        ("北京西路1号", None),
    ],
)
def test_repetition_with_district_selector(address: str, repeated: str | None) -> None:
    assert repeated_district(address, selector_district="海淀区", selector_city="北京市") == (
        repeated
    )


def test_empty_selectors_count_as_not_selected() -> None:
    assert repeated_district("北京市海淀区中关村", selector_district="", selector_city="") is None


def test_city_selector_alone_allows_a_leading_district() -> None:
    assert repeated_district("海淀区中关村", selector_city="北京市") is None
    assert repeated_district("北京市海淀区中关村", selector_city="北京市") == "北京市"


@given(st.sampled_from(DISTRICTS), st.text("路街号楼单元室甲乙0123456789", max_size=12))
def test_a_well_formed_address_repeats_nothing(district: District, rest: str) -> None:
    address = f"北京市{district.name}{rest}"
    assert repeated_district(address) is None
    assert district_of(address) is district
    assert is_in_beijing(address)
    assert repeated_district(rest, selector_district=district) is None
