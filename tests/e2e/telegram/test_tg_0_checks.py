"""The harness's own checks, proved on made-up text (these run in `make test` too): a size
label is read the way a person reads it, and the log scan finds every kind of secret."""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

from support.telegram_e2e.checks import label_means, secrets_in_log, tells_size


def test_size_labels_mean_what_they_say() -> None:
    assert label_means("60.0 kB", 60_000)
    assert label_means("58.6 KiB", 60_000)
    assert label_means("314.6 MB", 300 * 2**20)
    assert label_means("300.0 MiB", 300 * 2**20)
    assert label_means("512 B", 512)
    assert not label_means("58.6 KB", 60_000)  # kibibytes labelled as kilobytes
    assert not label_means("300.0 MB", 300 * 2**20)
    assert not tells_size("📄 notes.pdf · size unknown", 60_000)
    assert tells_size("📄 notes.pdf\n60.0 kB · 📚 Physics", 60_000)


def _fake_jwt() -> str:
    def part(payload: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS384'})}.{part({'id': 1})}.{secrets.token_urlsafe(48)}"


def test_the_log_scan_finds_each_secret_and_masks_it(tmp_path: Path) -> None:
    code = f"{secrets.randbelow(900_000) + 100_000}"
    key = secrets.token_urlsafe(32)
    unseen_token = _fake_jwt()  # as an OTP login mints: the scan knows only its shape
    log = tmp_path / "bot.log"
    log.write_text(
        f'line one\n"message": "{code}",\nkey={key} and more\n'
        f"bytes {code}7 and 4{code} are not the code\ntoken {unseen_token} end\n",
        encoding="utf-8",
    )
    findings = secrets_in_log(log, {"OTP": code, "SECRET_KEY": key, "ABSENT": "nowhere-x"})
    assert len(findings) == 3, findings
    assert findings[0].startswith("OTP:")
    assert '"message": "<OTP>"' in findings[0]
    assert findings[1].startswith("SECRET_KEY:")
    assert findings[2].startswith("a token-shaped string:")
    joined = "\n".join(findings)
    assert code not in joined
    assert key not in joined
    assert unseen_token not in joined
