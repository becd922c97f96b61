"""What the parser reads (fields, their labels and accepted headers, limits) and what it says (messages)."""

from certiprev.trainings.rules import MAX_EMAIL, MAX_TEXT, MAX_TRAINEE_AGE, MIN_TRAINEE_AGE

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 500
# The trainee rules themselves (names, birth date, e-mail, lengths) and their messages are those of the service,
# the web form and the API: `certiprev.trainings.rules`. Only what is proper to reading a file is said here.
DEFAULT_MIN_AGE = MIN_TRAINEE_AGE
DEFAULT_MAX_AGE = MAX_TRAINEE_AGE
MAX_NAME_LENGTH = MAX_TEXT
MAX_EXTERNAL_ID_LENGTH = MAX_TEXT
MAX_EMAIL_LENGTH = MAX_EMAIL
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
    FIELD_EXTERNAL_ID: "Référence interne",
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
        "Référence interne",
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
MSG_TOO_BIG = "Le fichier est trop volumineux ({size}) : {limit} au maximum."
MSG_TOO_MANY_ROWS = "Le fichier contient plus de {limit} stagiaires : {limit} au maximum par import."
MSG_UNKNOWN_FORMAT = "Format de fichier non reconnu : déposez un fichier Excel (.xlsx) ou CSV."
MSG_XLS = (
    "Le format Excel 97-2003 (.xls) n'est pas pris en charge : enregistrez le fichier au format Excel (.xlsx) ou CSV."
)
MSG_ENCRYPTED = "Ce fichier Excel est protégé par un mot de passe : retirez la protection puis déposez-le à nouveau."
MSG_ODS = (
    "Le format OpenDocument (.ods) n'est pas pris en charge : enregistrez le fichier au format Excel (.xlsx) ou CSV."
)
MSG_HTML = "Ce fichier est une page web (HTML), pas un tableau : enregistrez-le au format Excel (.xlsx) ou CSV."
MSG_PDF = "Les fichiers PDF ne sont pas pris en charge : déposez un fichier Excel (.xlsx) ou CSV."
MSG_XLSX_DAMAGED = "Le fichier Excel est endommagé ou incomplet : il ne peut pas être lu."
MSG_XLSX_TOO_BIG = "Le contenu du fichier Excel est anormalement volumineux une fois décompressé : il n'a pas été lu."
MSG_NO_SHEET = "Le classeur Excel ne contient aucune feuille de calcul."
MSG_EMPTY_SHEET = "La feuille « {sheet} » du classeur est vide."
MSG_SEVERAL_SHEETS = "Le classeur contient {count} feuilles : seule la feuille « {sheet} » a été lue."
MSG_CSV_CELL_TOO_LONG = (
    "Le fichier CSV contient, à la ligne {line}, une cellule de plus de {limit} caractères : ce n'est pas une liste "
    "de stagiaires (vérifiez le séparateur et les guillemets), elle n'a pas été lue."
)
MSG_UTF16_UNREADABLE = (
    "Ce fichier texte semble encodé en UTF-16 sans marque d'ordre des octets, et il n'a pas pu être décodé : "
    "enregistrez-le en CSV UTF-8 puis déposez-le à nouveau."
)
MSG_FORMULA_WITHOUT_VALUE = (
    "La cellule {cell} contient une formule dont la valeur n'a pas été calculée ni enregistrée : dans Excel, "
    "copiez les colonnes puis « Collage spécial › Valeurs », enregistrez et déposez le fichier à nouveau."
)
MSG_CSV_MALFORMED = "Le fichier CSV est mal formé (vers la ligne {line}) : il ne peut pas être lu."
MSG_UNREADABLE = "Le fichier n'a pas pu être lu : vérifiez qu'il s'agit bien d'un fichier Excel (.xlsx) ou CSV."
MSG_NO_HEADER = (
    "Aucune colonne reconnue sur la ligne d'en-tête (ligne {line}) : la première ligne doit contenir "
    "les intitulés des colonnes (Nom, Prénom(s), Date de naissance et, si besoin, E-mail, Référence interne)."
)
MSG_MISSING_COLUMN = "Colonne obligatoire « {label} » introuvable (intitulés acceptés : {accepted})."
MSG_DUPLICATE_COLUMN = "La colonne « {label} » apparaît plusieurs fois (colonnes {columns})."
MSG_IGNORED_COLUMNS = "Colonnes ignorées : {columns}."
MSG_NO_TRAINEE = "Le fichier ne contient aucun stagiaire : seule la ligne d'en-tête est remplie."
MSG_ROW_IGNORED = "Ligne ignorée : aucune valeur dans les colonnes reconnues."
MSG_BLANK_ROWS_STOP = "Lecture arrêtée après {count} lignes vides consécutives : la suite du fichier a été ignorée."

MSG_BIRTH_DATE_UNREADABLE = (
    "Date de naissance illisible : « {value} » (formats acceptés : JJ/MM/AAAA, JJ-MM-AAAA, JJ.MM.AAAA ou AAAA-MM-JJ)."
)
MSG_BIRTH_DATE_TWO_DIGIT_YEAR = (
    "Date de naissance « {value} » : l'année doit être écrite sur quatre chiffres (JJ/MM/AAAA)."
)
MSG_BIRTH_DATE_IMPOSSIBLE = "Date de naissance impossible : « {value} » n'existe pas (format attendu : JJ/MM/AAAA)."
MSG_EXTERNAL_ID_DUPLICATE = "Référence interne « {value} » déjà utilisée à la ligne {line}."
MSG_DUPLICATE_IN_FILE = "Stagiaire en double : même nom, prénom(s) et date de naissance qu'à la ligne {line}."

# The downloadable template's header row: each field's label, required fields first.
TEMPLATE_HEADERS = [FIELD_LABELS[key] for key in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)]
# The template's example row (second line): a file sent back with it still in place imports it not.
TEMPLATE_EXAMPLE = ["EXEMPLE", "Ligne à remplacer", "14/03/1990", "prenom.nom@exemple.fr", "MATRICULE-0042"]
# What each column holds, as a note on its header cell.
TEMPLATE_NOTES = {
    FIELD_LAST_NAME: "Obligatoire. Le nom d'usage du stagiaire, tel qu'il sera imprimé sur la carte.",
    FIELD_FIRST_NAMES: "Obligatoire. Le ou les prénoms, tels qu'ils seront imprimés sur la carte.",
    FIELD_BIRTH_DATE: "Obligatoire. JJ/MM/AAAA (ou AAAA-MM-JJ, ou une date Excel).",
    FIELD_EMAIL: "Facultatif. L'adresse où envoyer au stagiaire sa propre carte, une fois la session clôturée.",
    FIELD_EXTERNAL_ID: (
        "Facultatif. Votre propre référence du stagiaire (matricule, n° de dossier…), pour le retrouver dans "
        "l'export CSV. Elle n'est pas imprimée sur la carte."
    ),
}
MSG_EXAMPLE_ROW_IGNORED = "La ligne d'exemple du modèle a été ignorée."
