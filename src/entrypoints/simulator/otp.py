"""OTP sessions: deterministic codes per (world seed, identifier), strict throttling."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from cpbatch.entrypoints.simulator.envelope import ApiFailure

MAX_GENERATES_PER_IDENTIFIER = 5


@dataclass(frozen=True, slots=True)
class OtpSession:
    org_id: int
    identifier: str  # mobile number or e-mail address
    otp: str


def expected_otp(seed: int, identifier: str) -> str:
    """The 6-digit code every session for `identifier` gets in a world with `seed`."""
    digest = hashlib.sha256(f"otp:{seed}:{identifier}".encode()).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 1_000_000:06d}"


class OtpDesk:
    """Issues and checks OTP sessions; never resets its throttle while running (upstream
    locks a number for hours)."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._sessions: dict[str, OtpSession] = {}
        self._latest: dict[str, OtpSession] = {}
        self._generates: dict[str, int] = {}

    def generate(self, org_id: int, identifier: str) -> str:
        count = self._generates.get(identifier, 0) + 1
        self._generates[identifier] = count
        if count > MAX_GENERATES_PER_IDENTIFIER:
            raise ApiFailure(403, "OTP limit exceeded. Please try again after some time.")
        session = OtpSession(org_id, identifier, expected_otp(self._seed, identifier))
        session_id = secrets.token_hex(16)
        self._sessions[session_id] = session
        self._latest[identifier] = session
        return session_id

    def verify(self, session_id: str, otp: str, org_id: int, identifier: str) -> None:
        """Raise `ApiFailure(400)` unless `otp` is right for that session."""
        session = self._sessions.get(session_id)
        if session is None or session.org_id != org_id or session.identifier != identifier:
            raise ApiFailure(400, "Invalid session. Please request a new OTP.")
        if not secrets.compare_digest(session.otp, otp):
            raise ApiFailure(400, "Incorrect OTP. Please try again.")

    def latest_otp(self, identifier: str) -> str | None:
        session = self._latest.get(identifier)
        return None if session is None else session.otp
