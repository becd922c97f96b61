"""The downloadable import template is derived from the parser's own field labels, so the parser reads it back."""

import datetime as dt
import io

from openpyxl import load_workbook

from certiprev.lib.trainee_import import FIELD_LABELS, template_xlsx


def test_the_template_headers_are_the_parser_field_labels_required_first():
    sheet = load_workbook(io.BytesIO(template_xlsx())).active
    assert sheet.title == "Stagiaires"
    assert [cell.value for cell in sheet[1]] == ["Nom", "Prénom(s)", "Date de naissance", "E-mail", "Identifiant"]
    assert set(FIELD_LABELS.values()) == {cell.value for cell in sheet[1]}
    assert sheet.max_row == 1


def test_a_filled_in_template_is_read_back_by_the_parser():
    from certiprev.lib.trainee_import import parse_trainee_file

    workbook = load_workbook(io.BytesIO(template_xlsx()))
    workbook.active.append(["Dupont", "Jean-Luc", "12/05/1990", "jl.dupont@exemple.fr", "REF-1"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_trainee_file(buffer.getvalue(), "modele.xlsx", today=dt.date(2025, 6, 15))
    assert result.errors == []
    [row] = result.rows
    assert (row.last_name, row.first_names, row.birth_date, row.email, row.external_id) == (
        "Dupont",
        "Jean-Luc",
        dt.date(1990, 5, 12),
        "jl.dupont@exemple.fr",
        "REF-1",
    )
