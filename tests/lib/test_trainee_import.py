"""Bulk trainee import parser (pure: runs with `-p no:django`)."""

import datetime as dt
import io
import random
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from certiprev.lib import trainee_import
from certiprev.lib.names import identity_key
from certiprev.lib.trainee_import import (
    HEADER_ALIASES,
    ImportedTrainee,
    ImportIssue,
    ImportResult,
    check_email,
    parse_birth_date,
    parse_trainee_file,
)
from tests.trainee_import_samples import SAMPLE_HEADERS, make_csv, make_xlsx, sample_rows

TODAY = dt.date(2025, 6, 15)
HEADERS = ["Nom", "Prénom(s)", "Date de naissance"]
DUPONT = ["Dupont", "Jean-Luc", "12/05/1990"]
MARTIN = ["Martin", "Élodie", "03/11/1985"]


def parse(data: bytes, filename: str = "stagiaires.csv", **kwargs) -> ImportResult:
    kwargs.setdefault("today", TODAY)
    return parse_trainee_file(data, filename, **kwargs)


def parse_rows(rows: list[list], headers: list[str] = HEADERS, **kwargs) -> ImportResult:
    return parse(make_csv(rows, headers), **kwargs)


def issues(items: list[ImportIssue]) -> list[tuple[int | None, str | None, str]]:
    return [(issue.line, issue.field, issue.message) for issue in items]


def birth_date_error(value: str, **kwargs) -> str:
    result = parse_rows([["Dupont", "Jean", value]], **kwargs)
    assert not result.rows
    [(line, field, message)] = issues(result.errors)
    assert (line, field) == (2, "birth_date")
    return message


def file_error(result: ImportResult) -> str:
    assert not result.ok
    assert not result.rows
    [(line, field, message)] = issues(result.errors)
    assert (line, field) == (None, "file")
    return message


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name in replace.keys() - set(source.namelist()):
            target.writestr(name, replace[name])
    return out.getvalue()


# --- Formats and encodings ------------------------------------------------------------------------------------


def test_a_semicolon_csv_with_bom_gives_one_trainee_per_row_numbered_as_in_the_spreadsheet():
    data = make_csv([DUPONT, MARTIN], HEADERS, delimiter=";", encoding="utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")

    result = parse(data)

    assert result.ok and result.file_format == "csv"
    assert result.rows == [
        ImportedTrainee(2, "Dupont", "Jean-Luc", dt.date(1990, 5, 12), "", ""),
        ImportedTrainee(3, "Martin", "Élodie", dt.date(1985, 11, 3), "", ""),
    ]
    assert result.warnings == []


def test_a_comma_csv_without_bom_is_read_too():
    result = parse(make_csv([DUPONT, MARTIN], HEADERS, delimiter=",", encoding="utf-8"))

    assert result.ok
    assert [(row.last_name, row.first_names) for row in result.rows] == [("Dupont", "Jean-Luc"), ("Martin", "Élodie")]


def test_a_tab_separated_file_is_read_too():
    result = parse(make_csv([DUPONT], HEADERS, delimiter="\t", encoding="utf-8"), "stagiaires.txt")

    assert result.ok and result.rows[0].birth_date == dt.date(1990, 5, 12)


def test_the_delimiter_is_sniffed_from_the_header_even_when_values_contain_the_other_one():
    rows = [["Dupont, dit Dudu", "Jean; Luc", "12/05/1990"]]

    semicolon = parse(make_csv(rows, HEADERS, delimiter=";"))
    comma = parse(make_csv(rows, HEADERS, delimiter=","))

    assert semicolon.rows[0].last_name == comma.rows[0].last_name == "Dupont, dit Dudu"
    assert semicolon.rows[0].first_names == comma.rows[0].first_names == "Jean; Luc"


