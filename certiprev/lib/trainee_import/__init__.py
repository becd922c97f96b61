"""Bulk trainee import: read a CSV or XLSX file into validated rows, or French error messages.

No model imports, shared by the web UI and the REST API. The one entry point is `parse_trainee_file`; it never
raises on bad input: every problem becomes an `ImportIssue`. Each row is checked with the trainee rules of
`certiprev.trainings.rules` (the same checks and messages as the web form and the API); what is said here is
proper to files: formats, headers, unreadable dates, duplicates within the file.

Line numbers are those a person sees in a spreadsheet: the first row of the file is line 1 (normally the header).
Values are stored as typed (trimmed, spaces collapsed); a value starting with "=" is kept verbatim: escaping
formulas is the job of whatever later *exports* these values to a spreadsheet.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Collection

from .cells import _BINARY_SIGNATURES, _OLE2_SIGNATURE, _ZIP_SIGNATURES
from .csv_file import _parse_csv
from .fields import (
    ACCEPTED_FILE_TYPES,
    DEFAULT_MAX_AGE,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    DEFAULT_MIN_AGE,
    EXCEL_MAX_ROW,
    FIELD_BIRTH_DATE,
    FIELD_EMAIL,
    FIELD_EXTERNAL_ID,
    FIELD_FILE,
    FIELD_FIRST_NAMES,
    FIELD_LABELS,
    FIELD_LAST_NAME,
    HEADER_ALIASES,
    MAX_COLUMNS,
    MAX_CONSECUTIVE_BLANK_ROWS,
    MAX_EMAIL_LENGTH,
    MAX_EXTERNAL_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    MSG_BIRTH_DATE_IMPOSSIBLE,
    MSG_BIRTH_DATE_TWO_DIGIT_YEAR,
    MSG_BIRTH_DATE_UNREADABLE,
    MSG_BLANK_ROWS_STOP,
    MSG_CSV_MALFORMED,
    MSG_DUPLICATE_COLUMN,
    MSG_DUPLICATE_IN_FILE,
    MSG_EMPTY_FILE,
    MSG_EMPTY_SHEET,
    MSG_ENCRYPTED,
    MSG_EXTERNAL_ID_DUPLICATE,
    MSG_HTML,
    MSG_IGNORED_COLUMNS,
    MSG_MISSING_COLUMN,
    MSG_NO_HEADER,
    MSG_NO_SHEET,
    MSG_NO_TRAINEE,
    MSG_ODS,
    MSG_PDF,
    MSG_ROW_IGNORED,
    MSG_SEVERAL_SHEETS,
    MSG_TOO_BIG,
    MSG_TOO_MANY_ROWS,
    MSG_UNKNOWN_FORMAT,
    MSG_UNREADABLE,
    MSG_XLS,
    MSG_XLSX_DAMAGED,
    MSG_XLSX_TOO_BIG,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    TEMPLATE_HEADERS,
)
from .result import ImportedTrainee, ImportIssue, ImportResult, _Rules, _Stop
from .template import template_xlsx
from .validators import check_email, parse_birth_date
from .xlsx_file import _parse_zip

__all__ = [
    "ACCEPTED_FILE_TYPES",
    "DEFAULT_MAX_AGE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_MIN_AGE",
    "EXCEL_MAX_ROW",
    "FIELD_BIRTH_DATE",
    "FIELD_EMAIL",
    "FIELD_EXTERNAL_ID",
    "FIELD_FILE",
    "FIELD_FIRST_NAMES",
    "FIELD_LABELS",
    "FIELD_LAST_NAME",
    "HEADER_ALIASES",
    "ImportIssue",
    "ImportResult",
    "ImportedTrainee",
    "MAX_COLUMNS",
    "MAX_CONSECUTIVE_BLANK_ROWS",
    "MAX_EMAIL_LENGTH",
    "MAX_EXTERNAL_ID_LENGTH",
    "MAX_NAME_LENGTH",
    "MAX_XLSX_UNCOMPRESSED_BYTES",
    "MSG_BIRTH_DATE_IMPOSSIBLE",
    "MSG_BIRTH_DATE_TWO_DIGIT_YEAR",
    "MSG_BIRTH_DATE_UNREADABLE",
    "MSG_BLANK_ROWS_STOP",
    "MSG_CSV_MALFORMED",
    "MSG_DUPLICATE_COLUMN",
    "MSG_DUPLICATE_IN_FILE",
    "MSG_EMPTY_FILE",
    "MSG_EMPTY_SHEET",
    "MSG_ENCRYPTED",
    "MSG_EXTERNAL_ID_DUPLICATE",
    "MSG_HTML",
    "MSG_IGNORED_COLUMNS",
    "MSG_MISSING_COLUMN",
    "MSG_NO_HEADER",
    "MSG_NO_SHEET",
    "MSG_NO_TRAINEE",
    "MSG_ODS",
    "MSG_PDF",
    "MSG_ROW_IGNORED",
    "MSG_SEVERAL_SHEETS",
    "MSG_TOO_BIG",
    "MSG_TOO_MANY_ROWS",
    "MSG_UNKNOWN_FORMAT",
    "MSG_UNREADABLE",
    "MSG_XLS",
    "MSG_XLSX_DAMAGED",
    "MSG_XLSX_TOO_BIG",
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "TEMPLATE_HEADERS",
    "check_email",
    "parse_birth_date",
    "parse_trainee_file",
    "template_xlsx",
    "too_big_message",
]

logger = logging.getLogger(__name__)


def parse_trainee_file(
    data: bytes,
    filename: str,
    content_type: str | None = None,
    *,
    existing_keys: Collection[str] = (),
    today: dt.date | None = None,
    min_age: int = DEFAULT_MIN_AGE,
    max_age: int = DEFAULT_MAX_AGE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> ImportResult:
    """Parse an uploaded trainee list (CSV or XLSX, sniffed from the content, not trusted from the name).

    `existing_keys` are the `identity_key`s already registered on the session. `today` is the import date used
    for the age checks (pass `timezone.localdate()`; defaults to the system date). `rows` only holds valid rows;
    the caller decides whether a file with errors is refused as a whole (`result.ok`).
    """
    result = ImportResult()
    try:
        _parse(
            result,
            bytes(data or b""),
            filename or "",
            content_type or "",
            _Rules(
                existing_keys=existing_keys if isinstance(existing_keys, set | frozenset) else set(existing_keys),
                today=today or dt.date.today(),
                min_age=min_age,
                max_age=max_age,
                max_bytes=max_bytes,
                max_rows=max_rows,
            ),
        )
    except Exception:  # never raise on bad input: an unforeseen failure is reported as an unreadable file
        logger.exception("Trainee import: unexpected failure while reading %r", filename)
        result.rows.clear()
        result.errors[:] = [ImportIssue(None, FIELD_FILE, MSG_UNREADABLE)]
    return result


def _parse(result: ImportResult, data: bytes, filename: str, content_type: str, rules: _Rules) -> None:
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        result.error(None, FIELD_FILE, MSG_EMPTY_FILE)
        return
    if len(data) > rules.max_bytes:
        result.error(None, FIELD_FILE, too_big_message(len(data), rules.max_bytes))
        return
    try:
        if data.startswith(_ZIP_SIGNATURES):
            _parse_zip(result, data, rules)
        elif data.startswith(_OLE2_SIGNATURE):
            # Old binary Excel, or an encrypted XLSX (Office wraps those in an OLE2 container).
            name, mime = filename.lower(), content_type.lower()
            if name.endswith((".xlsx", ".xlsm")) or "openxmlformats" in mime:
                result.error(None, FIELD_FILE, MSG_ENCRYPTED)
            elif name.endswith(".xls") or "ms-excel" in mime:
                result.error(None, FIELD_FILE, MSG_XLS)
            else:
                result.error(None, FIELD_FILE, MSG_UNKNOWN_FORMAT)
        elif data.startswith(b"%PDF"):
            result.error(None, FIELD_FILE, MSG_PDF)
        elif data.startswith(_BINARY_SIGNATURES):
            result.error(None, FIELD_FILE, MSG_UNKNOWN_FORMAT)
        else:
            _parse_csv(result, data, rules)
    except _Stop:
        result.rows.clear()


def too_big_message(size: int, limit: int = DEFAULT_MAX_BYTES) -> str:
    """The refusal of a file (or an upload request) of `size` bytes, with the real limit."""
    return MSG_TOO_BIG.format(size=_size_fr(size), limit=_size_fr(limit))


def _size_fr(size: int) -> str:
    """Rounded up, so that a file just over the limit never reads as exactly the limit."""
    if size < 1024 * 1024:
        return f"{max(1, math.ceil(size / 1024))} Ko"
    megabytes = f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f}".removesuffix(".0")
    return f"{megabytes.replace('.', ',')} Mo"
