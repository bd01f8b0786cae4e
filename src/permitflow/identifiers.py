"""Resident identity numbers and unified social credit codes (catalogue §10, rules ID-001…ID-004).

* Citizen identity number, GB 11643-1999 (公民身份号码): 6-digit address code, 8-digit birth
  date, 3-digit sequence code (odd 17th digit = male), ISO 7064 MOD 11-2 check character.
* Unified social credit code, GB 32100-2015 (法人和其他组织统一社会信用代码): registration
  authority, entity category, 6-digit division code, 9-character organisation code (GB 11714),
  ISO 7064 MOD 31-3 check character over the 31-character alphabet without I, O, S, V, Z.

Errors raise [`InvalidIdentifier`][permitflow.errors.InvalidIdentifier] naming the part that is
wrong
(``context["part"]``: ``"empty"``, ``"length"``, ``"legacy_15_digit"``, ``"character"``,
``"registration_authority"``, ``"province"``, ``"birth_date"``, ``"check_digit"``). Messages never
reveal the expected check character: a person who "fixes" a typo by changing the check
character would produce a different, valid-looking number.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from attrs import frozen

from permitflow.addresses import HISTORIC_DIVISIONS, division_name
from permitflow.errors import InvalidIdentifier

__all__ = [
    "CREDIT_CODE_ALPHABET",
    "DEFAULT_REGISTRATION_AUTHORITIES",
    "PROVINCES",
    "REGISTRATION_AUTHORITIES",
    "CreditCode",
    "ResidentId",
    "Sex",
    "is_valid_credit_code",
    "is_valid_resident_id",
    "normalize_credit_code",
    "normalize_resident_id",
    "organization_code_valid",
    "parse_credit_code",
    "parse_resident_id",
]


class Sex(StrEnum):
    """The sex a resident identity number encodes (the parity of its 17th digit)."""

    MALE = "male"
    FEMALE = "female"


PROVINCES: Mapping[str, str] = MappingProxyType(
    {
        "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
        "21": "辽宁", "22": "吉林", "23": "黑龙江",
        "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西",
        "37": "山东",
        "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
        "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
        "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
        "71": "台湾", "81": "香港", "82": "澳门",
        # Residence permits of Taiwan residents (台湾居民居住证) use 83 in the same format.
        "83": "台湾",
    }
)  # fmt: skip
"""Province-level prefixes of GB/T 2260 division codes (catalogue §10.3)."""

# --- resident identity number (GB 11643-1999) ---------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2**(17 - i) mod 11
_ID_CHECK = "10X98765432"
_DIGITS = frozenset("0123456789")
_FIELD_ID = "resident_id"
_FIELD_CODE = "credit_code"


@frozen
class ResidentId:
    """A valid 18-character resident identity number and what it encodes."""

    number: str
    """The 18-character number, upper case, e.g. ``42010619900515001X``."""
    birth_date: date
    """The birth date it encodes."""
    sex: Sex
    """The sex it encodes."""
    province_code: str
    """The first two digits: the province of first registration (11 = Beijing)."""
    province_name: str
    """That province's name."""
    division_code: str
    """The address code (first 6 digits) of the first registration; it never changes."""
    district_name: str | None
    """The Beijing district or former county of ``division_code`` (e.g. 崇文区), else None.

    This is where the number was first issued, not the current hukou (catalogue §10.1): the
    HUK/CHD rules must use the hukou page, not this.
    """

    @property
    def district_is_historic(self) -> bool:
        """True for a former Beijing code (崇文区, 宣武区, 密云县…)."""
        return self.division_code in HISTORIC_DIVISIONS