def test_a_windows_1252_csv_keeps_accents_cedillas_and_ligatures():
    data = make_csv([["Cœurdacier", "François Hélène", "01/02/1980"]], HEADERS, encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    result = parse(data)

    assert result.ok
    assert (result.rows[0].last_name, result.rows[0].first_names) == ("Cœurdacier", "François Hélène")


def test_a_unicode_text_export_from_excel_in_utf16_is_read():
    data = make_csv([["Lefèvre", "Zoé", "01/02/1980"]], HEADERS, delimiter="\t", encoding="utf-16")

    result = parse(data, "stagiaires.txt")

    assert result.ok and result.rows[0].last_name == "Lefèvre"


def test_the_excel_sep_directive_sets_the_delimiter_and_is_hidden_like_excel_does():
    data = "sep=,\r\nNom,Prénom,Date de naissance\r\nDupont,Jean,12/05/1990\r\nMartin,,03/11/1985\r\n".encode()

    result = parse(data)

    assert result.rows[0].last_name == "Dupont" and result.rows[0].line == 2
    assert issues(result.errors) == [(3, "first_names", "Le prénom est obligatoire.")]


def test_lf_and_cr_line_ends_are_read():
    for line_end in ("\n", "\r"):
        result = parse(make_csv([DUPONT, MARTIN], HEADERS, line_terminator=line_end))
        assert [row.line for row in result.rows] == [2, 3]


def test_a_quoted_cell_spanning_several_lines_counts_as_one_spreadsheet_row():
    data = 'Nom;Prénom;Date de naissance\r\nDupont;"Jean\r\nLuc";12/05/1990\r\nMartin;Élodie;\r\n'.encode()

    result = parse(data)

    assert result.rows[0].first_names == "Jean Luc"
    assert issues(result.errors) == [(3, "birth_date", "La date de naissance est obligatoire.")]


def test_an_xlsx_with_real_date_and_datetime_cells_is_read():
    rows = [["Dupont", "Jean-Luc", dt.date(1990, 5, 12)], ["Martin", "Élodie", dt.datetime(1985, 11, 3, 0, 0)]]

    result = parse(make_xlsx(rows, HEADERS), "stagiaires.xlsx")

    assert result.ok and result.file_format == "xlsx"
    assert [(row.line, row.birth_date) for row in result.rows] == [
        (2, dt.date(1990, 5, 12)),
        (3, dt.date(1985, 11, 3)),
    ]


def test_an_xlsx_with_text_dates_is_read():
    rows = [["Dupont", "Jean", "12/05/1990"], ["Martin", "Élodie", "1985-11-03"], ["Durand", "Léa", "01.02.1980"]]

    result = parse(make_xlsx(rows, HEADERS), "stagiaires.xlsx")

    assert result.ok
    assert [row.birth_date for row in result.rows] == [dt.date(1990, 5, 12), dt.date(1985, 11, 3), dt.date(1980, 2, 1)]


def test_xlsx_numbers_in_text_columns_keep_all_their_digits():
    rows = [["Dupont", "Jean", dt.date(1990, 5, 12), None, 12345], ["Martin", "Léa", dt.date(1985, 1, 1), None, 7.0]]

    result = parse(make_xlsx(rows, SAMPLE_HEADERS), "stagiaires.xlsx")

    assert [row.external_id for row in result.rows] == ["12345", "7"]


def test_the_content_not_the_file_name_decides_between_xlsx_and_csv():
    xlsx_named_csv = parse(make_xlsx([DUPONT], HEADERS), "stagiaires.csv", content_type="text/csv")
    csv_named_xlsx = parse(make_csv([DUPONT], HEADERS), "stagiaires.xlsx")

    assert xlsx_named_csv.ok and xlsx_named_csv.file_format == "xlsx"
    assert csv_named_xlsx.ok and csv_named_xlsx.file_format == "csv"


def test_a_workbook_with_several_sheets_reads_the_active_one_and_says_so():
    workbook = Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["rien à importer"])
    sheet = workbook.create_sheet("Stagiaires")
    sheet.append(HEADERS)
    sheet.append(DUPONT)
    workbook.active = 1
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = parse(buffer.getvalue(), "classeur.xlsx")

    assert result.ok and result.rows[0].last_name == "Dupont"
    assert issues(result.warnings) == [
        (None, "file", "Le classeur contient 2 feuilles : seule la feuille « Stagiaires » a été lue."),
    ]


# --- Headers --------------------------------------------------------------------------------------------------

VALUES_BY_FIELD = {
    "last_name": "Dupont",
    "first_names": "Jean",
    "birth_date": "12/05/1990",
    "email": "jean@exemple.fr",
    "external_id": "A-1",
}
EXPECTED = ImportedTrainee(2, "Dupont", "Jean", dt.date(1990, 5, 12), "jean@exemple.fr", "A-1")


@pytest.mark.parametrize(
    ("headers", "fields"),
    [
        (
            ["Nom", "Prénom(s)", "Date de naissance", "E-mail", "Identifiant"],
            ["last_name", "first_names", "birth_date", "email", "external_id"],
        ),
        (
            ["Identifiant", "E-mail", "Date de naissance", "Prénom(s)", "Nom"],
            ["external_id", "email", "birth_date", "first_names", "last_name"],
        ),
        (
            ["Last name", "First names", "Date of birth", "Email", "External id"],
            ["last_name", "first_names", "birth_date", "email", "external_id"],
        ),
        (
            ["Email", "DOB", "Given name(s)", "Surname", "Id externe"],
            ["email", "birth_date", "first_names", "last_name", "external_id"],
        ),
        (
            ["Courriel", "Né(e) le", "Nom de famille", "Prénoms", "Référence"],
            ["email", "birth_date", "last_name", "first_names", "external_id"],
        ),
    ],
)
def test_headers_are_matched_in_any_order_in_french_or_english(headers, fields):
    result = parse(make_csv([[VALUES_BY_FIELD[field] for field in fields]], headers))

    assert result.ok, result.errors
    assert result.rows == [EXPECTED]


