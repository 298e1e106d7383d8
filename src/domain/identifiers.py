"""Validated value objects for everything a user or upstream can type: org codes, ids, tokens."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field

from cpbatch.domain.errors import ValidationError

_ORG_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
_MAX_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class OrgCode:
    """An organization code as users type it; stored lower-cased, as the ClassPlus apps do."""

    value: str

    @classmethod
    def parse(cls, raw: object) -> OrgCode:
        if not isinstance(raw, str):
            raise ValidationError("The organization code must be text, like 'abcde'.")
        text = raw.strip().lower()
        if not text:
            raise ValidationError("Please give an organization code, like 'abcde'.")
        if not _ORG_CODE.fullmatch(text):
            raise ValidationError(
                f"{_shown(raw)} is not an organization code: use 2 to 40 letters or digits "
                "(dashes and underscores allowed after the first), like 'abcde'."
            )
        return cls(text)

    @classmethod
    def coerce(cls, raw: OrgCode | object) -> OrgCode:
        """An OrgCode as is, or anything else parsed (and validated) into one."""
        return raw if isinstance(raw, OrgCode) else cls.parse(raw)

    def __str__(self) -> str:
        return self.value


def parse_id(raw: object, what: str = "id") -> int:
    """A positive upstream id (ClassPlus ids are positive integers), from int or digit text."""
    if isinstance(raw, bool):
        raise ValidationError(f"The {what} must be a whole number, not {raw!r}.")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit():
        value = int(raw.strip())
    else:
        raise ValidationError(f"The {what} must be a positive whole number, not {_shown(raw)}.")
    if not 0 < value <= _MAX_ID:
        raise ValidationError(f"The {what} must be a positive whole number, not {value}.")
    return value


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A user's ClassPlus access token. Never printed: repr and str are redacted."""

    secret: str = field(repr=False)

    @classmethod
    def parse(cls, raw: object) -> AccessToken:
        if not isinstance(raw, str) or not raw.strip():
            raise ValidationError(
                "No ClassPlus token given: pass --token, set CLASSPLUS_TOKEN or log in first."
            )
        text = raw.strip()
        if any(ch.isspace() for ch in text) or not text.isascii() or len(text) > 8192:
            raise ValidationError("That does not look like a ClassPlus access token.")
        if not looks_like_access_token(text):
            raise ValidationError(
                "That does not look like a ClassPlus access token (they start with 'eyJ' "
                "and have three dot-separated parts)."
            )
        # A token whose claims cannot be read is mistyped or cut short: bad input (exit 2),
        # not a token ClassPlus refused.
        if not _decodes_to_json_object(text.split(".")[1]):
            raise ValidationError(
                "That ClassPlus access token is damaged (its middle part cannot be read): "
                "copy the whole token again, or log in again."
            )
        return cls(text)

    @property
    def principal(self) -> str:
        """A stable, non-reversible key for per-user caches: same token, same principal."""
        return "tok:" + hashlib.sha256(self.secret.encode()).hexdigest()[:32]

    def __str__(self) -> str:
        return "<ClassPlus token>"


def looks_like_access_token(text: str) -> bool:
    """Shaped like a JWT ('eyJ…', three dot-separated parts), readable or not: what a chat
    must not keep, even when `AccessToken.parse` would refuse it as damaged."""
    text = text.strip()
    return (
        text.startswith("eyJ")
        and text.count(".") == 2
        and text.isascii()
        and not any(ch.isspace() for ch in text)
        and len(text) <= 8192
    )


def _decodes_to_json_object(part: str) -> bool:
    padded = part + "=" * (-len(part) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError, RecursionError):
        return False
    return isinstance(claims, dict)


def _shown(raw: object) -> str:
    """The input, quoted, when it is short; long input may be a pasted secret and is not echoed."""
    text = repr(raw)
    secret_shaped = isinstance(raw, str) and raw.strip().startswith("eyJ")
    return "That" if secret_shaped or len(text) > 26 else text