def normalize_resident_id(value: str) -> str:
    """Full-width to half-width, all whitespace removed, lower-case x as X."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(text.split()).upper()


def _mask(number: str) -> str:
    # Error context ends up in logs; keep enough of an identity number to find it, not all.
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def _id_error(variant: str, *, number: str, **fields: Any) -> InvalidIdentifier:
    return InvalidIdentifier(variant, value=_mask(number), **fields)


def parse_resident_id(value: str, *, today: date, field: str = _FIELD_ID) -> ResidentId:
    """Parse and validate a resident identity number (ID-001).

    Checks, in order: 18 characters (15-digit first-generation numbers are refused with their
    own message), 17 digits then a digit or X, a known province prefix, a real birth date from
    1800 on and not after ``today`` (no clock is read), the check character. An
    unknown or abolished county code is *not* an error — people keep the number of their first
    registration. ``field`` names the form field in the error context.
    """
    if not isinstance(value, str):
        raise InvalidIdentifier("id_type", field=field, part="type")
    number = normalize_resident_id(value)
    if not number:
        raise _id_error("id_empty", part="empty", number=number, field=field)
    if len(number) == 15 and number.isdigit():
        raise _id_error("id_legacy", part="legacy_15_digit", number=number, field=field)
    if len(number) != 18:
        raise _id_error(
            "id_length", part="length", number=number, field=field, length=len(number)
        )
    for position, char in enumerate(number, start=1):
        if char in _DIGITS or (position == 18 and char == "X"):
            continue
        raise _id_error(
            "id_character", part="character", number=number, field=field, position=position,
            character=char,
        )
    province_code = number[:2]
    province_name = PROVINCES.get(province_code)
    if province_name is None:
        raise _id_error(
            "id_province", part="province", number=number, field=field, province_code=province_code
        )
    birth_text = number[6:14]
    try:
        birth = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1800:
        raise _id_error(
            "id_birth_date", part="birth_date", number=number, field=field, birth=birth_text
        )
    if birth > today:
        raise _id_error(
            "id_born_later", part="birth_date", number=number, field=field, birth=birth,
            today=today,
        )
    total = 0
    for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True):
        total += (ord(digit) - 48) * weight
    if _ID_CHECK[total % 11] != number[17]:
        raise _id_error("id_check_digit", part="check_digit", number=number, field=field)
    division_code = number[:6]
    return ResidentId(
        number=number,
        birth_date=birth,
        sex=Sex.MALE if (ord(number[16]) - 48) % 2 else Sex.FEMALE,
        province_code=province_code,
        province_name=province_name,
        division_code=division_code,
        district_name=division_name(division_code),
    )


def is_valid_resident_id(value: str, *, today: date) -> bool:
    """Whether [`parse_resident_id`][permitflow.identifiers.parse_resident_id] accepts ``value``."""
    try:
        parse_resident_id(value, today=today)
    except InvalidIdentifier:
        return False
    return True


# --- unified social credit code (GB 32100-2015) -------------------------------------------------

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""The 31 characters of GB 32100-2015 (no I, O, S, V, Z)."""
_CODE_VALUES = {c: i for i, c in enumerate(CREDIT_CODE_ALPHABET)}
_CODE_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

REGISTRATION_AUTHORITIES: Mapping[str, str] = MappingProxyType(
    {
        "1": "机构编制", "2": "外交", "3": "司法行政", "4": "文化", "5": "民政", "6": "旅游",
        "7": "宗教", "8": "工会", "9": "工商（市场监管）", "A": "中央军委改革和编制办公室",
        "N": "农业", "Y": "其他",
    }
)  # fmt: skip
"""Registration authority codes (登记管理部门代码, position 1) of GB 32100-2015 as amended."""

