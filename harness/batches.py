"""Split a T-SQL script into batches on ``GO``, the way sqlcmd and SSMS do.

No database driver understands ``GO``: it is a client-side separator. A line counts as a
separator when, outside any string, quoted identifier or comment, it holds only ``GO`` (any case),
optionally followed by a repeat count (``GO 3``) and a ``--`` comment. ``GO`` inside a string, a
``[bracketed]`` or ``"quoted"`` identifier, a ``--`` comment or a (nested) ``/* */`` comment is text.
CRLF and LF line endings are both understood; batch text keeps the file's own line endings.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_GO_LINE = re.compile(r"^[ \t]*go(?:[ \t]+(?P<count>\d+))?[ \t]*(?:--[^\r\n]*)?\r?$", re.IGNORECASE)


class BatchError(ValueError):
    """The script cannot be split: an unterminated string or comment, or a bad ``GO`` count."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.reason = message


@dataclass(frozen=True)
class Batch:
    text: str  # the batch's SQL, without the GO line
    start_line: int  # 1-based line of the batch's first character in the script
    count: int = 1  # how many times the batch runs (GO n)

    def is_blank(self) -> bool:
        """True when the batch holds only whitespace and comments."""
        return not strip_comments(self.text).strip()


_INTERESTING = re.compile(r"--|/\*|['\[\"]")
_BLOCK_MARK = re.compile(r"/\*|\*/")


def _scan(text: str):
    """Yield ``(start, end, kind)`` for every region of the text, in order.

    ``kind`` is one of ``code``, ``string``, ``ident``, ``line_comment``, ``block_comment``.
    Raises :class:`BatchError` for an unterminated string, identifier or block comment.
    """
    n = len(text)
    code_start = 0
    i = 0
    while True:
        match = _INTERESTING.search(text, i)
        if match is None:
            break
        i = match.start()
        token = match.group()
        if code_start < i:
            yield code_start, i, "code"
        if token == "--":
            end = text.find("\n", i)
            end = n if end < 0 else end
            yield i, end, "line_comment"
        elif token == "/*":
            depth = 0
            j = i
            while True:
                mark = _BLOCK_MARK.search(text, j)
                if mark is None:
                    raise BatchError("unterminated /* comment", text.count("\n", 0, i) + 1)
                depth += 1 if mark.group() == "/*" else -1
                j = mark.end()
                if depth == 0:
                    break
            end = j
            yield i, end, "block_comment"
        else:
            close = "]" if token == "[" else token
            j = i + 1
            while True:
                k = text.find(close, j)
                if k < 0:
                    what = "string" if token == "'" else "quoted identifier"
                    raise BatchError(f"unterminated {what}", text.count("\n", 0, i) + 1)
                if text.startswith(close * 2, k):  # a doubled quote is an escaped quote
                    j = k + 2
                    continue
                break
            end = k + 1
            yield i, end, "string" if token == "'" else "ident"
        i = code_start = end
    if code_start < n:
        yield code_start, n, "code"


def regions(text: str):
    """``(start, end, kind)`` of every code, string, ident, line_comment and block_comment region."""
    return _scan(text)


def strip_comments(text: str) -> str:
    """Return the text with comments replaced by spaces (line structure kept)."""
    out = []
    for start, end, kind in _scan(text):
        chunk = text[start:end]
        if kind in ("line_comment", "block_comment"):
            chunk = re.sub(r"[^\r\n]", " ", chunk)
        out.append(chunk)
    return "".join(out)


def split_batches(text: str) -> list[Batch]:
    """Split a script into batches. Blank batches (only whitespace/comments) are kept out.

    Raises :class:`BatchError` (with the 1-based line) for unterminated strings/comments and for
    ``GO 0``.
    """
    # A line can hold a GO separator only if its start is not inside a string, quoted identifier or
    # block comment (line comments end at the newline, so they never cover a line start).
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    covering = [(start, end) for start, end, kind in _scan(text) if kind in ("string", "ident", "block_comment")]
    covering_starts = [start for start, _ in covering]

    def in_code(pos: int) -> bool:
        k = bisect.bisect_left(covering_starts, pos) - 1
        return k < 0 or not (covering[k][0] < pos < covering[k][1])

    batches: list[Batch] = []
    current_start = 0
    current_line = 1
    for lineno, pos in enumerate(line_starts, start=1):
        if not in_code(pos):
            continue
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end]
        match = _GO_LINE.match(line)
        if not match:
            continue
        count = int(match["count"]) if match["count"] else 1
        if count < 1:
            raise BatchError("GO count must be at least 1", lineno)
        batch = Batch(text[current_start:pos], current_line, count)
        if not batch.is_blank():
            batches.append(batch)
        current_start = end + 1 if end < len(text) else end
        current_line = lineno + 1
    tail = Batch(text[current_start:], current_line)
    if not tail.is_blank():
        batches.append(tail)
    return batches
