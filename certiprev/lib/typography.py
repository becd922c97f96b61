"""French typography of what users read: a non-breaking space before « : ; ! ? » and inside « ».

Without it a browser may break the line before the sign, and a phone shows lines starting with ":". Pure text
functions (no Django), shared by `scripts/french_typography.py`, which fixes templates and messages in place,
and by the test that keeps them fixed (tests/test_french_typography.py).
"""

from __future__ import annotations

import io
import re
import tokenize

NBSP = "\u00a0"
# A plain space before a high sign that ends a word group (the sign is followed by a space, a quote, a tag, the end).
_BEFORE_SIGN = re.compile(r"(?<=\S) (?=[:;!?](?:[\s\"'<)»&,.\\]|$))")
_AFTER_OPENING = re.compile(r"« ")
_BEFORE_CLOSING = re.compile(r"(?<=\S) »")


def fix_text(text: str, space: str = NBSP) -> str:
    """`text` with `space` (a character, or "&nbsp;" in HTML) where French wants a non-breaking space."""
    text = _BEFORE_SIGN.sub(lambda _m: space, text)
    text = _AFTER_OPENING.sub(lambda _m: "«" + space, text)
    return _BEFORE_CLOSING.sub(lambda _m: space + "»", text)


# ---------------------------------------------------------------------------------------------------------------
# Templates: only the text a person reads (not Django tags, variables, comments, scripts, styles or HTML tags,
# except the attributes whose value is read: title, alt, placeholder, aria-label, data-confirm).

_TEMPLATE_CODE = re.compile(
    r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}"
    r"|<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>",
    re.S,
)
_READ_ATTRIBUTE = re.compile(r"""(\b(?:title|alt|placeholder|aria-label|data-confirm)=)(["'])(.*?)\2""", re.S)


def fix_template(source: str, *, html: bool) -> str:
    """The template with its readable text fixed, with the character itself (U+00A0): the page, its text in tests
    and the messages written in Python then hold the same character (an "&nbsp;" already written is kept)."""
    space = NBSP
    out: list[str] = []
    position = 0
    for match in _TEMPLATE_CODE.finditer(source):
        out.append(_fix_text_between(source, position, match.start(), space))
        code = match.group(0)
        if html and code.startswith("<") and not code.startswith(("<script", "<style", "<!--")):
            code = _READ_ATTRIBUTE.sub(
                lambda m: m.group(1) + m.group(2) + fix_text(m.group(3), space) + m.group(2), code
            )
        out.append(code)
        position = match.end()
    out.append(_fix_text_between(source, position, len(source), space))
    return "".join(out)


def _fix_text_between(source: str, start: int, end: int, space: str) -> str:
    """Fix source[start:end], looking one character back so that "{{ x }} :" counts as text before the sign."""
    if start == end:
        return ""
    lead = source[start - 1] if start > 0 else "\n"
    return fix_text(lead + source[start:end], space)[1:] if lead != " " else fix_text(source[start:end], space)


# ---------------------------------------------------------------------------------------------------------------
# Python: string literals (French messages), not docstrings, raw strings, bytes or f-string expressions.

_PREFIX = re.compile(r"^([A-Za-z]*)('''|\"\"\"|'|\")")


def fix_python(source: str) -> str:
    """The module with the character U+00A0 written where its string literals want a non-breaking space.

    The character itself, not an escape: a line keeps its length, so the change stays one line for one line."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    edits: list[tuple[int, int, str]] = []
    previous = tokenize.NEWLINE
    for index, token in enumerate(tokens):
        if token.type == tokenize.STRING:
            following = tokens[index + 1].type if index + 1 < len(tokens) else tokenize.ENDMARKER
            docstring = previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.NL) and (
                following in (tokenize.NEWLINE, tokenize.ENDMARKER)
            )
            fixed = None if docstring else _fix_literal(token.string)
            if fixed is not None and fixed != token.string:
                start = offsets[token.start[0] - 1] + token.start[1]
                end = offsets[token.end[0] - 1] + token.end[1]
                edits.append((start, end, fixed))
        if token.type not in (tokenize.COMMENT, tokenize.NL):
            previous = token.type
    for start, end, text in reversed(edits):
        source = source[:start] + text + source[end:]
    return source


def _fix_literal(literal: str) -> str | None:
    match = _PREFIX.match(literal)
    if not match:
        return None
    prefix, quote = match.group(1).lower(), match.group(2)
    if "r" in prefix or "b" in prefix:
        return None
    head, body, tail = literal[: match.end()], literal[match.end() : len(literal) - len(quote)], quote
    if "f" not in prefix:
        return head + fix_text(body) + tail
    # An f-string: fix the literal parts only, never inside {expressions}.
    parts: list[str] = []
    depth, chunk = 0, ""
    after_expression = False
    i = 0
    while i < len(body):
        char = body[i]
        if depth == 0 and body.startswith(("{{", "}}"), i):
            chunk += body[i : i + 2]
            i += 2
            continue
        if char == "{":
            if depth == 0:
                parts.append(_fix_chunk(chunk, after_expression))
                chunk = ""
            depth += 1
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                parts.append(chunk + char)
                chunk = ""
                after_expression = True
                i += 1
                continue
        chunk += char
        i += 1
    parts.append(_fix_chunk(chunk, after_expression) if depth == 0 else chunk)
    return head + "".join(parts) + tail


def _fix_chunk(chunk: str, after_expression: bool) -> str:
    """A literal part of an f-string; after "{x}" its first space follows a word ("{name} : …")."""
    return fix_text("x" + chunk)[1:] if after_expression else fix_text(chunk)
