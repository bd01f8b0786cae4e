"""Resident identity numbers and unified social credit codes (catalogue §10)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from permitflow.errors import InvalidIdentifier
from permitflow.identifiers import (
    CREDIT_CODE_ALPHABET,
    PROVINCES,
    Sex,
    is_valid_credit_code,
    is_valid_resident_id,
    normalize_credit_code,
    normalize_resident_id,
    organization_code_valid,
    parse_credit_code,
    parse_resident_id,
)

TODAY = date(2026, 1, 15)
VALID_ID = "11010519491231002X"


def _id_check(first17: str) -> str:
    """GB 11643 check character, written independently of the module under test."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def _code_check(first17: str) -> str:
    """GB 32100 check character, written independently of the module under test."""
    total = sum(CREDIT_CODE_ALPHABET.index(c) * 3**i for i, c in enumerate(first17))
    return CREDIT_CODE_ALPHABET[-total % 31]


def _part(value: str, **kwargs: object) -> str:
    with pytest.raises(InvalidIdentifier) as info:
        parse_resident_id(value, today=TODAY, **kwargs)  # type: ignore[arg-type]
    return str(info.value.context["part"])


# --- resident identity number -------------------------------------------------------------------


def test_the_standard_example_parses() -> None:
    rid = parse_resident_id(VALID_ID, today=TODAY)
    assert rid.number == VALID_ID
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.sex is Sex.FEMALE
    assert rid.province_code == "11"
    assert rid.province_name == "北京"
    assert rid.division_code == "110105"
    assert rid.district_name == "朝阳区"
    assert rid.district_is_historic is False


def test_odd_seventeenth_digit_is_male() -> None:
    first17 = "11010819900307001"
    rid = parse_resident_id(first17 + _id_check(first17), today=TODAY)
    assert rid.sex is Sex.MALE
    assert rid.district_name == "海淀区"


@pytest.mark.parametrize(
    "written",
    ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２Ｘ",
     "110105\u300019491231\u3000002ｘ", "110105\t19491231\n002X"],
)  # fmt: skip
def test_normalisation_of_spaces_full_width_and_lower_case_x(written: str) -> None:
    assert normalize_resident_id(written) == VALID_ID
    assert parse_resident_id(written, today=TODAY).number == VALID_ID


def test_invalid_birth_date_is_reported() -> None:
    assert _part("110108202502290018") == "birth_date"  # 2025-02-29 does not exist
    first17 = "11010819001301001"  # month 13
    assert _part(first17 + _id_check(first17)) == "birth_date"


def test_birth_date_in_the_future_is_reported_relative_to_today() -> None:
    first17 = "11010820260116001"
    number = first17 + _id_check(first17)
    assert _part(number) == "birth_date"  # the day after TODAY
    assert parse_resident_id(number, today=date(2026, 1, 16)).birth_date == date(2026, 1, 16)


def test_fifteen_digit_numbers_get_their_own_message() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_resident_id("110105491231002", today=TODAY)
    assert info.value.context["part"] == "legacy_15_digit"
    assert "18" in info.value.message_zh
    assert "second-generation" in info.value.message_en


