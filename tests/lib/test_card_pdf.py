"""Certificate cards: one credit-card-size PDF page, embedded fonts, accents, fallback letters, a QR code that
decodes, print scaling off, text that never leaves the card."""

import datetime as dt
import io
import os
import random
import re
import shutil
import subprocess
from datetime import date

import pypdf
import pytest
import segno
import zxingcpp
from PIL import Image
from reportlab.pdfbase import pdfmetrics
from segno import consts

from certiprev.lib.card import CARD_HEIGHT, CARD_WIDTH, QR_SIZE, CardData, course_line, render_card
from certiprev.lib.card.fonts import subset_tag

MM = 72 / 25.4


def cp1_content(seed: int = 7) -> str:
    record = random.Random(seed).randbytes(124)
    groups = [record[i : i + 7] for i in range(0, len(record), 7)]
    widths = {7: 17, 6: 15, 5: 13, 4: 10, 3: 8, 2: 5, 1: 3}
    digits = "".join(str(int.from_bytes(g, "big")).zfill(widths[len(g)]) for g in groups)
    return f"HTTPS://VERIF.CERTIPREV.FR/V#{digits}"


def qr_matrix(content: str, *, version: int = 11, error: str = "q") -> list[list[int]]:
    """The card's code (11-Q, as certiprev.lib.qr makes it), or another version and level (cards printed before)."""
    prefix, _, digits = content.partition("#")
    segments = [(prefix, consts.MODE_ALPHANUMERIC), ("#", consts.MODE_BYTE), (digits, consts.MODE_NUMERIC)]
    code = segno.make(segments, error=error, version=version, mask=4, boost_error=False)
    assert code.version == version
    return [list(row) for row in code.matrix]  # segno's matrix has no quiet zone


def card(**overrides) -> CardData:
    content = overrides.pop("qr_content", cp1_content())
    fields = {
        "scheme_code": "SST",
        "scheme_name": "Sauveteur Secouriste du Travail",
        "kind_label": "Formation initiale",
        "holder_last_name": "Dupont-Lefèvre",
        "holder_first_names": "Jean-Éloïse François",
        "certified_on": date(2025, 3, 12),
        "valid_until": date(2027, 3, 12),
        "organisation_name": "Prévention Formation Île-de-France",
        "trainer_name": "Zoé L'Hôpital-Bœuf",
        "qr_matrix": qr_matrix(content),
        "verify_host": "verif.certiprev.fr",
        "qr_content": content,
        "holder_birth_date": date(1988, 7, 4),
        "course_first_day": date(2025, 3, 11),
        "course_hours": 14,
        "habilitated_for": "SST",
    }
    return CardData(**(fields | overrides))


def page(pdf: bytes) -> pypdf.PageObject:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0]


def text_of(pdf: bytes) -> str:
    return page(pdf).extract_text()


