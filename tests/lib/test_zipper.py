"""Session ZIPs: safe, readable file names (French accents kept), stored entries, no collisions."""

import io
import unicodedata
import zipfile
from datetime import date

import pytest

from certiprev.lib.zipper import attachment_disposition, build_zip, safe_card_filename, write_zip

DAY = date(2025, 3, 12)
WINDOWS_FORBIDDEN = set('<>:"/\\|?*')


def entries(data: bytes) -> list[zipfile.ZipInfo]:
    return zipfile.ZipFile(io.BytesIO(data)).infolist()


def test_a_card_file_is_named_last_name_first_names_scheme_and_date():
    assert safe_card_filename("Dupont", "Jean", "SST", DAY) == "DUPONT_Jean_SST_2025-03-12.pdf"


def test_french_accents_are_kept_in_nfc_even_when_given_decomposed():
    name = safe_card_filename("Lefe\u0300vre", "He\u0301le\u0300ne", "SST", DAY)
    assert name == "LEFÈVRE_Hélène_SST_2025-03-12.pdf"
    assert unicodedata.is_normalized("NFC", name)


def test_spaces_and_underscores_inside_a_field_become_hyphens_so_fields_stay_apart():
    name = safe_card_filename("de la Tour d’Auvergne", "Marie_Thérèse  Anne", "PRAP IBC", DAY)
    assert name == "DE-LA-TOUR-D'AUVERGNE_Marie-Thérèse-Anne_PRAP-IBC_2025-03-12.pdf"


@pytest.mark.parametrize(
    ("last", "first", "scheme"),
    [
        ("../../etc/passwd", "x", "SST"),
        ("C:\\Windows\\System32", "a:b", "S|T"),
        ('Du<po>nt"', "Je*an?", "SST"),
        ("Dupont\x00\x1f\x7f", "Jean\u202etxt.exe", "SST"),  # NUL, controls, right-to-left override
        ("Dupont\u200b\u2028", "\ufeffJean", "SST\n"),
        ("...", " . ", ". SST ."),
    ],
)
def test_a_card_file_name_has_no_separator_control_or_reserved_character(last, first, scheme):
    name = safe_card_filename(last, first, scheme, DAY)
    assert not WINDOWS_FORBIDDEN & set(name)
    assert all(unicodedata.category(ch)[0] != "C" for ch in name)
    assert not name.startswith((".", "-", " "))
    assert name.endswith("_2025-03-12.pdf")
    assert ".." not in name.removesuffix(".pdf")


def test_empty_names_get_a_placeholder_instead_of_an_empty_field():
    assert safe_card_filename("", "  ", "", DAY) == "SANS-NOM_CERTIFICAT_2025-03-12.pdf"


@pytest.mark.parametrize("device", ["CON", "nul", "Com1", "LPT9", "aux"])
def test_a_file_name_is_never_a_windows_device_name(device):
    archive = build_zip([(f"{device}.pdf", b"%PDF")])
    (entry,) = entries(archive)
    assert entry.filename.split(".")[0].upper() not in {"CON", "NUL", "COM1", "LPT9", "AUX"}


def test_a_card_file_name_stays_short_enough_for_windows_paths():
    name = safe_card_filename("Wolfeschlegelsteinhausenberger" * 5, "Jean-Éloïse-" * 10, "PRAP-IBC" * 5, DAY)
    assert len(name) <= 120
    assert len(name.encode()) <= 240
    assert name.endswith("_2025-03-12.pdf")
    assert name.startswith("WOLFESCHLEGELSTEINHAUSENBERGER")


def test_entries_are_stored_not_deflated_and_round_trip_unchanged():
    payloads = [("DUPONT_Jean_SST_2025-03-12.pdf", b"%PDF-1.4 one"), ("MARTIN_Zoé_SST_2025-03-12.pdf", b"%PDF two")]
    archive = build_zip(payloads)
    infos = entries(archive)
    assert [info.compress_type for info in infos] == [zipfile.ZIP_STORED] * 2
    assert [info.compress_size for info in infos] == [info.file_size for info in infos]
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert zf.testzip() is None
        assert [(n, zf.read(n)) for n in zf.namelist()] == payloads


