"""Text from ClassPlus or the user, made safe to print on a terminal through Rich.

Org, batch and file names (and error messages quoting them) come from upstream: Rich would read
`[/x]` as markup (and crash on it) or `[link=…]` as a hyperlink, and the terminal would obey
raw control characters: ESC sequences clear the screen or set the window title, a newline breaks
a tree. Control characters (C0, DEL, C1), line separators and bidirectional overrides are shown
escaped (`\\x1b`, `\\n`, `\\u202e`) and markup is escaped, wherever such text is printed."""

from __future__ import annotations

import re

from rich.markup import escape

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """`text` with every control character written out as an escape."""
    return _UNSAFE.sub(_written_out, text)


def shown(text: object) -> str:
    """`text` (or its str) ready to go into a Rich markup string: visible, markup escaped."""
    return escape(visible(str(text)))


def _written_out(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