@pytest.mark.parametrize(
    ("field", "alias"), [(field, alias) for field, aliases in HEADER_ALIASES.items() for alias in aliases]
)
def test_every_documented_header_spelling_is_recognised(field, alias):
    labels = {
        "last_name": "Nom",
        "first_names": "Prénom",
        "birth_date": "Date de naissance",
        "email": "E-mail",
        "external_id": "Identifiant",
    }
    headers = [f"  {alias.upper()} " if key == field else label for key, label in labels.items()]

    result = parse(make_csv([list(VALUES_BY_FIELD.values())], headers))

    assert result.ok and result.warnings == [], (result.errors, result.warnings)
    assert result.rows == [EXPECTED]


def test_header_matching_ignores_case_accents_spaces_and_punctuation():
    headers = ["  NOM  ", "prenom (s)", "DATE_DE_NAISSANCE", "e mail", "RÉFÉRENCE*"]

    result = parse(make_csv([["Dupont", "Jean", "12/05/1990", "jean@exemple.fr", "R1"]], headers))

    assert result.ok
    assert (result.rows[0].email, result.rows[0].external_id) == ("jean@exemple.fr", "R1")


def test_unknown_columns_are_ignored_and_reported_as_a_warning():
    headers = ["Téléphone", "Nom", "Prénom", "Entreprise", "Date de naissance"]

    result = parse(make_csv([["0601020304", "Dupont", "Jean", "ACME", "12/05/1990"]], headers))

    assert result.ok and result.rows[0].last_name == "Dupont"
    assert issues(result.warnings) == [(1, None, "Colonnes ignorées : « Téléphone » (A), « Entreprise » (D).")]


def test_a_missing_required_column_is_one_error_naming_it():
    result = parse(make_csv([["Dupont", "12/05/1990"]], ["Nom", "Date de naissance"]))

    assert not result.rows
    assert issues(result.errors) == [
        (
            1,
            "first_names",
            (
                "Colonne obligatoire « Prénom(s) » introuvable (intitulés acceptés : Prénom, Prénoms, Prénom(s), "
                "First name, First names, Firstname, Given name, Given names, Given name(s), Forename, Forenames)."
            ),
        )
    ]


def test_each_missing_required_column_is_named():
    result = parse(make_csv([["jean@exemple.fr"]], ["E-mail"]))

    assert [(line, field) for line, field, _ in issues(result.errors)] == [
        (1, "last_name"),
        (1, "first_names"),
        (1, "birth_date"),
    ]
    assert "« Nom »" in result.errors[0].message and "« Date de naissance »" in result.errors[2].message


def test_a_file_without_a_header_row_gets_one_error_asking_for_it():
    result = parse(make_csv([DUPONT, MARTIN], None))

    assert issues(result.errors) == [
        (
            1,
            "file",
            (
                "Aucune colonne reconnue sur la ligne d'en-tête (ligne 1) : la première ligne doit contenir "
                "les intitulés des colonnes (Nom, Prénom(s), Date de naissance et, si besoin, E-mail, "
                "Référence interne)."
            ),
        )
    ]


def test_a_column_given_twice_is_refused():
    result = parse(make_csv([["Dupont", "Jean", "12/05/1990", "Durand"]], [*HEADERS, "Last name"]))

    assert issues(result.errors) == [(1, "last_name", "La colonne « Nom » apparaît plusieurs fois (colonnes A et D).")]


def test_blank_leading_rows_are_skipped_and_lines_are_numbered_as_in_the_spreadsheet():
    csv_data = b"\r\n;;\r\n" + make_csv([DUPONT, ["Martin", "", "03/11/1985"]], HEADERS, encoding="utf-8")
    xlsx_data = make_xlsx([[None, None, None], HEADERS, DUPONT, ["Martin", "", "03/11/1985"]], None)

    for result in (parse(csv_data), parse(xlsx_data, "stagiaires.xlsx")):
        line_offset = 3 if result.file_format == "csv" else 2
        assert [row.line for row in result.rows] == [line_offset + 1]
        assert issues(result.errors) == [(line_offset + 2, "first_names", "Le prénom est obligatoire.")]


def test_empty_rows_are_skipped_without_error():
    result = parse_rows([DUPONT, ["", "", ""], [" ", "\u00a0", ""], MARTIN])

    assert result.ok and [row.line for row in result.rows] == [2, 5]


