"""Split SQL text into statements where psql would: at a ``;`` outside quotes and comments.

The revisions hand alembic several statements in one ``op.execute`` (0009's first
transaction is one text of 33), and the SQL files guard each statement on its own
(:mod:`schema_pkg.psqlsteps`), so the text is split the way psql's lexer splits it:
'...' and E'...' strings, "..." identifiers, $tag$...$tag$ bodies, ``--`` and
nested ``/* */`` comments never end a statement.  A psql meta-command line (``\\gexec``)
ends the statement before it and belongs to it.  Joining the pieces gives the text back.
"""

from __future__ import annotations

import re
from functools import lru_cache

DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$")
META_LINE = re.compile(r"[ \t]*\\")


def skip_quoted(text: str, i: int) -> int:
    """The index after the quoted string, identifier, comment or dollar body at ``i``
    (``i`` itself plus one when nothing quoted starts there)."""
    ch, nxt = text[i], text[i + 1: i + 2]
    if ch == "-" and nxt == "-":
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if ch == "/" and nxt == "*":
        depth, j = 1, i + 2
        while j < len(text) and depth:
            pair = text[j: j + 2]
            depth += (pair == "/*") - (pair == "*/")
            j += 2 if pair in ("/*", "*/") else 1
        return j
    if ch in "'\"":
        escapes = ch == "'" and i > 0 and text[i - 1] in "eE" and not text[i - 2: i - 1].isalnum()
        j = i + 1
        while j < len(text):
            if escapes and text[j] == "\\":
                j += 2
                continue
            if text[j] == ch:
                if text[j + 1: j + 2] == ch:  # a doubled quote stays inside
                    j += 2
                    continue
                return j + 1
            j += 1
        return j
    if ch == "$" and not (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")):
        tag = DOLLAR_TAG.match(text, i)
        if tag:
            end = text.find(tag.group(), tag.end())
            return len(text) if end < 0 else end + len(tag.group())
    return i + 1


def split_statements(text: str) -> list[str]:
    """The statements of ``text``, each with the comments and blank lines before it and
    its ``;`` (or meta-command line); a tail without a statement is kept as its own piece."""
    return list(split_once(text))


@lru_cache(maxsize=256)
def split_once(text: str) -> tuple[str, ...]:
    """:func:`split_statements`, computed once per text: every migration splits the same
    revisions' statements, part by part, before and after each step."""
    pieces: list[str] = []
    start = i = 0
    at_line_start = True
    while i < len(text):
        if at_line_start and META_LINE.match(text, i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end + 1
            pieces.append(text[start:end])
            start = i = end
            continue
        ch = text[i]
        if ch == ";":
            end = i + 1
            if text[end: end + 1] == "\n":
                end += 1
            pieces.append(text[start:end])
            start = i = end
            at_line_start = True
            continue
        j = skip_quoted(text, i)
        at_line_start = text[i:j].endswith("\n") or (ch == "\n")
        i = j
    if text[start:]:
        pieces.append(text[start:])
    return tuple(pieces)


def has_statement(piece: str) -> bool:
    """Whether a piece holds more than comments and white space."""
    i = 0
    while i < len(piece):
        if piece[i].isspace():
            i += 1
        elif piece.startswith(("--", "/*"), i):
            i = skip_quoted(piece, i)
        else:
            return True
    return False
