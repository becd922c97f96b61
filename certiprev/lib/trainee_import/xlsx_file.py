"""Reading an XLSX workbook: its active sheet only, with limits against crafted archives."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator

from .fields import (
    FIELD_FILE,
    MAX_COLUMNS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    MSG_EMPTY_SHEET,
    MSG_FORMULA_WITHOUT_VALUE,
    MSG_NO_SHEET,
    MSG_ODS,
    MSG_SEVERAL_SHEETS,
    MSG_UNKNOWN_FORMAT,
    MSG_XLSX_DAMAGED,
    MSG_XLSX_TOO_BIG,
)
from .result import ImportResult, _Rules, _Stop
from .rows import _process_rows


def _parse_zip(result: ImportResult, data: bytes, rules: _Rules) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
        names = {info.filename for info in infos}
        mimetype_info = next((info for info in infos if info.filename == "mimetype"), None)
        mimetype = archive.read(mimetype_info) if mimetype_info and mimetype_info.file_size <= 200 else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, RuntimeError, KeyError):
        result.error(None, FIELD_FILE, MSG_XLSX_DAMAGED)
        return
    if b"opendocument.spreadsheet" in mimetype:
        result.error(None, FIELD_FILE, MSG_ODS)
        return
    if not any(name.startswith("xl/") for name in names):
        result.error(None, FIELD_FILE, MSG_UNKNOWN_FORMAT)
        return
    result.file_format = "xlsx"
    # Declared sizes are what zipfile will inflate at most (it stops at file_size and checks the CRC).
    if sum(info.file_size for info in infos) > MAX_XLSX_UNCOMPRESSED_BYTES:
        result.error(None, FIELD_FILE, MSG_XLSX_TOO_BIG)
        return

    import openpyxl  # imported lazily: only XLSX uploads pay for it
    from openpyxl.utils import get_column_letter

    with warnings.catch_warnings():
        # openpyxl warns about unsupported extensions, data validation, default styles... none matters here.
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
            # The same cells as written: a formula saved without its computed value reads as empty above.
            formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        except Exception:  # openpyxl raises anything from KeyError to XML errors on damaged files
            result.error(None, FIELD_FILE, MSG_XLSX_DAMAGED)
            return
        try:
            sheets = workbook.worksheets
            if not sheets:
                result.error(None, FIELD_FILE, MSG_NO_SHEET)
                return
            active = workbook.active
            sheet = next((candidate for candidate in sheets if candidate is active), sheets[0])
            if len(sheets) > 1:
                result.warn(None, FIELD_FILE, MSG_SEVERAL_SHEETS.format(count=len(sheets), sheet=sheet.title))
            sheet.reset_dimensions()  # some generators write a wrong <dimension>: read what is really there

            written = formulas[sheet.title]
            written.reset_dimensions()

            def rows() -> Iterator[tuple[int, list[object]]]:
                try:
                    as_written = written.iter_rows(max_col=MAX_COLUMNS, values_only=True)
                    for line, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                        source = next(as_written, ())
                        uncomputed = [
                            f"{get_column_letter(column)}{line}"
                            for column, (value, formula) in enumerate(zip(values, source, strict=False), start=1)
                            if value is None and isinstance(formula, str) and formula.startswith("=")
                        ]
                        if uncomputed:  # not "Nom manquant": say why the cell reads as empty
                            for cell in uncomputed:
                                result.error(line, FIELD_FILE, MSG_FORMULA_WITHOUT_VALUE.format(cell=cell))
                            continue
                        yield line, list(values)
                except _Stop:
                    raise
                except Exception:
                    result.error(None, FIELD_FILE, MSG_XLSX_DAMAGED)
                    raise _Stop from None

            _process_rows(result, rows(), rules, empty_message=MSG_EMPTY_SHEET.format(sheet=sheet.title))
        finally:
            workbook.close()
            formulas.close()
