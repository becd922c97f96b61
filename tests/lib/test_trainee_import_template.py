"""The downloadable import template is derived from the parser's own field labels, so the parser reads it back; it
explains each column and shows an example row, which the parser ignores if it is left in place."""

import datetime as dt
import io

from openpyxl import load_workbook

from certiprev.lib.trainee_import import FIELD_LABELS, parse_trainee_file, template_xlsx
from certiprev.lib.trainee_import.fields import MSG_EXAMPLE_ROW_IGNORED, TEMPLATE_EXAMPLE


def test_the_template_headers_are_the_parser_field_labels_required_first():
    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    assert sheet.title == "Stagiaires"
    headers = [cell.value for cell in sheet[1]]
    assert headers == ["Nom", "Prénom(s)", "Date de naissance", "E-mail", "Référence interne"]
    assert set(FIELD_LABELS.values()) == set(headers)


def test_each_header_explains_its_column_and_the_internal_reference_is_not_printed():
    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    notes = {cell.value: cell.comment.text for cell in sheet[1]}
    assert notes["Nom"].startswith("Obligatoire.")
    assert notes["E-mail"].startswith("Facultatif.")
    assert "n'est pas imprimée sur la carte" in notes["Référence interne"]


def test_the_template_has_one_example_row():
    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    assert sheet.max_row == 2
    assert [cell.value for cell in sheet[2]] == TEMPLATE_EXAMPLE


def _filled(*rows) -> bytes:
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_filled_in_template_is_read_back_by_the_parser_without_its_example_row():
    content = _filled(["Dupont", "Jean-Luc", "12/05/1990", "jl.dupont@exemple.fr", "REF-1"])
    result = parse_trainee_file(content, "modele.xlsx", today=dt.date(2025, 6, 15))
    assert result.errors == []
    [row] = result.rows
    assert (row.last_name, row.first_names, row.birth_date, row.email, row.external_id) == (
        "Dupont",
        "Jean-Luc",
        dt.date(1990, 5, 12),
        "jl.dupont@exemple.fr",
        "REF-1",
    )
    assert [str(w) for w in result.warnings] == [f"Ligne 2 : {MSG_EXAMPLE_ROW_IGNORED}"]


def test_the_old_identifiant_header_is_still_read_as_the_internal_reference():
    content = "Nom;Prénom;Date de naissance;Identifiant\nDupont;Jean;12/05/1990;MAT-7\n".encode()
    result = parse_trainee_file(content, "liste.csv", today=dt.date(2025, 6, 15))
    assert [r.external_id for r in result.rows] == ["MAT-7"]
