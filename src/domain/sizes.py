"""Human-readable sizes, shared by every door: binary multiples (1 KiB = 1024 B), labelled as
binary units, because every size limit cpbatch has (Telegram's 2000 MiB, the K/M/G settings) is
binary too."""

from __future__ import annotations

_UNITS = ("KiB", "MiB", "GiB", "TiB")


def format_bytes(size: int | float | None) -> str:
    if size is None:
        return "size unknown"
    if abs(size) < 1024:
        return f"{int(size)} B"
    value, shown = float(size), _UNITS[-1]
    for unit in _UNITS:
        value /= 1024
        # Compare what is shown, so 1023.96 KiB reads "1.0 MiB", not "1024.0 KiB".
        if abs(round(value, 1)) < 1024:
            shown = unit
            break
    return f"{value:.1f} {shown}"
