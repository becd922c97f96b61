"""From rows of cells to trainees: the header, then each line checked with the trainee rules."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from certiprev.lib.names import identity_key, strip_accents
from certiprev.trainings.rules import TraineeData, duplicate_message, external_id_problem, name_problem

from .cells import _text
from .fields import (
    EXCEL_MAX_ROW,
    FIELD_BIRTH_DATE,
    FIELD_EMAIL,
    FIELD_EXTERNAL_ID,
    FIELD_FILE,
    FIELD_FIRST_NAMES,
    FIELD_LABELS,
    FIELD_LAST_NAME,
    HEADER_ALIASES,
    MAX_CONSECUTIVE_BLANK_ROWS,
    MSG_BLANK_ROWS_STOP,
    MSG_DUPLICATE_COLUMN,
    MSG_DUPLICATE_IN_FILE,
    MSG_EMPTY_FILE,
    MSG_EXAMPLE_ROW_IGNORED,
    MSG_EXTERNAL_ID_DUPLICATE,
    MSG_IGNORED_COLUMNS,
    MSG_MISSING_COLUMN,
    MSG_NO_HEADER,
    MSG_NO_TRAINEE,
    MSG_ROW_IGNORED,
    MSG_TOO_MANY_ROWS,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    TEMPLATE_EXAMPLE,
)
from .result import ImportedTrainee, ImportIssue, ImportResult, _Rules
from .validators import check_email, parse_birth_date

TEMPLATE_FIELDS = (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)


def _normalize_header(value: object) -> str:
    return re.sub(r"[^a-z0-9]", "", strip_accents(_text(value)).casefold())


def _header_field(value: object) -> str | None:
    return _HEADER_INDEX.get(_normalize_header(value))


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_HEADER_INDEX = {_normalize_header(alias): key for key, aliases in HEADER_ALIASES.items() for alias in aliases}


def _is_blank(values: Collection[object]) -> bool:
    if isinstance(values, list | tuple) and values.count(None) == len(values):  # fast path for padded sheet rows
        return True
    return all(_text(value) == "" for value in values)


def _match_header(result: ImportResult, line: int, cells: list[object]) -> dict[str, int] | None:
    """Map each field to its column; record errors and return None when the header is unusable."""
    columns: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        key = _header_field(cell)
        if key is not None:
            columns.setdefault(key, []).append(index)
        elif _text(cell):
            ignored.append(f"« {_text(cell)} » ({_column_letter(index)})")
    if not columns:
        result.error(line, FIELD_FILE, MSG_NO_HEADER.format(line=line))
        return None
    for key in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS):
        if key in columns and len(columns[key]) > 1:
            letters = ", ".join(_column_letter(index) for index in columns[key][:-1])
            result.error(
                line,
                key,
                MSG_DUPLICATE_COLUMN.format(
                    label=FIELD_LABELS[key], columns=f"{letters} et {_column_letter(columns[key][-1])}"
                ),
            )
    for key in REQUIRED_FIELDS:
        if key not in columns:
            result.error(
                line, key, MSG_MISSING_COLUMN.format(label=FIELD_LABELS[key], accepted=", ".join(HEADER_ALIASES[key]))
            )
    if result.errors:
        return None
    if ignored:
        result.warn(line, None, MSG_IGNORED_COLUMNS.format(columns=", ".join(ignored)))
    return {key: indexes[0] for key, indexes in columns.items()}


def _process_rows(
    result: ImportResult,
    rows: Iterator[tuple[int, list[object]]],
    rules: _Rules,
    *,
    empty_message: str = MSG_EMPTY_FILE,
) -> None:
    header_line: int | None = None
    mapping: dict[str, int] = {}
    data_rows = trainee_rows = 0
    seen_keys: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    blank_run = 0
    for line, cells in rows:
        if line > EXCEL_MAX_ROW:
            break
        if _is_blank(cells):
            blank_run += 1
            if blank_run >= MAX_CONSECUTIVE_BLANK_ROWS:
                result.warn(line, FIELD_FILE, MSG_BLANK_ROWS_STOP.format(count=f"{blank_run:_}".replace("_", " ")))
                break
            continue
        blank_run = 0
        if header_line is None:
            header_line = line
            found = _match_header(result, line, cells)
            if found is None:
                return
            mapping = found
            continue
        data_rows += 1
        if data_rows > rules.max_rows:
            result.rows.clear()
            result.errors[:] = [ImportIssue(None, FIELD_FILE, MSG_TOO_MANY_ROWS.format(limit=rules.max_rows))]
            return
        values = {key: cells[index] if index < len(cells) else None for key, index in mapping.items()}
        if _is_blank(list(values.values())):
            result.warn(line, None, MSG_ROW_IGNORED)
            continue
        if [_text(values.get(key)) for key in TEMPLATE_FIELDS] == TEMPLATE_EXAMPLE:
            result.warn(line, None, MSG_EXAMPLE_ROW_IGNORED)
            continue
        trainee_rows += 1
        _process_row(result, line, values, rules, seen_keys, seen_ids)
    if header_line is None:
        result.error(None, FIELD_FILE, empty_message)
    elif trainee_rows == 0:
        result.error(None, FIELD_FILE, MSG_NO_TRAINEE)


def _process_row(
    result: ImportResult,
    line: int,
    values: dict[str, object],
    rules: _Rules,
    seen_keys: dict[str, int],
    seen_ids: dict[str, int],
) -> None:
    errors_before = len(result.errors)
    last_name = _check_name(result, line, FIELD_LAST_NAME, _text(values.get(FIELD_LAST_NAME)))
    first_names = _check_name(result, line, FIELD_FIRST_NAMES, _text(values.get(FIELD_FIRST_NAMES)))
    birth_date, problem = parse_birth_date(
        values.get(FIELD_BIRTH_DATE), today=rules.today, min_age=rules.min_age, max_age=rules.max_age
    )
    if problem:
        result.error(line, FIELD_BIRTH_DATE, problem)
    email = _text(values.get(FIELD_EMAIL))
    if email:
        problem = check_email(email)
        if problem:
            result.error(line, FIELD_EMAIL, problem)
    external_id = _text(values.get(FIELD_EXTERNAL_ID))
    problem = external_id_problem(external_id)
    if problem:
        result.error(line, FIELD_EXTERNAL_ID, problem)
    elif external_id:
        if external_id in seen_ids:
            result.error(
                line,
                FIELD_EXTERNAL_ID,
                MSG_EXTERNAL_ID_DUPLICATE.format(value=external_id, line=seen_ids[external_id]),
            )
        else:
            seen_ids[external_id] = line
    if last_name and first_names and birth_date:
        key = identity_key(last_name, first_names, birth_date)
        if key in rules.existing_keys:
            result.error(line, None, duplicate_message(TraineeData(last_name, first_names, birth_date)))
        elif key in seen_keys:
            result.error(line, None, MSG_DUPLICATE_IN_FILE.format(line=seen_keys[key]))
        else:
            seen_keys[key] = line
    if len(result.errors) == errors_before and last_name and first_names and birth_date:
        result.rows.append(ImportedTrainee(line, last_name, first_names, birth_date, email, external_id))


def _check_name(result: ImportResult, line: int, field_name: str, value: str) -> str | None:
    problem = name_problem(field_name, value)
    if problem:
        result.error(line, field_name, problem)
        return None
    return value