def test_unicode_names_carry_the_utf8_flag_and_read_back_in_python():
    name = safe_card_filename("Nguyễn", "Zoé-Anaïs", "SST", DAY)
    (info,) = entries(build_zip([(name, b"%PDF")]))
    assert info.flag_bits & 0x800
    assert info.filename == "NGUYỄN_Zoé-Anaïs_SST_2025-03-12.pdf"


def test_colliding_names_get_2_3_suffixes_including_case_and_normalisation_twins():
    archive = build_zip(
        [
            ("DUPONT_Jean_SST_2025-03-12.pdf", b"1"),
            ("DUPONT_Jean_SST_2025-03-12.pdf", b"2"),
            ("dupont_jean_SST_2025-03-12.pdf", b"3"),  # same file on Windows and macOS
            ("DUPONT_Jean_SST_2025-03-12_2.pdf", b"4"),  # already taken by the first twin
            ("LEFÈVRE_Zoé_SST_2025-03-12.pdf", b"5"),
            (unicodedata.normalize("NFD", "LEFÈVRE_Zoé_SST_2025-03-12.pdf"), b"6"),
        ]
    )
    names = [info.filename for info in entries(archive)]
    assert names == [
        "DUPONT_Jean_SST_2025-03-12.pdf",
        "DUPONT_Jean_SST_2025-03-12_2.pdf",
        "dupont_jean_SST_2025-03-12_3.pdf",
        "DUPONT_Jean_SST_2025-03-12_2_2.pdf",
        "LEFÈVRE_Zoé_SST_2025-03-12.pdf",
        "LEFÈVRE_Zoé_SST_2025-03-12_2.pdf",
    ]
    assert len({name.casefold() for name in names}) == len(names)


def test_entries_extract_flat_inside_the_target_folder(tmp_path):
    archive = build_zip([("../../evil.pdf", b"1"), ("/abs/path.pdf", b"2"), ("a\\b.pdf", b"3")])
    target = tmp_path / "out"
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        zf.extractall(target)
    extracted = sorted(p.relative_to(target).as_posix() for p in target.rglob("*"))
    assert extracted == ["a-b.pdf", "abs-path.pdf", "evil.pdf"]


def test_write_zip_streams_to_a_file_that_cannot_seek():
    class Pipe(io.RawIOBase):
        def __init__(self):
            self.chunks: list[bytes] = []

        def writable(self):
            return True

        def write(self, data):
            self.chunks.append(bytes(data))
            return len(data)

    pipe = Pipe()
    names = write_zip(((f"CARTE_{i}.pdf", b"%PDF" * 100) for i in range(3)), pipe)
    assert names == ["CARTE_0.pdf", "CARTE_1.pdf", "CARTE_2.pdf"]
    with zipfile.ZipFile(io.BytesIO(b"".join(pipe.chunks))) as zf:
        assert zf.namelist() == names
        assert zf.read("CARTE_2.pdf") == b"%PDF" * 100


def test_a_download_header_has_an_ascii_file_name_and_the_exact_utf8_one():
    header = attachment_disposition("LEFÈVRE_Zoé-Œnone_SST_2025-03-12.pdf")
    assert header == (
        'attachment; filename="LEFEVRE_Zoe-OEnone_SST_2025-03-12.pdf"; '
        "filename*=UTF-8''LEF%C3%88VRE_Zo%C3%A9-%C5%92none_SST_2025-03-12.pdf"
    )
    header.encode("ascii")  # an HTTP header: ASCII only


def test_the_ascii_file_name_never_breaks_out_of_its_quotes():
    header = attachment_disposition('A"B\\C王\x07.pdf')
    assert header.startswith("attachment; filename=\"A_B_C__.pdf\"; filename*=UTF-8''")
    assert "%22" in header and "%E7%8E%8B" in header
