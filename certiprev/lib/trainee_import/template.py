"""The downloadable import template: an empty sheet whose headers are the parser's own field labels."""

from __future__ import annotations

import io

from .fields import OPTIONAL_FIELDS, REQUIRED_FIELDS, TEMPLATE_EXAMPLE, TEMPLATE_HEADERS, TEMPLATE_NOTES


def template_xlsx() -> bytes:
    """An XLSX workbook with one sheet, "Stagiaires": the header row the parser recognises, a note on each header
    saying what the column holds, and an example row (which the parser ignores if it is left in place)."""
    from openpyxl import Workbook  # imported lazily: only the download pays for it
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = "Stagiaires"
    sheet.append(TEMPLATE_HEADERS)
    sheet.append(TEMPLATE_EXAMPLE)
    for column, field in enumerate((*REQUIRED_FIELDS, *OPTIONAL_FIELDS), start=1):
        header = sheet.cell(row=1, column=column)
        header.font = Font(bold=True)
        header.comment = Comment(TEMPLATE_NOTES[field], "Certiprev", width=300, height=90)
        sheet.cell(row=2, column=column).font = Font(italic=True, color="666666")
        sheet.column_dimensions[get_column_letter(column)].width = 24
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
