"""The chaos suite's security, load and bad-input sections at smoke size: their invariants.

Each section runs in-process as `python -m chaos` runs it (`run("smoke", workdir)`), against the
ClassPlus simulator on loopback; the secrets section also drives the real CLI in subprocesses.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
if str(REPO_ROOT) not in sys.path:  # `chaos` lives at the repository root, beside `bench`
    sys.path.insert(0, str(REPO_ROOT))

from chaos import bad_input, load, run, secrets_scan  # noqa: E402

pytestmark = pytest.mark.e2e


def test_no_secret_reaches_a_log_an_output_or_the_disk(tmp_path: Path) -> None:
    figures: Any = secrets_scan.run("smoke", tmp_path)

    assert "error" not in figures, figures.get("error")
    assert figures["scanner_self_check"] is True  # the scanner finds what is there
    assert figures["secrets_checked"] >= 20
    assert set(figures["secret_kinds"]) >= {
        "ClassPlus token",
        "OTP",
        "bot token",
        "API hash",
        "MongoDB password",
        "SECRET_KEY",
    }
    assert figures["log_lines_scanned"] > 0
    assert figures["outputs_scanned"] > 0
    assert figures["secrets_found"] == 0, figures["findings"]
    assert figures["plaintext_tokens_at_rest"] == 0, figures["at_rest_findings"]
    assert figures["files_at_rest_scanned"] >= 2
    assert figures["mongo_password_redacted"] is True
    assert figures["wrong_key_clear_error"] is True
    assert figures["wrong_key_data_kept"] is True
    assert figures["bot_logins"] == 3
    assert figures["bot_files_entitled"] is True
    assert figures["secret_messages_deleted"] == figures["secret_messages_sent"] > 0
    codes = figures["cli_exit_codes"]
    assert codes["expired_token"] == codes["forged_token"] == 3
    assert codes["mongodb_unreachable"] == 7
    assert codes["bot_without_admins"] == 2
    assert codes["cli_login"] == codes["cli_status"] == codes["cli_logout"] == 0
    assert codes["cli_stored_login"] == codes["cli_token_stdin"] == 0
    assert "CLI login key" in figures["secret_kinds"]

    access = figures["access"]
    assert access["stranger_refusals"] == 1
    assert access["stranger_data"] == 0
    assert access["forged_callbacks_effective"] == 0
    assert access["forged_callbacks_stale_answer"] == access["forged_callbacks"]
    assert access["admin_only_refused"] == access["admin_only_tried"]
    assert access["admin_only_leaked"] == 0
    assert access["admin_jobs_answered"] is True
    assert access["burst_admitted"] == access["burst_policy_per_minute"]
    assert access["burst_told_once"] is True


def test_many_users_at_once_get_exactly_their_own_files(tmp_path: Path) -> None:
    figures: Any = load.run("smoke", tmp_path)

    assert figures["users"] == load.USERS["smoke"]
    assert figures["user_errors"] == 0, figures["user_error_samples"]
    assert figures["users_logged_in"] == figures["users"]
    assert figures["users_exact_files"] == figures["users"]
    assert figures["files_received"] == figures["files_expected"]
    assert figures["cross_talk"] == 0, figures["cross_talk_detail"]
    assert figures["job_limit_held"] is True
    assert 1 <= figures["peak_running_jobs"] <= figures["max_jobs"]
    assert figures["files_lost"] == figures["files_corrupted"] == 0
    assert figures["wall_s"] > 0
    assert figures["peak_rss_mb"] > 0


def test_bad_input_never_breaks_a_property(tmp_path: Path) -> None:
    figures: Any = bad_input.run("smoke", tmp_path)

    tried = figures["by_category"]
    assert figures["inputs_tried"] == sum(tried.values()) > 0
    assert set(tried) == {
        "org_codes",
        "ids",
        "tokens",
        "chat_text",
        "callbacks",
        "pagination",
        "filenames",
        "upstream_json",
        "max_file_size",
        "url_policy",
        "settings",
    }
    assert all(count > 0 for count in tried.values())
    assert figures["violations"] == 0, figures["violation_samples"]


def test_the_table_comes_out_when_a_section_is_missing_or_raises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(size: str, workdir: Path) -> dict[str, object]:
        raise RuntimeError("the simulator did not start")

    raising = types.ModuleType("chaos_raising_section")
    raising.run = broken  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, raising.__name__, raising)
    monkeypatch.setitem(run.SECTIONS, "faults", "chaos.no_such_section")
    monkeypatch.setitem(run.SECTIONS, "crash", raising.__name__)
    sections = {
        "faults": run.run_section("faults", "smoke", tmp_path),
        "crash": run.run_section("crash", "smoke", tmp_path),
        "bad_input": {"inputs_tried": 10, "by_category": {"ids": 10}, "violations": 0},
    }

    rows = run.build_rows(sections)
    table = run.render_table(rows)

    assert sections["faults"]["error"].startswith("not available")
    assert sections["crash"]["error"] == "RuntimeError: the simulator did not start"
    assert "| Faults injected and survived | error: not available" in table
    assert "| Crash safety (kill -9) | error: RuntimeError: the simulator did not start" in table
    assert "| Bad inputs tried | 10 inputs" in table
    assert rows[-1].what == "Files lost or corrupted"
    assert rows[-1].held is True