def test_a_row_with_values_only_in_ignored_columns_is_skipped_with_a_warning():
    result = parse(make_csv([[*DUPONT, ""], ["", "", "", "total : 1"]], [*HEADERS, "Remarque"]))

    assert result.ok and len(result.rows) == 1
    assert issues(result.warnings)[-1] == (3, None, "Ligne ignorée : aucune valeur dans les colonnes reconnues.")


# --- Dates ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "12/05/1990",
        "12-05-1990",
        "12.05.1990",
        "1990-05-12",
        "12/5/1990",
        "1990-5-12",
        " 12 / 05 / 1990 ",
        "1990-05-12 00:00:00",
        "1990-05-12T00:00",
        "12/05/1990 00:00",
    ],
)
def test_each_date_format_is_accepted(text):
    result = parse_rows([["Dupont", "Jean", text]])

    assert result.ok, result.errors
    assert result.rows[0].birth_date == dt.date(1990, 5, 12)


def test_the_29th_of_february_of_a_leap_year_is_accepted():
    assert parse_rows([["Dupont", "Jean", "29/02/2000"]]).rows[0].birth_date == dt.date(2000, 2, 29)


@pytest.mark.parametrize("text", ["31/02/1990", "29/02/1990", "31/04/1990", "00/05/1990", "12/13/1990", "1990-13-01"])
def test_impossible_dates_are_refused(text):
    assert birth_date_error(text) == (
        f"Date de naissance impossible : « {text} » n'existe pas (format attendu : JJ/MM/AAAA)."
    )


@pytest.mark.parametrize("text", ["12/05/90", "12-05-90", "12.05.90"])
def test_two_digit_years_are_refused(text):
    assert birth_date_error(text) == (
        f"Date de naissance « {text} » : l'année doit être écrite sur quatre chiffres (JJ/MM/AAAA)."
    )


@pytest.mark.parametrize("text", ["12 mai 1990", "1990", "12/05", "12/05-1990", "12051990", "12/05/19901", "demain"])
def test_unreadable_dates_are_refused_with_the_accepted_formats(text):
    assert birth_date_error(text) == (
        f"Date de naissance illisible : « {text} » "
        "(formats acceptés : JJ/MM/AAAA, JJ-MM-AAAA, JJ.MM.AAAA ou AAAA-MM-JJ)."
    )


def test_a_missing_birth_date_is_reported():
    assert birth_date_error("") == "La date de naissance est obligatoire."


def test_a_number_in_an_xlsx_date_column_is_refused_rather_than_guessed():
    result = parse(make_xlsx([["Dupont", "Jean", 33005]], HEADERS), "stagiaires.xlsx")

    assert issues(result.errors) == [
        (
            2,
            "birth_date",
            (
                "Date de naissance illisible : « 33005 » "
                "(formats acceptés : JJ/MM/AAAA, JJ-MM-AAAA, JJ.MM.AAAA ou AAAA-MM-JJ)."
            ),
        )
    ]


def test_a_birth_date_in_the_future_is_refused():
    assert birth_date_error("16/06/2025") == "La date de naissance ne peut pas être dans le futur."


def test_a_birth_date_more_than_120_years_ago_is_refused():
    assert parse_rows([["Dupont", "Jean", "15/06/1905"]]).ok
    assert birth_date_error("14/06/1905") == "Cette date de naissance n'est pas plausible."
    assert birth_date_error("1850-01-01") == "Cette date de naissance n'est pas plausible."


def test_a_trainee_younger_than_14_at_the_import_date_is_refused():
    assert parse_rows([["Dupont", "Jean", "15/06/2011"]]).ok
    assert birth_date_error("16/06/2011") == ("Le stagiaire doit avoir au moins 14 ans.")


def test_the_minimum_and_maximum_ages_are_parameters():
    assert birth_date_error("15/06/2011", min_age=16) == ("Le stagiaire doit avoir au moins 16 ans.")
    assert parse_rows([["Dupont", "Jean", "15/06/2020"]], min_age=0).ok
    assert birth_date_error("15/06/1924", max_age=100) == ("Cette date de naissance n'est pas plausible.")


def test_age_limits_on_the_29th_of_february_fall_back_to_the_28th():
    leap_day = dt.date(2024, 2, 29)

    assert parse_birth_date("28/02/2010", today=leap_day) == (dt.date(2010, 2, 28), None)
    assert parse_birth_date("01/03/2010", today=leap_day)[0] is None


def test_parse_birth_date_can_be_used_alone():
    assert parse_birth_date(dt.datetime(1990, 5, 12, 8, 30), today=TODAY) == (dt.date(1990, 5, 12), None)
    assert parse_birth_date(None, today=TODAY) == (None, "La date de naissance est obligatoire.")
    assert parse_birth_date(dt.time(8, 30), today=TODAY)[0] is None


