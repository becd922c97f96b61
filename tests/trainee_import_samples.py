"""Build trainee-import files in memory for the tests (unit, API, web and browser). No Django imports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence

SAMPLE_HEADERS = ["Nom", "Prénom(s)", "Date de naissance", "E-mail", "Identifiant"]


def sample_rows(count: int = 3) -> list[list[object]]:
    """`count` valid, distinct trainees (adults born 1960-1999), in SAMPLE_HEADERS order; encodable in cp1252."""
    last_names = ["Dupont", "Lefèvre", "Cœurdacier", "Müller", "O'Brien", "Da Costa", "Garçon", "Bérégovoy"]
    first_names = ["Jean-Luc", "Élodie", "Anne Marie", "Zoé", "François", "Maël", "Noémie", "Chloë"]
    rows: list[list[object]] = []
    for index in range(count):  # birth dates alone are distinct for the first 840 rows
        rows.append(
            [
                last_names[index % len(last_names)],
                first_names[(index * 3) % len(first_names)],
                dt.date(1960 + index % 40, 1 + index % 12, 1 + index % 28),
                f"stagiaire{index + 1}@exemple.fr",
                f"REF-{index + 1:04d}",
            ]
        )
    return rows


def make_xlsx(
    rows: Sequence[Sequence[object]],
    headers: Sequence[str] | None = None,
    *,
    sheet_title: str = "Stagiaires",
    date_format: str = "dd/mm/yyyy",
) -> bytes:
    """An XLSX workbook (one sheet): the header row, then `rows`. Dates are written as real Excel date cells."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    if headers is not None:
        sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.datetime | dt.date):
                cell.number_format = date_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_csv(
    rows: Sequence[Sequence[object]],
    headers: Sequence[str] | None = None,
    delimiter: str = ";",
    encoding: str = "utf-8-sig",
    *,
    line_terminator: str = "\r\n",
) -> bytes:
    """A CSV file as Excel writes it: dates as JJ/MM/AAAA, None as an empty cell, CRLF line ends by default."""

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime | dt.date):
            return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
        return str(value)

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_terminator)
    if headers is not None:
        writer.writerow(list(headers))
    for row in rows:
        writer.writerow([text(value) for value in row])
    return buffer.getvalue().encode(encoding)