def fonts_of(pdf: bytes) -> dict[str, pypdf.generic.DictionaryObject]:
    fonts = page(pdf)["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]): font.get_object() for font in fonts.values()}


def rasterize(pdf: bytes, tmp_path, dpi: int = 300) -> Image.Image:
    """The page as pixels, through poppler's pdftoppm (Debian package poppler-utils, installed by `make`)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm is missing: install poppler-utils")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / "card.pdf"
    source.write_bytes(pdf)
    subprocess.run([exe, "-r", str(dpi), "-png", "-singlefile", source, tmp_path / "card"], check=True)  # noqa: S603
    return Image.open(tmp_path / "card.png").convert("L")


def test_the_card_is_one_page_of_exactly_85_6_by_54_mm():
    box = page(render_card(card())).mediabox
    assert (float(box.left), float(box.bottom)) == (0, 0)
    assert float(box.width) / MM == pytest.approx(85.6, abs=0.01)
    assert float(box.height) / MM == pytest.approx(54.0, abs=0.01)
    assert round(CARD_WIDTH / MM, 6) == 85.6
    assert round(CARD_HEIGHT / MM, 6) == 54.0


def test_every_font_is_an_embedded_truetype_subset_and_no_standard_font_is_referenced():
    fonts = fonts_of(render_card(card()))
    assert fonts, "the card has text"
    for name, font in fonts.items():
        assert font["/Subtype"] == "/TrueType", name
        assert "/FontFile2" in font["/FontDescriptor"], f"{name} is not embedded"
        assert "+" in name, f"{name} is not a subset"
    assert any("BitstreamVeraSans" in name for name in fonts)
    assert not any("Helvetica" in name or "Times" in name for name in fonts)


def test_print_scaling_is_turned_off_in_the_viewer_preferences():
    reader = pypdf.PdfReader(io.BytesIO(render_card(card())))
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None"


def test_french_accents_apostrophes_and_hyphens_come_out_as_typed():
    pdf = render_card(card(holder_last_name="de l'Œuvre-Ÿvelin Çà", holder_first_names="Noëlle-Ïnès Éric Bérénice"))
    text = text_of(pdf)
    assert "DE L'ŒUVRE-ŸVELIN ÇÀ" in text
    assert "Noëlle-Ïnès Éric Bérénice" in text
    assert "Zoé L'Hôpital-Bœuf" in text
    assert "Prévention Formation Île-de-France" in text
    assert not any("Noto" in name for name in fonts_of(pdf)), "Vera has every French letter"


def test_the_card_prints_scheme_kind_dates_organisation_trainer_and_the_verification_domain():
    text = text_of(render_card(card(kind_label="Maintien et actualisation des compétences (MAC)")))
    for expected in (
        "Sauveteur Secouriste du Travail",
        "SST",
        "Maintien et actualisation des compétences (MAC)",
        "DUPONT-LEFÈVRE",
        "Jean-Éloïse François",
        "Obtenu le 12/03/2025",
        "Valable jusqu'au 12/03/2027",
        "Prévention Formation Île-de-France",
        "Zoé L'Hôpital-Bœuf",
        "verif.certiprev.fr",
    ):
        assert expected in text


def test_the_card_prints_the_birth_date_the_course_and_the_organisation_habilitated_for_the_scheme():
    text = text_of(render_card(card(entity_name="Antenne de Lyon Sud")))
    assert "Date de naissance : 04/07/1988" in text
    assert "Formation du 11/03 au 12/03/2025 (14 h)" in text
    assert "ORGANISME HABILITÉ SST\nPrévention Formation Île-de-France\nEntité : Antenne de Lyon Sud" in text


def test_a_one_day_course_is_printed_with_its_single_date():
    text = text_of(render_card(card(course_first_day=date(2025, 3, 12), course_hours=7)))
    assert "Formation le 12/03/2025 (7 h)" in text
    assert "Formation du" not in text


@pytest.mark.parametrize(
    ("first_day", "last_day", "hours", "expected"),
    [
        (date(2026, 3, 10), date(2026, 3, 11), 14, "Formation du 10/03 au 11/03/2026 (14\u00a0h)"),
        (date(2026, 3, 11), date(2026, 3, 11), 7, "Formation le 11/03/2026 (7\u00a0h)"),
        (date(2026, 12, 30), date(2027, 1, 4), 14, "Formation du 30/12/2026 au 04/01/2027 (14\u00a0h)"),
        (date(2026, 3, 10), date(2026, 3, 11), None, "Formation du 10/03 au 11/03/2026"),
    ],
)
def test_the_course_line_gives_the_first_day_s_year_only_when_it_differs(first_day, last_day, hours, expected):
    assert course_line(first_day, last_day, hours) == expected


def test_a_trainer_certificate_prints_no_birth_date_course_or_habilitation():
    text = text_of(
        render_card(
            card(
                kind_label="Certificat de formateur",
                holder_birth_date=None,
                course_first_day=None,
                course_hours=None,
                habilitated_for="",
            )
        )
    )
    assert "ORGANISME DE FORMATION" in text
    for absent in ("naissance", "Formation du", "Formation le", "HABILITÉ", "Entité"):
        assert absent not in text


@pytest.mark.parametrize(
    ("last", "first"),
    [
        ("Nguyễn Thị Phương Thảo Trần-Hoàng", "Ștefăniță Mihăiță"),
        ("Öztürk-Çağlayan Şahinoğlu", "İlkay Gülşen Şükrü"),
        ("Constantinescu-Bălănescu", "Ștefan-Țuțea Ioana-Mădălina"),
    ],
)
def test_long_vietnamese_turkish_and_romanian_names_fit_beside_the_larger_code(tmp_path, last, first):
    data = card(holder_last_name=last, holder_first_names=first, entity_name="Antenne de Besançon-Planoise")
    pdf = render_card(data)
    text = text_of(pdf)
    assert "…" not in text, "these names fit without being cut"
    assert first in text.replace("\n", " ")
    assert "Formation du 11/03 au 12/03/2025 (14 h)" in text
    image = rasterize(pdf, tmp_path, 200)
    px = 200 / 25.4
    qr_left = 85.6 - 2.5 - QR_SIZE / MM
    box = (round((qr_left - 1.7) * px), round(10.3 * px), round((qr_left - 0.2) * px), round((54 - 11.3) * px))
    assert image.crop(box).getextrema()[0] > 245, "the text stops before the code's quiet zone"
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [r.text for r in results] == [data.qr_content]


def test_names_in_nfd_are_printed_in_nfc():
    text = text_of(render_card(card(holder_first_names="He\u0301le\u0300ne")))
    assert "Hélène" in text


def test_letters_vera_lacks_are_set_in_the_fallback_font_never_as_a_box():
    pdf = render_card(card(holder_last_name="Nguyễn", holder_first_names="Ștefan Řehoř Őrsi"))
    text = text_of(pdf)
    assert "NGUYỄN" in text
    assert "Ștefan Řehoř Őrsi" in text
    fallback = [font for name, font in fonts_of(pdf).items() if "NotoSans" in name]
    assert fallback and "/FontFile2" in fallback[0]["/FontDescriptor"]


def test_polish_and_turkish_letters_vera_has_need_no_fallback():
    pdf = render_card(card(holder_last_name="Ćwik", holder_first_names="Łukasz Şahin"))
    text = text_of(pdf)
    assert "ĆWIK" in text and "Łukasz Şahin" in text
    assert not any("Noto" in name for name in fonts_of(pdf))


def test_a_character_no_font_has_becomes_a_question_mark_not_a_blank():
    text = text_of(render_card(card(holder_first_names="Wang 王")))
    assert "Wang ?" in text


def test_control_and_bidi_override_characters_are_not_printed():
    text = text_of(render_card(card(holder_first_names="Jean\u202e\u200bPaul\x07")))
    assert "JeanPaul" in text


def test_the_qr_code_drawn_in_the_pdf_decodes_to_the_original_content(tmp_path):
    data = card(qr_content=cp1_content(seed=42))
    image = rasterize(render_card(data), tmp_path)
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [r.text for r in results] == [data.qr_content]


def test_the_qr_code_is_one_inline_1_bit_image_mask_about_26_mm_wide_on_the_right(tmp_path):
    pdf = render_card(card())
    assert "/XObject" not in page(pdf)["/Resources"], "no image object: the mask is inline in the content stream"
    assert page(pdf).get_contents().get_data().count(b"BI /W 61 /H 61 /IM true /D [ 1 0 ] /F /AHx ID") == 1
    dpi = 300
    (result,) = zxingcpp.read_barcodes(rasterize(pdf, tmp_path, dpi), formats=zxingcpp.BarcodeFormat.QRCode)
    position = result.position
    width_mm = (position.top_right.x - position.top_left.x) / dpi * 25.4
    assert width_mm == pytest.approx(QR_SIZE / MM, rel=0.03)
    assert position.top_left.x / dpi * 25.4 > 85.6 / 2


def test_long_texts_shrink_wrap_or_end_with_an_ellipsis_but_never_leave_the_card(tmp_path):
    data = card(
        holder_last_name="Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessen" * 3,
        holder_first_names="Jean-Pierre-Marie-Joseph-Éloïse-Françoise-Anne-Thérèse-Bernadette-Géraldine " * 2,
        kind_label="Maintien et actualisation des compétences (MAC) — session de rattrapage prolongée " * 2,
        scheme_name="Prévention des risques liés à l'activité physique – Industrie, bâtiment, commerce " * 2,
        scheme_code="PRAP-IBC-2S-ASD-TRES-LONG",
        organisation_name="Association régionale pour la prévention des risques professionnels " * 4,
        trainer_name="Jean-Baptiste Poquelin de Molière-Racine de La Fontaine-Corneille " * 2,
        entity_name="Antenne départementale de la Haute-Saône et du Territoire de Belfort, site de Lure " * 2,
        habilitated_for="PRAP IBC-TRES-LONG",
        course_first_day=date(2024, 12, 30),
    )
    pdf = render_card(data)
    text = text_of(pdf)
    assert "WOLFESCHLEGELSTEINHAUSENBERG" in text
    assert text.count("…") >= 5, "what cannot fit is cut visibly, with an ellipsis"
    for kept in ("Date de naissance : 04/07/1988", "Formation du 30/12/2024 au 12/03/2025 (14 h)", "Entité : Antenne"):
        assert kept in text

    dpi = 200
    image = rasterize(pdf, tmp_path, dpi)
    px = dpi / 25.4

    def darkest(left_mm: float, top_mm: float, right_mm: float, bottom_mm: float) -> int:
        box = (round(left_mm * px), round(top_mm * px), round(right_mm * px), round(bottom_mm * px))
        return image.crop(box).getextrema()[0]

    band, footer = 10, 54 - 11
    qr_left = 85.6 - 2.5 - QR_SIZE / MM
    assert darkest(0, band + 0.3, 2.6, footer - 0.3) > 245, "left margin stays blank"
    assert darkest(qr_left - 1.7, band + 0.3, qr_left - 0.2, footer - 0.3) > 245, "text stops before the QR code"
    assert darkest(85.6 - 1.5, band + 0.3, 85.6, footer - 0.3) > 245, "right margin stays blank"
    footer_colour = image.getpixel((round(40 * px), round(53.8 * px)))
    assert darkest(0, 53.4, 85.6, 54) >= footer_colour - 2, "nothing runs off the bottom edge"


def test_the_same_card_renders_to_the_same_bytes():
    assert render_card(card()) == render_card(card())


def test_fonts_are_registered_once_not_per_card():
    render_card(card())
    registered = set(pdfmetrics.getRegisteredFontNames())
    for seed in range(3):
        render_card(card(qr_content=cp1_content(seed), holder_last_name=f"Nom{seed}"))
    assert set(pdfmetrics.getRegisteredFontNames()) == registered


def test_a_qr_matrix_that_is_not_square_is_refused():
    with pytest.raises(ValueError, match="square"):
        render_card(card(qr_matrix=[[1, 0], [1]]))
    with pytest.raises(ValueError, match="square"):
        render_card(card(qr_matrix=[]))


def subset_tags(pdf: bytes) -> list[str]:
    return [name.lstrip("/").split("+", 1)[0] for name in fonts_of(pdf)]


def test_each_font_subset_has_its_own_tag_of_six_capital_letters():
    pdf = render_card(card(holder_last_name="Nguyễn", holder_first_names="Ștefan"))  # Vera, Vera bold, Noto Sans
    fonts = fonts_of(pdf)
    assert len(fonts) == 3
    tags = subset_tags(pdf)
    assert all(re.fullmatch(r"[A-Z]{6}", tag) for tag in tags), tags
    assert len(set(tags)) == len(tags), f"ISO 32000-1 §9.6.4: different subsets, different tags: {tags}"
    for name, font in fonts.items():
        assert font["/FontDescriptor"]["/FontName"] == name


def test_a_subset_tag_depends_on_the_glyphs_and_is_reproducible():
    assert subset_tags(render_card(card())) == subset_tags(render_card(card()))
    assert subset_tags(render_card(card(holder_last_name="Martin"))) != subset_tags(render_card(card()))


def test_a_subset_tag_that_is_taken_is_never_given_twice():
    taken: set[str] = set()
    first = subset_tag(b"BitstreamVeraSans-Roman", [0, 65, 66], taken)
    again = subset_tag(b"BitstreamVeraSans-Roman", [0, 65, 66], taken)
    assert first != again and re.fullmatch(r"[A-Z]{6}", again) and taken == {first, again}


def test_the_card_passes_qpdf_check(tmp_path):
    exe = shutil.which("qpdf")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("qpdf is missing: install qpdf (make system-deps)")
        pytest.skip("qpdf is not installed")
    source = tmp_path / "card.pdf"
    source.write_bytes(render_card(card(holder_last_name="Nguyễn")))
    checked = subprocess.run([exe, "--check", source], capture_output=True, text=True)  # noqa: S603
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No syntax or stream encoding errors" in checked.stdout


def test_the_metadata_names_the_card_its_issuer_and_its_creation_date():
    created = dt.datetime(2025, 3, 14, 9, 30, 5, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    reader = pypdf.PdfReader(io.BytesIO(render_card(card(created_at=created))))
    info = reader.metadata
    assert info.title == "Sauveteur Secouriste du Travail – DUPONT-LEFÈVRE Jean-Éloïse François"
    assert info.author == "Prévention Formation Île-de-France"
    assert info.subject == (
        "Certificat SST (Formation initiale) de DUPONT-LEFÈVRE Jean-Éloïse François, obtenu le 12/03/2025, "
        "valable jusqu'au 12/03/2027"
    )
    assert info.creator == "Certiprev"
    assert info["/CreationDate"] == "D:20250314093005+01'00'"
    assert info.creation_date == created


def test_without_a_creation_moment_the_card_is_dated_of_its_certification_day():
    info = pypdf.PdfReader(io.BytesIO(render_card(card()))).metadata
    assert info["/CreationDate"] == "D:20250312000000+00'00'"
