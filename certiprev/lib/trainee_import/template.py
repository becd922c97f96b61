"""The downloadable import template: an empty sheet whose headers are the parser's own field labels."""

from __future__ import annotations

import io

from .fields import TEMPLATE_HEADERS


def template_xlsx() -> bytes:
    """An XLSX workbook with one sheet, "Stagiaires", holding only the header row the parser recognises."""
    from openpyxl import Workbook  # imported lazily: only the download pays for it

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = "Stagiaires"
    sheet.append(TEMPLATE_HEADERS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
