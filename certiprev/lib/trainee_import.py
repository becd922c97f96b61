"""Bulk trainee import: read a CSV or XLSX file into validated rows, or French error messages.

Pure module (no Django, no model imports), shared by the web UI and the REST API. The one entry point is
`parse_trainee_file`; it never raises on bad input: every problem becomes an `ImportIssue`.

Line numbers are those a person sees in a spreadsheet: the first row of the file is line 1 (normally the header).
Values are stored as typed (trimmed, spaces collapsed); a value starting with "=" is kept verbatim: escaping
formulas is the job of whatever later *exports* these values to a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import math
import re
import warnings
import zipfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from certiprev.lib.dates import add_months
from certiprev.lib.names import clean_name, identity_key, strip_accents

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 500
DEFAULT_MIN_AGE = 14
DEFAULT_MAX_AGE = 120
MAX_NAME_LENGTH = 100
MAX_EXTERNAL_ID_LENGTH = 100
MAX_EMAIL_LENGTH = 254
# An XLSX is a ZIP: refuse archives whose declared uncompressed content is absurd for a list of trainees (zip bomb).
MAX_XLSX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024
# Reading stops after this many consecutive blank rows (padded or styled-but-empty sheet rows cost time, not data).
MAX_CONSECUTIVE_BLANK_ROWS = 10_000
# Excel's own row limit: a crafted sheet cannot make us iterate further than a real spreadsheet could.
EXCEL_MAX_ROW = 1_048_576
# Columns read from an XLSX sheet (a crafted cell in column XFD would otherwise widen every row to 16,384 cells).
MAX_COLUMNS = 100

# For the upload widget's `accept` attribute (the content is sniffed anyway).
ACCEPTED_FILE_TYPES = ".xlsx,.csv,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FIELD_FILE = "file"
FIELD_LAST_NAME = "last_name"
FIELD_FIRST_NAMES = "first_names"
FIELD_BIRTH_DATE = "birth_date"
FIELD_EMAIL = "email"
FIELD_EXTERNAL_ID = "external_id"

REQUIRED_FIELDS = (FIELD_LAST_NAME, FIELD_FIRST_NAMES, FIELD_BIRTH_DATE)
OPTIONAL_FIELDS = (FIELD_EMAIL, FIELD_EXTERNAL_ID)

# Column label shown to people for each field.
FIELD_LABELS = {
    FIELD_LAST_NAME: "Nom",
    FIELD_FIRST_NAMES: "Prénom(s)",
    FIELD_BIRTH_DATE: "Date de naissance",
    FIELD_EMAIL: "E-mail",
    FIELD_EXTERNAL_ID: "Identifiant",
}

# Accepted header spellings; matching ignores case, accents, spaces and punctuation ("Prénom(s)" == "prenoms").
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    FIELD_LAST_NAME: ("Nom", "Nom de famille", "Last name", "Lastname", "Surname", "Family name"),
    FIELD_FIRST_NAMES: (
        "Prénom",
        "Prénoms",
        "Prénom(s)",
        "First name",
        "First names",
        "Firstname",
        "Given name",
        "Given names",
        "Given name(s)",
        "Forename",
        "Forenames",
    ),
    FIELD_BIRTH_DATE: (
        "Date de naissance",
        "Date naissance",
        "Né(e) le",
        "Né le",
        "Née le",
        "Birth date",
        "Date of birth",
        "DOB",
        "Birthdate",
        "Naissance",
    ),
    FIELD_EMAIL: (
        "E-mail",
        "Email",
        "Courriel",
        "Adresse e-mail",
        "Adresse mail",
        "Adresse électronique",
        "Mail",
        "E-mail address",
        "Email address",
    ),
    FIELD_EXTERNAL_ID: (
        "Identifiant",
        "Référence",
        "Ref",
        "External id",
        "Id externe",
        "Identifiant externe",
        "Référence externe",
        "Matricule",
        "ID",
    ),
}

# --- French messages (module constants so callers and tests can refer to them) ---------------------------------
MSG_EMPTY_FILE = "Le fichier est vide."
MSG_TOO_BIG = "Le fichier est trop volumineux ({size}) : {limit} au maximum."
MSG_TOO_MANY_ROWS = "Le fichier contient plus de {limit} stagiaires : {limit} au maximum par import."
MSG_UNKNOWN_FORMAT = "Format de fichier non reconnu : déposez un fichier Excel (.xlsx) ou CSV."
MSG_XLS = (
    "Le format Excel 97-2003 (.xls) n'est pas pris en charge : enregistrez le fichier au format Excel (.xlsx) ou CSV."
)
MSG_ENCRYPTED = "Ce fichier Excel est protégé par un mot de passe : retirez la protection puis déposez-le à nouveau."
MSG_ODS = (
    "Le format OpenDocument (.ods) n'est pas pris en charge : enregistrez le fichier au format Excel (.xlsx) ou CSV."
)
MSG_HTML = "Ce fichier est une page web (HTML), pas un tableau : enregistrez-le au format Excel (.xlsx) ou CSV."
MSG_PDF = "Les fichiers PDF ne sont pas pris en charge : déposez un fichier Excel (.xlsx) ou CSV."
MSG_XLSX_DAMAGED = "Le fichier Excel est endommagé ou incomplet : il ne peut pas être lu."
MSG_XLSX_TOO_BIG = "Le contenu du fichier Excel est anormalement volumineux une fois décompressé : il n'a pas été lu."
MSG_NO_SHEET = "Le classeur Excel ne contient aucune feuille de calcul."
MSG_EMPTY_SHEET = "La feuille « {sheet} » du classeur est vide."
MSG_SEVERAL_SHEETS = "Le classeur contient {count} feuilles : seule la feuille « {sheet} » a été lue."
MSG_CSV_MALFORMED = "Le fichier CSV est mal formé (vers la ligne {line}) : il ne peut pas être lu."
MSG_UNREADABLE = "Le fichier n'a pas pu être lu : vérifiez qu'il s'agit bien d'un fichier Excel (.xlsx) ou CSV."
MSG_NO_HEADER = (
    "Aucune colonne reconnue sur la ligne d'en-tête (ligne {line}) : la première ligne doit contenir "
    "les intitulés des colonnes (Nom, Prénom(s), Date de naissance et, si besoin, E-mail, Identifiant)."
)
MSG_MISSING_COLUMN = "Colonne obligatoire « {label} » introuvable (intitulés acceptés : {accepted})."
MSG_DUPLICATE_COLUMN = "La colonne « {label} » apparaît plusieurs fois (colonnes {columns})."
MSG_IGNORED_COLUMNS = "Colonnes ignorées : {columns}."
MSG_NO_TRAINEE = "Le fichier ne contient aucun stagiaire : seule la ligne d'en-tête est remplie."
MSG_ROW_IGNORED = "Ligne ignorée : aucune valeur dans les colonnes reconnues."
MSG_BLANK_ROWS_STOP = "Lecture arrêtée après {count} lignes vides consécutives : la suite du fichier a été ignorée."

MSG_LAST_NAME_MISSING = "Nom manquant."
MSG_LAST_NAME_TOO_LONG = "Nom trop long ({length} caractères, {limit} au maximum)."
MSG_LAST_NAME_NO_LETTER = "Le nom doit contenir au moins une lettre : « {value} »."
MSG_FIRST_NAMES_MISSING = "Prénom(s) manquant(s)."
MSG_FIRST_NAMES_TOO_LONG = "Prénom(s) trop long(s) ({length} caractères, {limit} au maximum)."
MSG_FIRST_NAMES_NO_LETTER = "Le prénom doit contenir au moins une lettre : « {value} »."
MSG_BIRTH_DATE_MISSING = "Date de naissance manquante."
MSG_BIRTH_DATE_UNREADABLE = (
    "Date de naissance illisible : « {value} » (formats acceptés : JJ/MM/AAAA, JJ-MM-AAAA, JJ.MM.AAAA ou AAAA-MM-JJ)."
)
MSG_BIRTH_DATE_TWO_DIGIT_YEAR = (
    "Date de naissance « {value} » : l'année doit être écrite sur quatre chiffres (JJ/MM/AAAA)."
)
MSG_BIRTH_DATE_IMPOSSIBLE = "Date de naissance impossible : « {value} » n'existe pas (format attendu : JJ/MM/AAAA)."
MSG_BIRTH_DATE_FUTURE = "Date de naissance dans le futur : {date}."
MSG_BIRTH_DATE_TOO_OLD = "Date de naissance invraisemblable : {date} (plus de {max_age} ans)."
MSG_BIRTH_DATE_TOO_YOUNG = "Date de naissance invraisemblable : {date} (moins de {min_age} ans à la date de l'import)."
MSG_EMAIL_INVALID = "Adresse e-mail invalide : « {value} »."
MSG_EMAIL_TOO_LONG = "Adresse e-mail trop longue ({length} caractères, {limit} au maximum)."
MSG_EXTERNAL_ID_TOO_LONG = "Identifiant trop long ({length} caractères, {limit} au maximum)."
MSG_EXTERNAL_ID_DUPLICATE = "Identifiant « {value} » déjà utilisé à la ligne {line}."
MSG_DUPLICATE_IN_FILE = "Stagiaire en double : même nom, prénom(s) et date de naissance qu'à la ligne {line}."
MSG_ALREADY_REGISTERED = "Stagiaire déjà inscrit à cette session (même nom, prénom(s) et date de naissance)."


@dataclass(frozen=True)
class ImportedTrainee:
    """One valid row. `email` and `external_id` are "" when absent."""

    line: int
    last_name: str
    first_names: str
    birth_date: dt.date
    email: str = ""
    external_id: str = ""

    @property
    def identity_key(self) -> str:
        return identity_key(self.last_name, self.first_names, self.birth_date)


@dataclass(frozen=True)
class ImportIssue:
    """An error or a warning. `line` is None for file-level issues; `field` is a stable English key or None."""

    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"Ligne {self.line} : {self.message}" if self.line is not None else self.message


@dataclass
class ImportResult:
    rows: list[ImportedTrainee] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    file_format: str | None = None  # "csv" or "xlsx" once recognised

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int | None, field_name: str | None, message: str) -> None:
        self.errors.append(ImportIssue(line, field_name, message))

    def warn(self, line: int | None, field_name: str | None, message: str) -> None:
        self.warnings.append(ImportIssue(line, field_name, message))


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


# --- Internals ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    existing_keys: Collection[str]
    today: dt.date
    min_age: int
    max_age: int
    max_bytes: int
    max_rows: int


class _Stop(Exception):
    """Abort reading: the error has already been recorded."""


_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BINARY_SIGNATURES = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f\x80-\x9f]")
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f\u200b-\u200f\u2060\ufeff]")
_LETTER = re.compile(r"[^\W\d_]")


def _parse(result: ImportResult, data: bytes, filename: str, content_type: str, rules: _Rules) -> None:
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        result.error(None, FIELD_FILE, MSG_EMPTY_FILE)
        return
    if len(data) > rules.max_bytes:
        result.error(None, FIELD_FILE, MSG_TOO_BIG.format(size=_size_fr(len(data)), limit=_size_fr(rules.max_bytes)))
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


def _size_fr(size: int) -> str:
    """Rounded up, so that a file just over the limit never reads as exactly the limit."""
    if size < 1024 * 1024:
        return f"{max(1, math.ceil(size / 1024))} Ko"
    megabytes = f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f}".removesuffix(".0")
    return f"{megabytes.replace('.', ',')} Mo"


# --- CSV ----------------------------------------------------------------------------------------------------------

_DELIMITERS = (";", ",", "\t")
_SEP_DIRECTIVE = re.compile(r"^sep=(.)\r?\n", re.IGNORECASE)
_HTML = re.compile(r"^\s*<(?:!doctype\s+html|html|head|body|table|meta)\b", re.IGNORECASE)


def _decode_text(data: bytes) -> str | None:
    """UTF-16 (BOM), UTF-8 (with or without BOM) or Windows-1252; None when the bytes are not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
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
    text = _decode_text(data)
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
        except csv.Error:
            result.error(None, FIELD_FILE, MSG_CSV_MALFORMED.format(line=line + 1))
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