@pytest.mark.parametrize("value", ["11010519491231002", "11010519491231002X1", "1"])
def test_wrong_length_is_reported(value: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_resident_id(value, today=TODAY)
    assert info.value.context["part"] == "length"
    assert info.value.context["length"] == len(value)
    assert f"{len(value)}位" in info.value.message_zh


def test_empty_input_is_reported() -> None:
    assert _part("   ") == "empty"


@pytest.mark.parametrize(
    ("value", "position", "char"),
    [
        ("11010519491231002A", 18, "A"),
        ("1101051949123100X2", 17, "X"),
        ("X10105194912310020", 1, "X"),
    ],
)
def test_bad_character_names_its_position(value: str, position: int, char: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_resident_id(value, today=TODAY)
    error = info.value
    assert error.context["part"] == "character"
    assert error.context["position"] == position
    assert error.context["character"] == char
    assert f"第{position}位" in error.message_zh
    assert f"Character {position}" in error.message_en


def test_unknown_province_is_reported() -> None:
    first17 = "99010519491231002"
    assert _part(first17 + _id_check(first17)) == "province"


def test_wrong_check_digit_is_reported_without_revealing_the_right_one() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_resident_id("110105194912310021", today=TODAY)
    error = info.value
    assert error.context["part"] == "check_digit"
    assert "X" not in error.message_zh
    assert "X" not in error.message_en
    assert "expected" not in error.context
    assert error.context["field"] == "resident_id"
    # The number is masked in the context, which ends up in logs.
    assert error.context["value"] == "110105********0021"


def test_field_name_is_configurable() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_resident_id("1", today=TODAY, field="children[0].id_number")
    assert info.value.context["field"] == "children[0].id_number"


def test_non_text_is_refused() -> None:
    with pytest.raises(InvalidIdentifier):
        parse_resident_id(11010519491231002, today=TODAY)  # type: ignore[arg-type]
    assert not is_valid_resident_id(None, today=date(2026, 3, 16))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("first17", "district", "historic"),
    [
        ("11022919800101001", "延庆县", True),  # county code until 2015, kept for life
        ("11011819800101001", "密云区", False),  # district code only since 2015
        ("11010319650101001", "崇文区", True),
        ("11010419650101001", "宣武区", True),
        ("11019919800101001", None, False),  # unknown county code: accepted, no name
        ("31011519900101001", None, False),  # Shanghai
    ],
)
def test_county_codes_are_not_checked_against_the_birth_year(
    first17: str, district: str | None, historic: bool
) -> None:
    rid = parse_resident_id(first17 + _id_check(first17), today=TODAY)
    assert rid.district_name == district
    assert rid.district_is_historic is historic


def test_catalogue_vector_rejected_by_stdnum_is_accepted() -> None:
    assert is_valid_resident_id("110229198001010012", today=TODAY)


def test_every_single_character_change_is_detected() -> None:
    assert is_valid_resident_id(VALID_ID, today=TODAY)
    variants = 0
    for position in range(18):
        alphabet = "0123456789X" if position == 17 else "0123456789"
        for char in alphabet:
            if char == VALID_ID[position]:
                continue
            changed = VALID_ID[:position] + char + VALID_ID[position + 1 :]
            assert not is_valid_resident_id(changed, today=TODAY), changed
            variants += 1
    assert variants == 17 * 9 + 10


@st.composite
def resident_ids(draw: st.DrawFn) -> tuple[str, date, Sex, str]:
    province = draw(st.sampled_from(sorted(PROVINCES)))
    rest = draw(st.text("0123456789", min_size=4, max_size=4))
    birth = draw(st.dates(date(1900, 1, 1), TODAY))
    sequence = draw(st.integers(0, 999))
    first17 = f"{province}{rest}{birth:%Y%m%d}{sequence:03d}"
    sex = Sex.MALE if sequence % 2 else Sex.FEMALE
    return first17 + _id_check(first17), birth, sex, province


@given(resident_ids())
def test_generated_numbers_parse_back(case: tuple[str, date, Sex, str]) -> None:
    number, birth, sex, province = case
    rid = parse_resident_id(number, today=TODAY)
    assert (rid.birth_date, rid.sex, rid.province_code) == (birth, sex, province)
    assert rid.province_name == PROVINCES[province]


@given(resident_ids(), st.integers(0, 17), st.integers(1, 10))
def test_a_changed_character_never_passes(
    case: tuple[str, date, Sex, str], position: int, shift: int
) -> None:
    number = case[0]
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    new = alphabet[(old + shift) % len(alphabet)]
    if new == number[position]:
        return
    assert not is_valid_resident_id(number[:position] + new + number[position + 1 :], today=TODAY)


@given(resident_ids(), st.integers(0, 16))
def test_swapping_adjacent_different_digits_is_detected(
    case: tuple[str, date, Sex, str], position: int
) -> None:
    number = case[0]
    a, b = number[position], number[position + 1]
    if a == b or "X" in (a, b):
        return
    swapped = number[:position] + b + a + number[position + 2 :]
    assert not is_valid_resident_id(swapped, today=TODAY)


# --- unified social credit code -----------------------------------------------------------------

VALID_CODES = ["91350100M000100Y43", "91110000802100433B", "12100000400000624D"]


@pytest.mark.parametrize("code", VALID_CODES)
def test_standard_vectors_pass(code: str) -> None:
    parsed = parse_credit_code(code)
    assert parsed.code == code
    assert parsed.organization_code_valid


def test_parts_of_a_credit_code() -> None:
    parsed = parse_credit_code("91110000802100433B")
    assert parsed.registration_authority == "9"
    assert parsed.registration_authority_name == "工商（市场监管）"
    assert parsed.entity_category == "91"
    assert parsed.division_code == "110000"
    assert parsed.organization_code == "802100433"
    assert parsed.in_beijing
    assert not parse_credit_code("91350100M000100Y43").in_beijing


def test_credit_code_normalisation() -> None:
    assert normalize_credit_code(" 91110000 802100433b ") == "91110000802100433B"
    assert parse_credit_code("９１１１００００８０２１００４３３ｂ").code == "91110000802100433B"


@pytest.mark.parametrize(("letter", "position"), [("I", 9), ("O", 10), ("S", 11), ("Z", 18)])
def test_letters_outside_the_alphabet_name_their_position(letter: str, position: int) -> None:
    code = list("91110000802100433B")
    code[position - 1] = letter
    with pytest.raises(InvalidIdentifier) as info:
        parse_credit_code("".join(code))
    assert info.value.context["part"] == "character"
    assert info.value.context["position"] == position
    assert info.value.context["field"] == "credit_code"
    assert f"第{position}位" in info.value.message_zh


@pytest.mark.parametrize("value", ["", "9111000080210043", "91110000802100433B0"])
def test_credit_code_length(value: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_credit_code(value)
    assert info.value.context["part"] == ("empty" if not value else "length")


def test_wrong_check_character_is_reported() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_credit_code("91110000802100433C")
    assert info.value.context["part"] == "check_digit"
    assert info.value.context["value"] == "91110000802100433C"


def test_registration_authority_allow_list_is_configurable() -> None:
    first17 = "B1110000802100433"
    code = first17 + _code_check(first17)
    with pytest.raises(InvalidIdentifier) as info:
        parse_credit_code(code)
    assert info.value.context["part"] == "registration_authority"
    assert parse_credit_code(code, registration_authorities=None).registration_authority == "B"
    assert is_valid_credit_code(code, registration_authorities=frozenset("9B"))
    assert not is_valid_credit_code("91110000802100433B", registration_authorities=frozenset("5"))
    for authority in "123456789ANY":
        first17 = authority + "1110000802100433"
        assert is_valid_credit_code(first17 + _code_check(first17))


def test_organisation_code_check_is_soft() -> None:
    first17 = "91110000802100434"  # organisation code 80210043-4: wrong GB 11714 check
    parsed = parse_credit_code(first17 + _code_check(first17))
    assert parsed.organization_code_valid is False
    assert organization_code_valid("802100433")
    assert organization_code_valid("M000100Y4")
    assert not organization_code_valid("80210043")
    assert not organization_code_valid("8021004-3")


def test_every_single_substitution_of_a_credit_code_is_detected() -> None:
    for valid in VALID_CODES:
        variants = 0
        for position in range(18):
            for char in CREDIT_CODE_ALPHABET:
                if char == valid[position]:
                    continue
                changed = valid[:position] + char + valid[position + 1 :]
                assert not is_valid_credit_code(changed, registration_authorities=None), changed
                variants += 1
        assert variants == 18 * 30


@given(st.text(CREDIT_CODE_ALPHABET, min_size=17, max_size=17))
def test_generated_codes_with_their_check_character_pass(first17: str) -> None:
    code = first17 + _code_check(first17)
    assert is_valid_credit_code(code, registration_authorities=None)
    assert parse_credit_code(code, registration_authorities=None).division_code == code[2:8]
