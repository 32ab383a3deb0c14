"""Text from untrusted input made safe to show: no control characters, no forged commands.

A terminal obeys escape sequences, and a GitHub Actions runner obeys any stdout or stderr
line that starts (after blanks) with `::` (or the older `##[`) as a workflow command. Input
strings are refused when they hold a control character (see `unsafe_character`), and every
human-readable output passes through `for_people` once more before it leaves the program.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional
# overrides and isolates (text that displays in another order than it reads).
_WIDE = "\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[\x00-\x1f{_WIDE}]")
_UNSAFE_BUT_LAYOUT = re.compile(f"()[\x00-\x09\x0b-\x1f{_WIDE}]")
_UNSAFE_KEEPING_COLOR = re.compile(f"(\x1b\\[[0-9;]*m)|[\x00-\x09\x0b-\x1f{_WIDE}]")
_COMMAND_START = re.compile(r"^(\s*)(::|##\[)", re.MULTILINE)
_JSON_UNSAFE = re.compile(f"[{_WIDE}]")


def escaped(character: str) -> str:
    """One character as a visible escape: \\n, \\t, \\x1b, \\u202e."""
    known = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if character in known:
        return known[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def unsafe_character(text: str) -> str | None:
    """The first control character in `text`, escaped, or None when there is none."""
    found = _UNSAFE.search(text)
    return escaped(found.group()) if found else None


def escape(text: str) -> str:
    """Every control character (newlines and tabs too) shown as an escape: one line."""
    return _UNSAFE.sub(lambda m: escaped(m.group()), text)


def for_people(text: str, *, color: bool = False) -> str:
    """A whole output for people (table, Markdown, messages): layout kept, the rest escaped.

    Newlines are the output's own layout and stay; every other control character
    is escaped, and a line that would start with `::` or `##[` is prefixed with a backslash
    (Markdown still shows the characters; the runner no longer reads a command). With
    `color`, the report's own colour codes (SGR sequences) stay too.
    """
    pattern = _UNSAFE_KEEPING_COLOR if color else _UNSAFE_BUT_LAYOUT
    text = pattern.sub(lambda m: m.group() if m.group(1) else escaped(m.group()), text)
    return _COMMAND_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def for_json(text: str) -> str:
    """JSON text with the controls json.dumps leaves raw (DEL, C1, separators) as \\u escapes.

    They can only occur inside strings, where \\uXXXX means the same character.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
