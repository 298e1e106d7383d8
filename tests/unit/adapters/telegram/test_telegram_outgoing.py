"""How outgoing texts are fitted to Telegram's limits, which count UTF-16 code units."""

from __future__ import annotations

from cpbatch.adapters.telegram.outgoing import fit


def test_texts_are_cut_to_telegram_limits_in_utf16_units() -> None:
    long = "😀" * 3000  # 6000 UTF-16 units

    cut = fit(long, 4096)

    assert len(cut.encode("utf-16-le")) // 2 <= 4096
    assert cut.endswith("…")
    assert fit("short", 4096) == "short"


def test_a_surrogate_pair_is_never_cut_in_half() -> None:
    cut = fit("a" + "😀" * 10, 4)  # the cut falls inside the second emoji

    assert cut == "a😀…"
    cut.encode("utf-8")  # would raise on a lone surrogate