DEFAULT_REGISTRATION_AUTHORITIES: frozenset[str] = frozenset(REGISTRATION_AUTHORITIES)
"""Position-1 characters accepted by default: the published table (1-9, A, N, Y).

Catalogue §10.2 marks later additions as unknown (U): pass ``registration_authorities`` to
[`parse_credit_code`][permitflow.identifiers.parse_credit_code] — e.g.
``frozenset(CREDIT_CODE_ALPHABET)`` — if an authority adds one.
"""

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@frozen
class CreditCode:
    """A valid unified social credit code and its parts."""

    code: str
    """The 18-character code, e.g. ``91110108MA01ABCD5T``."""
    registration_authority: str
    """Position 1 (登记管理部门代码), e.g. 9 = industry and commerce."""
    entity_category: str
    """Positions 1-2 (e.g. 91 enterprise, 92 individual business, 12 public institution)."""
    division_code: str
    """Positions 3-8: the division code of the registering authority."""
    organization_code: str
    """Positions 9-17: the organisation code (组织机构代码, GB 11714)."""
    organization_code_valid: bool
    """Whether the organisation code passes the GB 11714 check (ID-004, a soft check)."""

    @property
    def in_beijing(self) -> bool:
        """Registered by a Beijing authority (division code 11xxxx)."""
        return self.division_code.startswith("11")

    @property
    def registration_authority_name(self) -> str | None:
        """The registration authority's name (机构编制, 工商, ...)."""
        return REGISTRATION_AUTHORITIES.get(self.registration_authority)


def normalize_credit_code(value: str) -> str:
    """Full-width to half-width, all whitespace removed, upper case."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(text.split()).upper()


def organization_code_valid(code: str) -> bool:
    """The GB 11714 check of a 9-character organisation code (digits, A=10 … Z=35)."""
    if len(code) != 9:
        return False
    total = 0
    for char, weight in zip(code[:8], _ORG_WEIGHTS, strict=True):
        if "0" <= char <= "9":
            value = ord(char) - 48
        elif "A" <= char <= "Z":
            value = ord(char) - 55
        else:
            return False
        total += value * weight
    r = 11 - total % 11
    expected = "X" if r == 10 else "0" if r == 11 else str(r)
    return code[8] == expected


def _code_error(variant: str, *, code: str, **fields: Any) -> InvalidIdentifier:
    return InvalidIdentifier(variant, value=code, **fields)


def parse_credit_code(
    value: str,
    *,
    registration_authorities: frozenset[str] | None = DEFAULT_REGISTRATION_AUTHORITIES,
    field: str = _FIELD_CODE,
) -> CreditCode:
    """Parse and validate a unified social credit code (ID-003).

    Checks 18 characters from [`CREDIT_CODE_ALPHABET`][permitflow.identifiers.CREDIT_CODE_ALPHABET],
    a position-1 character in
    ``registration_authorities`` (``None`` accepts any alphabet character), and the check
    character. The organisation-code check (ID-004) is reported in
    ``organization_code_valid`` and never raises. ``field`` names the form field.
    """
    if not isinstance(value, str):
        raise InvalidIdentifier("code_type", field=field, part="type")
    code = normalize_credit_code(value)
    if not code:
        raise _code_error("code_empty", part="empty", code=code, field=field)
    if len(code) != 18:
        raise _code_error("code_length", part="length", code=code, field=field, length=len(code))
    for position, char in enumerate(code, start=1):
        if char not in _CODE_VALUES:
            raise _code_error(
                "code_character", part="character", code=code, field=field, position=position,
                character=char,
            )
    if registration_authorities is not None and code[0] not in registration_authorities:
        raise _code_error(
            "code_authority", part="registration_authority", code=code, field=field,
            position=1, character=code[0],
        )
    total = 0
    for char, weight in zip(code[:17], _CODE_WEIGHTS, strict=True):
        total += _CODE_VALUES[char] * weight
    if CREDIT_CODE_ALPHABET[(31 - total % 31) % 31] != code[17]:
        raise _code_error("code_check_digit", part="check_digit", code=code, field=field)
    organization_code = code[8:17]
    return CreditCode(
        code=code,
        registration_authority=code[0],
        entity_category=code[:2],
        division_code=code[2:8],
        organization_code=organization_code,
        organization_code_valid=organization_code_valid(organization_code),
    )


def is_valid_credit_code(
    value: str,
    *,
    registration_authorities: frozenset[str] | None = DEFAULT_REGISTRATION_AUTHORITIES,
) -> bool:
    """Whether [`parse_credit_code`][permitflow.identifiers.parse_credit_code] accepts ``value``."""
    try:
        parse_credit_code(value, registration_authorities=registration_authorities)
    except InvalidIdentifier:
        return False
    return True