# --- Names, e-mail, external id -------------------------------------------------------------------------------


def test_missing_names_are_reported_field_by_field():
    result = parse_rows([["", "", "12/05/1990"]])

    assert issues(result.errors) == [
        (2, "last_name", "Le nom est obligatoire."),
        (2, "first_names", "Le prénom est obligatoire."),
    ]


def test_values_are_trimmed_and_inner_spaces_collapsed():
    result = parse_rows([["  Da \u00a0 Costa ", "Anne\t  Marie ", " 12/05/1990 "]])

    assert (result.rows[0].last_name, result.rows[0].first_names) == ("Da Costa", "Anne Marie")


def test_invisible_characters_pasted_from_the_web_are_removed():
    result = parse_rows([["\u200bDupont\ufeff", "Jean\u200e", "12/05/1990"]])

    assert result.rows[0].last_name == "Dupont" and result.rows[0].first_names == "Jean"


def test_names_longer_than_100_characters_are_refused():
    result = parse_rows([["D" * 100, "J" * 101, "12/05/1990"], ["D" * 120, "Jean", "12/05/1991"]])

    assert issues(result.errors) == [
        (2, "first_names", "Le prénom ne doit pas dépasser 100 caractères."),
        (3, "last_name", "Le nom ne doit pas dépasser 100 caractères."),
    ]


def test_names_without_a_letter_are_refused():
    result = parse_rows([["1234", "-", "12/05/1990"]])

    assert issues(result.errors) == [
        (2, "last_name", "Le nom doit contenir au moins une lettre."),
        (2, "first_names", "Le prénom doit contenir au moins une lettre."),
    ]


def test_values_that_look_like_formulas_are_kept_verbatim():
    result = parse_rows([["=Dupont", "+Jean", "12/05/1990"]])

    assert (result.rows[0].last_name, result.rows[0].first_names) == ("=Dupont", "+Jean")


@pytest.mark.parametrize(
    "email",
    [
        "jean.dupont@exemple.fr",
        "j+formation@sous.domaine.exemple.com",
        "o'brien@exemple.ie",
        "x@élysée.fr",
        "JEAN@EXEMPLE.FR",
    ],
)
def test_valid_emails_are_kept(email):
    result = parse(make_csv([[*DUPONT, email]], [*HEADERS, "E-mail"]))

    assert result.ok and result.rows[0].email == email


@pytest.mark.parametrize(
    "email",
    [
        "jean.dupont",
        "jean@",
        "@exemple.fr",
        "jean@exemple",
        "jean dupont@exemple.fr",
        "jean@@exemple.fr",
        "jean..dupont@exemple.fr",
        ".jean@exemple.fr",
        "jean@-exemple.fr",
        "jean@exemple.f",
        "jean@exemple.123",
        "jean@exemple..fr",
        "jérôme@exemple.fr",
        "jean@exemple.fr;paul@exemple.fr",
    ],
)
def test_invalid_emails_are_reported(email):
    result = parse(make_csv([[*DUPONT, email]], [*HEADERS, "E-mail"]))

    assert issues(result.errors) == [(2, "email", "L'adresse e-mail n'est pas valide.")]
    assert check_email(email) == "L'adresse e-mail n'est pas valide."


def test_an_email_longer_than_254_characters_is_refused():
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".fr"

    result = parse(make_csv([[*DUPONT, email]], [*HEADERS, "Courriel"]))

    assert len(email) == 307
    assert issues(result.errors) == [(2, "email", "L'adresse e-mail n'est pas valide.")]


def test_email_and_external_id_are_optional_and_empty_when_absent():
    result = parse(make_csv([[*DUPONT, "", ""]], [*HEADERS, "E-mail", "Identifiant"]))

    assert result.ok and (result.rows[0].email, result.rows[0].external_id) == ("", "")


def test_an_external_id_longer_than_100_characters_is_refused():
    result = parse(make_csv([[*DUPONT, "R" * 101]], [*HEADERS, "Identifiant"]))

    assert issues(result.errors) == [(2, "external_id", "La référence externe ne doit pas dépasser 100 caractères.")]


def test_an_external_id_used_twice_in_the_file_is_refused():
    result = parse(make_csv([[*DUPONT, "R1"], [*MARTIN, "R1"]], [*HEADERS, "Identifiant"]))

    assert [row.line for row in result.rows] == [2]
    assert issues(result.errors) == [(3, "external_id", "Référence interne « R1 » déjà utilisée à la ligne 2.")]