# --- XLSX ---------------------------------------------------------------------------------------------------------


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

    with warnings.catch_warnings():
        # openpyxl warns about unsupported extensions, data validation, default styles... none matters here.
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        except Exception:  # openpyxl raises anything from KeyError to XML errors on damaged files
            result.error(None, FIELD_FILE, MSG_XLSX_DAMAGED)
            return
        try:
            sheets = workbook.worksheets
            if not sheets:
                result.error(None, FIELD_FILE, MSG_NO_SHEET)
                return
            active = workbook.active
            sheet = active if any(active is candidate for candidate in sheets) else sheets[0]
            if len(sheets) > 1:
                result.warn(None, FIELD_FILE, MSG_SEVERAL_SHEETS.format(count=len(sheets), sheet=sheet.title))
            sheet.reset_dimensions()  # some generators write a wrong <dimension>: read what is really there

            def rows() -> Iterator[tuple[int, list[object]]]:
                try:
                    for line, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                        yield line, list(values)
                except _Stop:
                    raise
                except Exception:
                    result.error(None, FIELD_FILE, MSG_XLSX_DAMAGED)
                    raise _Stop from None

            _process_rows(result, rows(), rules, empty_message=MSG_EMPTY_SHEET.format(sheet=sheet.title))
        finally:
            workbook.close()


