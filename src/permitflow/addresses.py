"""Beijing's districts and the address checks of the manual (catalogue §11).

* BI-005 / CHD-007: "现居住地址……注意北京市所在区不要重复" (M§1.4) and "填写‘现居住地址’时，
  注意区县不要重复" (M§6 注意事项 2) —
  [`repeated_district`][permitflow.addresses.repeated_district].
* RES-002: the residence proof lies "位于北京市行政区域内" (M§2 注意事项 4) —
  [`is_in_beijing`][permitflow.addresses.is_in_beijing].
* ID-005: district names and codes come from the 16-district table —
  [`DISTRICTS`][permitflow.addresses.DISTRICTS].

Only full district names with the 区 suffix are matched: bare names occur in street and place
names (海淀路 is in Haidian, 朝阳门 is in Dongcheng).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from attrs import frozen

__all__ = [
    "DISTRICTS",
    "DISTRICTS_BY_CODE",
    "DISTRICTS_BY_NAME",
    "HISTORIC_DIVISIONS",
    "District",
    "HistoricDivision",
    "district_by_code",
    "district_of",
    "division_name",
    "is_in_beijing",
    "normalize_address",
    "repeated_district",
]


@frozen
class District:
    """One of the 16 current districts (区) of Beijing, with its GB/T 2260 code."""

    code: str
    """The six-digit GB/T 2260 division code, e.g. ``110108``."""
    name: str
    """Full name with the 区 suffix, e.g. 海淀区."""
    pinyin: str
    """The name in pinyin, e.g. ``Haidian``."""

    @property
    def short_name(self) -> str:
        """The name without the 区 suffix, e.g. 海淀 (appears in street names too)."""
        return self.name[:-1]


@frozen
class HistoricDivision:
    """A former Beijing district or county code, still found in resident identity numbers."""

    code: str
    """The former six-digit division code."""
    name: str
    """The former name, e.g. ``宣武区``."""
    successor_code: str
    """The current district that took over its area (mostly, for merged areas)."""
    until: int
    """The last year the division existed under this code."""


DISTRICTS: tuple[District, ...] = (
    District("110101", "东城区", "Dongcheng"),
    District("110102", "西城区", "Xicheng"),
    District("110105", "朝阳区", "Chaoyang"),
    District("110106", "丰台区", "Fengtai"),
    District("110107", "石景山区", "Shijingshan"),
    District("110108", "海淀区", "Haidian"),
    District("110109", "门头沟区", "Mentougou"),
    District("110111", "房山区", "Fangshan"),
    District("110112", "通州区", "Tongzhou"),
    District("110113", "顺义区", "Shunyi"),
    District("110114", "昌平区", "Changping"),
    District("110115", "大兴区", "Daxing"),
    District("110116", "怀柔区", "Huairou"),
    District("110117", "平谷区", "Pinggu"),
    District("110118", "密云区", "Miyun"),
    District("110119", "延庆区", "Yanqing"),
)
"""The 16 districts of Beijing (catalogue §11)."""

DISTRICTS_BY_CODE: Mapping[str, District] = MappingProxyType({d.code: d for d in DISTRICTS})
DISTRICTS_BY_NAME: Mapping[str, District] = MappingProxyType({d.name: d for d in DISTRICTS})

HISTORIC_DIVISIONS: Mapping[str, HistoricDivision] = MappingProxyType(
    {
        h.code: h
        for h in (
            # Merged into Dongcheng and Xicheng in 2010.
            HistoricDivision("110103", "崇文区", "110101", 2010),
            HistoricDivision("110104", "宣武区", "110102", 2010),
            # Counties (县) that later became districts, in the 1102xx block of GB/T 2260.
            HistoricDivision("110221", "昌平县", "110114", 1999),
            HistoricDivision("110222", "顺义县", "110113", 1998),
            HistoricDivision("110223", "通县", "110112", 1997),
            HistoricDivision("110224", "大兴县", "110115", 2001),
            HistoricDivision("110225", "房山县", "110111", 1986),
            HistoricDivision("110226", "平谷县", "110117", 2001),
            HistoricDivision("110227", "怀柔县", "110116", 2001),
            HistoricDivision("110228", "密云县", "110118", 2015),
            HistoricDivision("110229", "延庆县", "110119", 2015),
        )
    }
)
"""Former codes valid in identity numbers (numbers keep the code of their first registration)
but not as current districts (catalogue §10.1, §11)."""


def district_by_code(code: str) -> District | None:
    """The current district with division code ``code``, or None."""
    return DISTRICTS_BY_CODE.get(code)


def division_name(code: str) -> str | None:
    """The name of a current or former Beijing district/county code, or None if unknown."""
    current = DISTRICTS_BY_CODE.get(code)
    if current is not None:
        return current.name
    historic = HISTORIC_DIVISIONS.get(code)
    return historic.name if historic is not None else None


# --- normalisation ------------------------------------------------------------------------------

# Zero-width characters survive copy-paste from web pages and are not whitespace for str.split.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def normalize_address(address: str) -> str:
    """NFKC (full-width letters, digits and spaces to half-width) and no whitespace at all."""
    text = unicodedata.normalize("NFKC", address).translate(_INVISIBLE)
    return "".join(text.split())


# --- province prefixes --------------------------------------------------------------------------

_BEIJING = "北京"
_BEIJING_CITY = "北京市"
_COUNTRY_PREFIXES = ("中华人民共和国", "中国")
_OTHER_PROVINCES = (
    "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
    "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门",
)  # fmt: skip
# A province name followed by one of these is a street or building named after the province
# (上海路, 天津大厦, 北京西路…), which many Beijing and non-Beijing addresses start with.
_PLACE_NAME_SUFFIXES = (
    "路", "街", "大街", "道", "大道", "巷", "胡同", "里", "桥", "门", "大厦", "饭店", "宾馆",
    "酒店", "西路", "东路", "南路", "北路", "中路",
)  # fmt: skip


def _strip_country(text: str) -> str:
    for prefix in _COUNTRY_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def _starts_with_place(text: str, name: str) -> bool:
    """``text`` starts with the administrative name ``name``, not a street named after it."""
    if not text.startswith(name):
        return False
    rest = text[len(name) :]
    return not rest.startswith(_PLACE_NAME_SUFFIXES)


def _other_province(text: str) -> str | None:
    for name in _OTHER_PROVINCES:
        if _starts_with_place(text, name):
            return name
    return None


def _districts_named(text: str) -> list[District]:
    return [d for d in DISTRICTS if d.name in text]


def _as_district(selector: District | str | None) -> District | None:
    if selector is None or isinstance(selector, District):
        return selector
    value = normalize_address(selector)
    found = DISTRICTS_BY_NAME.get(value) or DISTRICTS_BY_CODE.get(value)
    if found is None:
        found = next((d for d in DISTRICTS if d.short_name == value), None)
    return found


# --- checks -------------------------------------------------------------------------------------


def district_of(address: str) -> District | None:
    """The Beijing district an address names, or None.

    None when no full district name occurs, when two different districts are named, or when the
    address starts with another province. The Beijing Economic-Technological Development Area
    (北京经济技术开发区, "亦庄") is a functional zone, not a district: an address naming only it
    gives None — it lies mostly in 大兴区 and partly in 通州区, so the district must be written.
    """
    text = _strip_country(normalize_address(address))
    if _other_province(text) is not None:
        return None
    named = _districts_named(text)
    return named[0] if len(named) == 1 else None


def is_in_beijing(address: str, district_selector: District | str | None = None) -> bool:
    """Whether an address is in Beijing (RES-002).

    True when the address starts with 北京 / 北京市 (not a 北京路-style street name), names
    one of the 16 full district names, or when ``district_selector`` (a
    [`District`][permitflow.addresses.District], a full
    or short name, or a code) is one of the 16. An address starting with another province name
    fails whatever the selector says.
    """
    text = _strip_country(normalize_address(address))
    if _other_province(text) is not None:
        return False
    if _starts_with_place(text, _BEIJING):
        return True
    if _districts_named(text):
        return True
    return _as_district(district_selector) is not None


def repeated_district(
    address: str,
    *,
    selector_district: District | str | None = None,
    selector_city: str | None = None,
) -> str | None:
    """The repeated fragment of an address (BI-005 / CHD-007), or None if nothing is repeated.

    Checked after [`normalize_address`][permitflow.addresses.normalize_address] (catalogue §11):

    1. 北京市 occurs at most once, and each full district name (海淀区…) at most once;
    2. no doubled prefix: 北京北京…, 海淀海淀区…;
    3. with a city selector (``selector_city``, e.g. 北京市) or a district selector
       (``selector_district``), the free text must not begin with 北京市, nor with 北京 followed
       by a district name; with a district selector it must not begin with a full district name
       either. (北京大学…, 北京西路… are place names and pass.)

    Returns the fragment that is repeated — "北京市", "北京", or a full district name — so that
    a finding can quote it.
    """
    text = _strip_country(normalize_address(address))
    if text.startswith(_BEIJING + _BEIJING):
        return _BEIJING
    for district in DISTRICTS:
        if district.short_name + district.name in text:
            return district.name
    if text.count(_BEIJING_CITY) > 1:
        return _BEIJING_CITY
    for district in DISTRICTS:
        if text.count(district.name) > 1:
            return district.name
    if selector_city or selector_district:
        if text.startswith(_BEIJING_CITY):
            return _BEIJING_CITY
        if text.startswith(_BEIJING):
            rest = text[len(_BEIJING) :]
            if any(rest.startswith(d.short_name) for d in DISTRICTS):
                return _BEIJING
    if selector_district:
        for district in DISTRICTS:
            if text.startswith(district.name):
                return district.name
    return None