def test_a_row_with_several_problems_gets_one_error_per_field_and_is_not_kept():
    result = parse(make_csv([["", "Jean", "31/02/1990", "jean@"], MARTIN], [*HEADERS, "E-mail"]))

    assert [row.line for row in result.rows] == [3]
    assert [(line, field) for line, field, _ in issues(result.errors)] == [
        (2, "last_name"),
        (2, "birth_date"),
        (2, "email"),
    ]
    assert not result.ok


# --- Duplicates -----------------------------------------------------------------------------------------------


def test_a_duplicate_in_the_file_is_reported_on_the_later_line_naming_the_earlier_one():
    rows = [DUPONT, MARTIN, ["DUPONT ", "jean luc", "12.05.1990"], ["Dupont", "Jean-Luc", "13/05/1990"]]

    result = parse_rows(rows)

    assert [row.line for row in result.rows] == [2, 3, 5]
    assert issues(result.errors) == [
        (4, None, "Stagiaire en double : même nom, prénom(s) et date de naissance qu'à la ligne 2.")
    ]


def test_a_trainee_already_registered_on_the_session_is_reported():
    existing = [identity_key("Martin", "Elodie", dt.date(1985, 11, 3))]

    result = parse_rows([DUPONT, MARTIN], existing_keys=existing)

    assert [row.line for row in result.rows] == [2]
    assert issues(result.errors) == [
        (3, None, "MARTIN Élodie, né·e le 03/11/1985, est déjà déclaré·e sur cette session.")
    ]


def test_imported_rows_expose_the_identity_key_of_the_names_module():
    row = parse_rows([DUPONT]).rows[0]

    assert row.identity_key == identity_key("Dupont", "Jean-Luc", dt.date(1990, 5, 12))


# --- Limits ---------------------------------------------------------------------------------------------------


def test_a_file_larger_than_max_bytes_is_refused():
    data = make_csv([DUPONT], HEADERS)
    data += b" " * (3072 - len(data))

    assert parse(data, max_bytes=3072).ok
    assert file_error(parse(data, max_bytes=1000)) == "Le fichier est trop volumineux (3 Ko) : 1 Ko au maximum."
    assert file_error(parse(data + b" ", max_bytes=3072)) == "Le fichier est trop volumineux (4 Ko) : 3 Ko au maximum."
    big = data + b" " * (2 * 1024 * 1024 - 3072 + 1)
    assert file_error(parse(big)) == "Le fichier est trop volumineux (2,1 Mo) : 2 Mo au maximum."


def test_more_trainees_than_max_rows_are_refused_as_a_whole():
    rows = sample_rows(11)

    assert len(parse(make_csv(rows[:10], SAMPLE_HEADERS), max_rows=10).rows) == 10
    assert file_error(parse(make_csv(rows, SAMPLE_HEADERS), max_rows=10)) == (
        "Le fichier contient plus de 10 stagiaires : 10 au maximum par import."
    )


def test_the_default_limit_is_500_trainees():
    assert len(parse(make_xlsx(sample_rows(500), SAMPLE_HEADERS), "s.xlsx").rows) == 500
    assert file_error(parse(make_xlsx(sample_rows(501), SAMPLE_HEADERS), "s.xlsx")) == (
        "Le fichier contient plus de 500 stagiaires : 500 au maximum par import."
    )


def test_reading_stops_after_ten_thousand_consecutive_blank_rows():
    data = make_csv([DUPONT], HEADERS, encoding="utf-8") + b";;\r\n" * 10_000 + make_csv([MARTIN], None)

    result = parse(data)

    assert [row.line for row in result.rows] == [2]
    assert issues(result.warnings) == [
        (
            10_002,
            "file",
            ("Lecture arrêtée après 10 000 lignes vides consécutives : la suite du fichier a été ignorée."),
        )
    ]


# --- Empty, damaged and foreign files -------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"])
def test_an_empty_file_is_refused(data):
    assert file_error(parse(data)) == "Le fichier est vide."


def test_a_file_of_separators_only_is_refused_as_empty():
    assert file_error(parse(b";;;\r\n;;;\r\n")) == "Le fichier est vide."


def test_a_header_only_file_is_refused():
    message = "Le fichier ne contient aucun stagiaire : seule la ligne d'en-tête est remplie."

    assert file_error(parse(make_csv([], HEADERS))) == message
    assert file_error(parse(make_xlsx([], HEADERS), "s.xlsx")) == message


def test_an_xlsx_with_an_empty_sheet_is_refused():
    assert file_error(parse(make_xlsx([], None, sheet_title="Feuil1"), "s.xlsx")) == (
        "La feuille « Feuil1 » du classeur est vide."
    )


