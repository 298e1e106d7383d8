"""The CLI's questions: a secret is read with getpass on a terminal, prompts never go to
stdout, and no answer is an error rather than an empty value."""

from __future__ import annotations

import io

import pytest

from cpbatch.domain.errors import ValidationError
from cpbatch.entrypoints.cli import prompts


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_secret_is_read_by_getpass_never_by_readline(monkeypatch, capsys):
    asked: list[str] = []

    def fake_getpass(prompt: str, stream: object = None) -> str:
        asked.append(prompt)
        return " 123456 "

    monkeypatch.setattr("sys.stdin", Terminal("654321\n"))
    monkeypatch.setattr(prompts.getpass, "getpass", fake_getpass)

    answer = prompts.ask_secret("OTP: ", "no OTP")

    assert answer == "123456"
    assert asked == ["OTP: "]
    assert capsys.readouterr().out == ""


def test_from_a_pipe_answers_are_lines_and_prompts_go_to_stderr(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("9000000001\n123456\n"))

    mobile = prompts.ask("Mobile: ", "no number")
    otp = prompts.ask_secret("OTP: ", "no OTP")

    captured = capsys.readouterr()
    assert (mobile, otp) == ("9000000001", "123456")
    assert captured.out == ""
    assert captured.err == "Mobile: \nOTP: \n"


def test_end_of_input_is_an_error_not_an_empty_answer(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    with pytest.raises(ValidationError, match="no OTP"):
        prompts.ask_secret("OTP: ", "no OTP")


def test_a_token_on_standard_input_is_read_whole_and_trimmed(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("eyJa.b.c\n"))

    assert prompts.read_token_from_stdin() == "eyJa.b.c"
