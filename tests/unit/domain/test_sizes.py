"""Human-readable sizes."""

import pytest

from domain.sizes import format_bytes


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (None, "size unknown"),
        (0, "0 B"),
        (1023, "1023 B"),
        (1536, "1.5 KB"),
        (5 * 1024**2, "5.0 MB"),
        (3 * 1024**3, "3.0 GB"),
        (2 * 1024**4, "2048.0 GB"),
    ],
)
def test_sizes_are_shown_in_the_largest_fitting_unit_up_to_gigabytes(
    size: int | None, shown: str
) -> None:
    assert format_bytes(size) == shown