@pytest.mark.parametrize("seed", range(20))
def test_random_bytes_never_raise_and_give_a_file_error(seed):
    generator = random.Random(seed)
    data = generator.randbytes(generator.choice([3, 50, 600, 5000]))

    result = parse(data, generator.choice(["x.csv", "x.xlsx", "x.xls", "x"]))

    assert not result.ok and not result.rows
    assert all(issue.field in {"file", "last_name", "first_names", "birth_date"} for issue in result.errors)


@pytest.mark.parametrize("prefix", [b"PK\x03\x04", b"PK\x05\x06", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"%PDF-1.7"])
def test_random_bytes_behind_a_known_signature_never_raise(prefix):
    result = parse(prefix + random.Random(1).randbytes(3000), "x.xlsx")

    assert file_error(result)


def test_a_truncated_xlsx_is_reported_as_damaged():
    data = make_xlsx(sample_rows(30), SAMPLE_HEADERS)

    for size in (10, 100, len(data) // 2, len(data) - 10):
        assert file_error(parse(data[:size], "s.xlsx")) == (
            "Le fichier Excel est endommagé ou incomplet : il ne peut pas être lu."
        )


def test_an_xlsx_with_corrupted_sheet_xml_is_reported_as_damaged():
    data = rezip(make_xlsx([DUPONT], HEADERS), {"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c>"})

    assert file_error(parse(data, "s.xlsx")) == "Le fichier Excel est endommagé ou incomplet : il ne peut pas être lu."


def test_an_xlsx_with_flipped_bytes_never_raises():
    data = bytearray(make_xlsx(sample_rows(30), SAMPLE_HEADERS))
    generator = random.Random(7)
    for _ in range(5):
        for position in generator.sample(range(100, len(data) - 100), 20):
            data[position] ^= 0xFF
        result = parse(bytes(data), "s.xlsx")
        assert not result.ok


def test_a_zip_bomb_is_refused_without_being_inflated():
    bomb = rezip(make_xlsx([DUPONT], HEADERS), {"xl/sharedStrings.xml": b" " * (11 * 1024 * 1024)})
    assert len(bomb) < 100_000

    assert file_error(parse(bomb, "s.xlsx")) == (
        "Le contenu du fichier Excel est anormalement volumineux une fois décompressé : il n'a pas été lu."
    )


def test_a_sheet_claiming_a_far_away_row_does_not_hang():
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Nom</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>Prenom</t></is></c><c r="C1" t="inlineStr"><is><t>DOB</t></is></c></row>'
        b'<row r="999999999"><c r="XFD999999999" t="inlineStr"><is><t>x</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    data = rezip(make_xlsx([], HEADERS), {"xl/worksheets/sheet1.xml": sheet})

    result = parse(data, "s.xlsx")

    assert file_error(result) == "Le fichier ne contient aucun stagiaire : seule la ligne d'en-tête est remplie."


def test_an_old_xls_file_is_refused_with_a_clear_message():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
    message = (
        "Le format Excel 97-2003 (.xls) n'est pas pris en charge : "
        "enregistrez le fichier au format Excel (.xlsx) ou CSV."
    )

    assert file_error(parse(ole, "stagiaires.xls")) == message
    assert file_error(parse(ole, "upload", content_type="application/vnd.ms-excel")) == message
    assert file_error(parse(ole, "stagiaires.doc")) == (
        "Format de fichier non reconnu : déposez un fichier Excel (.xlsx) ou CSV."
    )


def test_a_password_protected_xlsx_is_refused_with_a_clear_message():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)

    assert file_error(parse(ole, "stagiaires.xlsx")) == (
        "Ce fichier Excel est protégé par un mot de passe : retirez la protection puis déposez-le à nouveau."
    )


def test_an_opendocument_spreadsheet_is_refused_with_a_clear_message():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")

    assert file_error(parse(buffer.getvalue(), "stagiaires.ods")) == (
        "Le format OpenDocument (.ods) n'est pas pris en charge : "
        "enregistrez le fichier au format Excel (.xlsx) ou CSV."
    )


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    assert file_error(parse(buffer.getvalue(), "stagiaires.docx")) == (
        "Format de fichier non reconnu : déposez un fichier Excel (.xlsx) ou CSV."
    )


def test_pdf_images_and_web_pages_are_refused():
    assert file_error(parse(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "s.pdf")) == (
        "Les fichiers PDF ne sont pas pris en charge : déposez un fichier Excel (.xlsx) ou CSV."
    )
    assert file_error(parse(b"\x89PNG\r\n\x1a\n" + bytes(100), "s.png")) == (
        "Format de fichier non reconnu : déposez un fichier Excel (.xlsx) ou CSV."
    )
    assert file_error(parse(b"<!DOCTYPE html><html><table><tr><td>Nom</td></tr></table></html>", "export.xls")) == (
        "Ce fichier est une page web (HTML), pas un tableau : enregistrez-le au format Excel (.xlsx) ou CSV."
    )
    spreadsheet_2003 = b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
    assert file_error(parse(spreadsheet_2003, "export.xml")) == (
        "Format de fichier non reconnu : déposez un fichier Excel (.xlsx) ou CSV."
    )


