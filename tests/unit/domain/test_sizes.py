"""Human-readable sizes: binary multiples (1024), labelled as such (KiB, MiB, GiB, TiB)."""

import pytest

from cpbatch.domain.sizes import format_bytes


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (None, "size unknown"),
        (0, "0 B"),
        (1023, "1023 B"),
        (1536, "1.5 KiB"),
        (5 * 1024**2, "5.0 MiB"),
        (200_000_000, "190.7 MiB"),
        (3 * 1024**3, "3.0 GiB"),
        (2 * 1024**4, "2.0 TiB"),
        (5000 * 1024**4, "5000.0 TiB"),
    ],
)
def test_sizes_are_shown_in_the_largest_fitting_binary_unit_labelled_as_binary(
    size: int | None, shown: str
) -> None:
    assert format_bytes(size) == shown


def test_a_size_that_would_round_up_to_1024_moves_to_the_next_unit() -> None:
    assert format_bytes(1024**2 - 1) == "1.0 MiB"
