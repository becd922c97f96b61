"""Reading a CSV file (UTF-8, UTF-16 or Windows-1252; `;`, `,` or tab)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from .cells import _CONTROL_CHARS
from .fields import (
    FIELD_FILE,
    MSG_CSV_CELL_TOO_LONG,
    MSG_CSV_MALFORMED,
    MSG_HTML,
    MSG_UNKNOWN_FORMAT,
    MSG_UTF16_UNREADABLE,
)
from .result import ImportResult, _Rules, _Stop
from .rows import _header_field, _process_rows

_DELIMITERS = (";", ",", "\t")
_SEP_DIRECTIVE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)
_HTML = re.compile(r"^\s*<(?:!doctype\s+html|html|head|body|table|meta)\b", re.IGNORECASE)


class _Utf16WithoutBom(Exception):
    pass


def _utf16_without_bom(data: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when NUL bytes fill most odd (or even) positions, as in Latin text so encoded."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd >= 0.7 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.7 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _decode_text(data: bytes) -> str | None:
    """UTF-16 (with a BOM, or detected without), UTF-8 (with or without BOM) or Windows-1252; None when the bytes
    are not text. Raises _Utf16WithoutBom when the bytes look like UTF-16 without a BOM but do not decode."""
    utf16 = None if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_without_bom(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    elif utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            raise _Utf16WithoutBom from None
    elif b"\x00" in data:
        return None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.removeprefix(b"\xef\xbb\xbf").decode("cp1252")
            except UnicodeDecodeError:
                return None
    if _CONTROL_CHARS.search(text.rstrip("\x1a")):
        return None
    return text


def _parse_csv(result: ImportResult, data: bytes, rules: _Rules) -> None:
    try:
        text = _decode_text(data)
    except _Utf16WithoutBom:
        result.error(None, FIELD_FILE, MSG_UTF16_UNREADABLE)
        return
    if text is None:
        result.error(None, FIELD_FILE, MSG_UNKNOWN_FORMAT)
        return
    text = text.removeprefix("\ufeff")
    if _HTML.match(text):
        result.error(None, FIELD_FILE, MSG_HTML)
        return
    if text.lstrip().startswith("<"):  # XML (e.g. Excel 2003 "XML spreadsheet"), not a table we can read
        result.error(None, FIELD_FILE, MSG_UNKNOWN_FORMAT)
        return
    result.file_format = "csv"
    delimiter = None
    directive = _SEP_DIRECTIVE.match(text)
    if directive:  # Excel's "sep=;" first line (Excel hides it: the next line is line 1)
        delimiter, text = directive.group(1), text[directive.end() :]
    if delimiter is None:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Iterator[tuple[int, list[object]]]:
        line = 0
        try:
            for line, record in enumerate(reader, start=1):  # noqa: B007 - `line` is read in the except clause
                yield line, list(record)
        except csv.Error as error:
            if "field larger than field limit" in str(error):  # the csv module's own cap on one cell
                message = MSG_CSV_CELL_TOO_LONG.format(
                    line=line + 1, limit=f"{csv.field_size_limit():_}".replace("_", " ")
                )
            else:
                message = MSG_CSV_MALFORMED.format(line=line + 1)
            result.error(None, FIELD_FILE, message)
            raise _Stop from None

    _process_rows(result, rows(), rules)


def _sniff_delimiter(text: str) -> str:
    """The delimiter that recognises the most header columns (then: splits the header into most cells)."""
    header = next((line for line in text.splitlines() if line.strip()), "")

    def score(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:
            return (-1, -1)
        return (sum(_header_field(cell) is not None for cell in cells), len(cells))

    return max(_DELIMITERS, key=score)