def test_a_csv_with_a_gigantic_quoted_cell_is_reported_as_such():
    data = make_csv([DUPONT], HEADERS, encoding="utf-8") + b'Martin;"' + b"x" * 200_000 + b'";01/01/1980\r\n'

    assert file_error(parse(data)).startswith("Le fichier CSV contient, à la ligne 3, une cellule de plus de 131 072")


def test_an_unexpected_internal_failure_becomes_an_error_instead_of_an_exception(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(trainee_import.rows, "_process_row", explode)
    monkeypatch.setattr(trainee_import.logger, "exception", lambda *args, **kwargs: None)

    assert file_error(parse_rows([DUPONT])) == (
        "Le fichier n'a pas pu être lu : vérifiez qu'il s'agit bien d'un fichier Excel (.xlsx) ou CSV."
    )


def test_an_issue_reads_as_a_sentence_with_its_line():
    assert str(ImportIssue(4, "email", "Adresse e-mail invalide : « x ».")) == (
        "Ligne 4 : Adresse e-mail invalide : « x »."
    )
    assert str(ImportIssue(None, "file", "Le fichier est vide.")) == "Le fichier est vide."


# --- Sample builders ------------------------------------------------------------------------------------------


def test_make_xlsx_writes_real_date_cells_and_make_csv_writes_french_dates():
    rows = sample_rows(2)

    sheet = load_workbook(io.BytesIO(make_xlsx(rows, SAMPLE_HEADERS))).active
    assert [cell.value for cell in sheet[1]] == SAMPLE_HEADERS
    assert sheet["C2"].is_date and sheet["C2"].number_format == "dd/mm/yyyy"

    text = make_csv(rows, SAMPLE_HEADERS, delimiter=",", encoding="cp1252").decode("cp1252")
    assert text.splitlines()[1] == "Dupont,Jean-Luc,01/01/1960,stagiaire1@exemple.fr,REF-0001"
    assert text.endswith("\r\n")


def test_sample_rows_are_valid_distinct_trainees_in_every_format():
    rows = sample_rows(300)

    for result in (
        parse(make_xlsx(rows, SAMPLE_HEADERS), "s.xlsx"),
        parse(make_csv(rows, SAMPLE_HEADERS)),
        parse(make_csv(rows, SAMPLE_HEADERS, ",", "cp1252")),
    ):
        assert result.ok, result.errors[:3]
        assert len({row.identity_key for row in result.rows}) == 300


# --- Misleading messages (issue 12, item 12) ----------------------------------------------------------------------


def test_a_huge_cell_is_named_as_such_with_its_line_and_the_limit():
    data = make_csv([DUPONT, ["Martin", "x" * 1_500_000, "03/11/1985"]], HEADERS)
    assert file_error(parse(data)) == (
        "Le fichier CSV contient, à la ligne 3, une cellule de plus de 131 072 caractères : ce n'est pas une liste "
        "de stagiaires (vérifiez le séparateur et les guillemets), elle n'a pas été lue."
    )


def test_a_formula_without_a_computed_value_is_named_instead_of_a_missing_name():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(DUPONT)
    sheet.append(['=UPPER("martin")', "Élodie", "03/11/1985"])  # openpyxl writes no cached value
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse(buffer.getvalue(), "stagiaires.xlsx")
    assert not result.ok
    assert issues(result.errors) == [
        (
            3,
            "file",
            "La cellule A3 contient une formule dont la valeur n'a pas été calculée ni enregistrée : dans Excel, "
            "copiez les colonnes puis « Collage spécial › Valeurs », enregistrez et déposez le fichier à nouveau.",
        )
    ]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_detected_and_read(encoding):
    text = "Nom;Prénom(s);Date de naissance\r\nDupont;Jean-Luc;12/05/1990\r\nMartin;Élodie;03/11/1985\r\n"
    result = parse(text.encode(encoding))
    assert result.ok, issues(result.errors)
    assert [(row.last_name, row.first_names) for row in result.rows] == [("Dupont", "Jean-Luc"), ("Martin", "Élodie")]


def test_utf16_without_a_bom_that_does_not_decode_says_so():
    data = "Nom;Prénom(s)\r\n".encode("utf-16-le") + b"A\xdc"  # a lone low surrogate
    assert "UTF-16 sans marque d'ordre des octets" in file_error(parse(data))
