"""Org codes, ids and tokens: what users type is validated once, at the edge of the domain."""

import base64
import json
import string
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpbatch.domain.errors import ValidationError
from cpbatch.domain.identifiers import AccessToken, OrgCode, parse_id

TOKEN_CHARS = string.ascii_letters + string.digits + "-_"


def token_text(label: str = "a") -> str:
    return "eyJ" + label * 10 + ".e30.c"  # e30: base64url of '{}'


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


# -- OrgCode -------------------------------------------------------------------------------


def test_org_code_is_kept_lower_cased_and_trimmed() -> None:
    code = OrgCode.parse("  AbCd-E_1 ")

    assert code.value == "abcd-e_1"
    assert str(code) == "abcd-e_1"


@pytest.mark.parametrize("raw", ["ab", "a" * 40, "0rg", "x-_y"])
def test_org_code_accepts_2_to_40_letters_digits_dashes_underscores(raw: str) -> None:
    assert OrgCode.parse(raw).value == raw


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "a", "a" * 41, "-abc", "_abc", "ab cd", "ab.cd", "ab/cd", "कोड", None, 123, b"abc"],
)
def test_org_code_rejects_anything_else(raw: object) -> None:
    with pytest.raises(ValidationError):
        OrgCode.parse(raw)


def test_org_code_error_quotes_long_input_briefly() -> None:
    with pytest.raises(ValidationError) as caught:
        OrgCode.parse("x" * 500 + "!")

    assert len(str(caught.value)) < 250


@given(st.text())
def test_org_code_parse_raises_only_validation_error_for_any_text(raw: str) -> None:
    try:
        code = OrgCode.parse(raw)
    except ValidationError:
        return
    assert code.value == raw.strip().lower()
    assert 2 <= len(code.value) <= 40


@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.lists(st.text())))
def test_org_code_parse_rejects_non_text_with_validation_error(raw: object) -> None:
    with pytest.raises(ValidationError):
        OrgCode.parse(raw)


# -- parse_id ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"), [(1, 1), ("42", 42), (" 0042 ", 42), (2**63 - 1, 2**63 - 1)]
)
def test_parse_id_accepts_positive_whole_numbers_as_int_or_digits(
    raw: object, expected: int
) -> None:
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    "raw", [0, -1, 2**63, "0", "-3", "12a", "1.5", 1.0, "", "١٢", "²", True, False, None]
)
def test_parse_id_rejects_everything_else(raw: object) -> None:
    with pytest.raises(ValidationError):
        parse_id(raw)


def test_parse_id_error_names_what_was_expected() -> None:
    with pytest.raises(ValidationError, match="file id"):
        parse_id("abc", "file id")


@given(st.text())
def test_parse_id_raises_only_validation_error_for_any_text(raw: str) -> None:
    try:
        value = parse_id(raw)
    except ValidationError:
        return
    assert value > 0
    assert str(value) == raw.strip().lstrip("0")


# -- AccessToken ---------------------------------------------------------------------------


def test_token_is_accepted_trimmed() -> None:
    assert AccessToken.parse(f"  {token_text()}\n").secret == token_text()


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "abc.def.ghi",  # not a JWT
        "eyJabc.def",  # two parts
        "eyJa.b.c.d",  # four parts
        "eyJa b.c.d",  # whitespace inside
        "eyJä.b.c",  # not ASCII
        "eyJ" + "a" * 8190 + ".b.c",  # too long
        42,
    ],
)
def test_token_rejects_what_cannot_be_a_classplus_token(raw: object) -> None:
    with pytest.raises(ValidationError):
        AccessToken.parse(raw)


@pytest.mark.parametrize(
    "payload",
    ["b", "!!!", b64("not json"), b64("[1, 2]"), b64('"text"'), b64("[" * 3000 + "]" * 3000)],
)
def test_token_whose_claims_cannot_be_read_is_bad_input_and_not_echoed(payload: str) -> None:
    raw = f"eyJhbGciOiJIUzM4NCJ9.{payload}.c2lnbmF0dXJl"

    with pytest.raises(ValidationError, match="damaged") as caught:
        AccessToken.parse(raw)

    assert payload not in str(caught.value) or len(payload) < 4
    assert raw not in str(caught.value)


def test_token_principal_is_stable_per_token_and_differs_between_tokens() -> None:
    first, again, other = (AccessToken.parse(token_text(x)) for x in "aab")

    assert first.principal == again.principal
    assert first.principal != other.principal
    assert first.principal.startswith("tok:")


@given(st.text(alphabet=TOKEN_CHARS, min_size=1), st.dictionaries(st.text(), st.integers()))
def test_token_secret_never_appears_in_repr_str_format_or_principal(
    head: str, claims: dict[str, int]
) -> None:
    token = AccessToken.parse(f"eyJ{head}.{b64(json.dumps(claims))}.sig")

    for shown in (repr(token), str(token), f"{token}", f"{token!r}", token.principal):
        assert token.secret not in shown


def test_token_secret_does_not_leak_through_a_containing_dataclass() -> None:
    @dataclass
    class Request:
        token: AccessToken

    token = AccessToken.parse(token_text("z"))

    assert "zzzz" not in repr(Request(token))


@given(st.text(alphabet=string.digits + "._-", min_size=8).filter(lambda b: b.count(".") != 2))
def test_rejected_token_text_is_never_echoed_in_the_error(body: str) -> None:
    with pytest.raises(ValidationError) as caught:
        AccessToken.parse("eyJ" + body)

    assert body not in str(caught.value)