# --- Rows ---------------------------------------------------------------------------------------------------------


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


def _text(value: object) -> str:
    """A cell as trimmed, collapsed text (numbers without a spurious ".0", dates as JJ/MM/AAAA)."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "VRAI" if value else "FAUX"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, dt.datetime):
        text = _format_date(value.date()) if value.time() == dt.time() else value.strftime("%d/%m/%Y %H:%M")
    elif isinstance(value, dt.date):
        text = _format_date(value)
    else:
        text = str(value)
    return clean_name(_INVISIBLE.sub("", text))


def _format_date(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


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
            ignored.append(f"« {_text(cell)} » ({_column_letter(index)})")
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
    last_name = _check_name(
        result,
        line,
        FIELD_LAST_NAME,
        _text(values.get(FIELD_LAST_NAME)),
        MSG_LAST_NAME_MISSING,
        MSG_LAST_NAME_TOO_LONG,
        MSG_LAST_NAME_NO_LETTER,
    )
    first_names = _check_name(
        result,
        line,
        FIELD_FIRST_NAMES,
        _text(values.get(FIELD_FIRST_NAMES)),
        MSG_FIRST_NAMES_MISSING,
        MSG_FIRST_NAMES_TOO_LONG,
        MSG_FIRST_NAMES_NO_LETTER,
    )
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
    if len(external_id) > MAX_EXTERNAL_ID_LENGTH:
        result.error(
            line,
            FIELD_EXTERNAL_ID,
            MSG_EXTERNAL_ID_TOO_LONG.format(length=len(external_id), limit=MAX_EXTERNAL_ID_LENGTH),
        )
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
            result.error(line, None, MSG_ALREADY_REGISTERED)
        elif key in seen_keys:
            result.error(line, None, MSG_DUPLICATE_IN_FILE.format(line=seen_keys[key]))
        else:
            seen_keys[key] = line
    if len(result.errors) == errors_before and last_name and first_names and birth_date:
        result.rows.append(ImportedTrainee(line, last_name, first_names, birth_date, email, external_id))


def _check_name(
    result: ImportResult, line: int, field_name: str, value: str, missing: str, too_long: str, no_letter: str
) -> str | None:
    if not value:
        result.error(line, field_name, missing)
    elif len(value) > MAX_NAME_LENGTH:
        result.error(line, field_name, too_long.format(length=len(value), limit=MAX_NAME_LENGTH))
    elif not _LETTER.search(value):
        result.error(line, field_name, no_letter.format(value=value))
    else:
        return value
    return None


# --- Field validators (public: the single-trainee form and the API can reuse them) -------------------------------

_TIME_SUFFIX = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY = re.compile(r"^(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4})" + _TIME_SUFFIX + "$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME_SUFFIX + "$")
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}\s*([/.\-])\s*\d{1,2}\s*\1\s*\d{2}$")


def parse_birth_date(
    value: object, *, today: dt.date, min_age: int = DEFAULT_MIN_AGE, max_age: int = DEFAULT_MAX_AGE
) -> tuple[dt.date | None, str | None]:
    """(date, None) or (None, French message). Accepts date/datetime cells and JJ/MM/AAAA, JJ-MM-AAAA,
    JJ.MM.AAAA, AAAA-MM-JJ text; numbers (a date cell that lost its format) are refused, not guessed."""
    if isinstance(value, dt.datetime):
        day: dt.date = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = _text(value)
        if not text:
            return None, MSG_BIRTH_DATE_MISSING
        if not isinstance(value, str):
            return None, MSG_BIRTH_DATE_UNREADABLE.format(value=text)
        if match := _DMY.match(text):
            day_part, _separator, month_part, year_part = match.groups()
        elif match := _ISO.match(text):
            year_part, month_part, day_part = match.groups()
        elif _TWO_DIGIT_YEAR.match(text):
            return None, MSG_BIRTH_DATE_TWO_DIGIT_YEAR.format(value=text)
        else:
            return None, MSG_BIRTH_DATE_UNREADABLE.format(value=text)
        try:
            day = dt.date(int(year_part), int(month_part), int(day_part))
        except ValueError:
            return None, MSG_BIRTH_DATE_IMPOSSIBLE.format(value=text)
    if day > today:
        return None, MSG_BIRTH_DATE_FUTURE.format(date=_format_date(day))
    if day < _years_before(today, max_age):
        return None, MSG_BIRTH_DATE_TOO_OLD.format(date=_format_date(day), max_age=max_age)
    if day > _years_before(today, min_age):
        return None, MSG_BIRTH_DATE_TOO_YOUNG.format(date=_format_date(day), min_age=min_age)
    return day, None


def _years_before(day: dt.date, years: int) -> dt.date:
    if day.year - years < dt.MINYEAR:
        return dt.date.min
    return add_months(day, -12 * years)  # 29 February → 28 February


_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_DOMAIN_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_TLD = re.compile(r"^(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$")


def check_email(email: str) -> str | None:
    """None when `email` looks deliverable (ASCII local part, internationalised domains allowed), else a message."""
    if len(email) > MAX_EMAIL_LENGTH:
        return MSG_EMAIL_TOO_LONG.format(length=len(email), limit=MAX_EMAIL_LENGTH)
    invalid = MSG_EMAIL_INVALID.format(value=email)
    local, at, domain = email.rpartition("@")
    if not at or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        return invalid
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return invalid
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.match(label) for label in labels) or not _TLD.match(labels[-1]):
        return invalid
    return None
