"""What the OTP login accepts before it spends a request: numbers, and the fingerprint."""

from __future__ import annotations

import pytest

from cpbatch.adapters.classplus import ClassPlusSettings
from cpbatch.adapters.classplus.otp import normalize_mobile
from cpbatch.domain.errors import ValidationError


@pytest.mark.parametrize(
    "raw", ["9876543210", "+919876543210", "919876543210", " 98765-43210 ", "+91 98765 43210"]
)
def test_a_mobile_number_is_its_ten_digits(raw):
    assert normalize_mobile(raw) == "9876543210"


@pytest.mark.parametrize(
    "raw", ["", "987654321", "98765432100", "+449876543210", "9876S43210", "٩٨٧٦٥٤٣٢١٠", "+91"]
)
def test_anything_else_is_refused_without_echoing_it(raw):
    with pytest.raises(ValidationError, match="mobile number") as err:
        normalize_mobile(raw)
    assert len(raw.strip()) < 5 or raw.strip() not in str(err.value)


def test_the_fingerprint_is_derived_from_the_device_id_and_stable():
    one, again = ClassPlusSettings(device_id="516"), ClassPlusSettings(device_id="516")
    other = ClassPlusSettings(device_id="841")
    assert len(one.fingerprint) == 32
    assert int(one.fingerprint, 16) >= 0
    assert one.fingerprint == again.fingerprint != other.fingerprint


def test_an_explicit_fingerprint_wins_and_must_be_32_hex():
    assert ClassPlusSettings(fingerprint_id="ab" * 16).fingerprint == "ab" * 16
    with pytest.raises(ValidationError, match="fingerprint_id"):
        ClassPlusSettings(fingerprint_id="not-hex")
