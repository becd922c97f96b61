# ruff: noqa: S603, S607 - the tests run qpdf (Debian package qpdf, installed by `make`)
"""The direct PDF writer (certiprev.lib.card.fastpdf) against ReportLab's: the same page, pixel for pixel, and a
file that qpdf accepts, whose text extracts with its accents and whose QR code two independent decoders read."""

import re
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image, ImageChops

from certiprev.lib.card import QR_SIZE, render_card
from certiprev.lib.card.fastpdf import MAX_BYTES, Unsupported, render_page_fast
from certiprev.lib.card.fonts import card_fonts
from certiprev.lib.card.layout import CARD_WIDTH
from certiprev.lib.card.pdf import card_info, render_page
from certiprev.lib.card.qr_drawing import draw_qr_matrix, qr_mask_bytes
from certiprev.lib.card.text import Fitter
from certiprev.lib.qr import qr_rows
from tests.certificates.helpers import opencv_qr_contents
from tests.lib.test_card_pdf import MM, card, rasterize, text_of

NAMES = {
    "french": ("Dupont-Lefèvre", "Jean-Éloïse François", "Zoé L'Hôpital-Bœuf"),
    "vietnamese": ("Nguyễn", "Thị Minh Khai", "Đặng Văn Lâm"),
    "turkish": ("Yılmaz", "Şükrü Çağlar İnce", "Gülşen Öztürk"),
    "romanian": ("Țurcanu", "Ștefan Mircea-Ionuț", "Ioana Bălășescu"),
    "polish_czech": ("Dvořák-Kowalski", "Łukasz Antonín", "Řehoř Šťastný"),
}


def both(data):
    def draw_qr(c, x, top, size):
        draw_qr_matrix(c, data.qr_matrix, x, top, size)

    fit = Fitter(card_fonts())
    return render_page_fast(data, fit, draw_qr, card_info(data)), render_page(data, fit, draw_qr)


@pytest.mark.parametrize("script", NAMES)
def test_the_direct_writer_draws_exactly_the_page_reportlab_draws(script, tmp_path):
    last, first, trainer = NAMES[script]
    fast, slow = both(card(holder_last_name=last, holder_first_names=first, trainer_name=trainer))
    assert fast != slow
    difference = ImageChops.difference(rasterize(fast, tmp_path, 200), rasterize(slow, tmp_path, 200))
    assert difference.getbbox() is None


@pytest.mark.parametrize("script", NAMES)
def test_every_script_the_card_accepts_is_written_directly_under_40_kb_and_extracts_with_its_accents(script):
    last, first, trainer = NAMES[script]
    data = card(holder_last_name=last, holder_first_names=first, trainer_name=trainer, entity_name="Antenne de Lyon")
    fast, _ = both(data)
    assert render_card(data) == fast  # the production path took the direct writer
    assert len(fast) <= MAX_BYTES
    text = text_of(fast)
    assert last.upper() in text and first in text and trainer in text
    assert "Prévention Formation Île-de-France" in text and "Date de naissance : 04/07/1988" in text


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf (Debian package) is not installed")
@pytest.mark.parametrize("script", ["french", "vietnamese"])
def test_qpdf_finds_nothing_to_say_about_a_directly_written_card(script, tmp_path):
    last, first, trainer = NAMES[script]
    path = tmp_path / "card.pdf"
    path.write_bytes(render_card(card(holder_last_name=last, holder_first_names=first, trainer_name=trainer)))
    checked = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No syntax or stream encoding errors" in checked.stdout


def test_two_independent_decoders_read_the_qr_code_of_a_directly_written_card(tmp_path):
    data = card()
    image = rasterize(render_card(data), tmp_path, 300)
    assert [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)] == [data.qr_content]
    assert opencv_qr_contents(image) == [data.qr_content]


def test_the_direct_writer_is_reproducible_and_reuses_its_font_subsets():
    data = card()
    assert render_card(data) == render_card(data)
    other = card(holder_first_names="Jean-Marie", holder_last_name="DURAND")  # no letter outside the base sets
    assert render_card(other) != render_card(data)


def test_a_card_too_large_for_the_direct_writer_goes_to_reportlab(monkeypatch):
    from certiprev.lib.card import fastpdf

    monkeypatch.setattr(fastpdf, "MAX_BYTES", 1000)
    data = card()
    with pytest.raises(Unsupported):
        both(data)
    pdf = render_card(data)
    assert b"ReportLab" in pdf and "DUPONT-LEFÈVRE" in text_of(pdf)


@pytest.mark.parametrize("dpi", [150, 200, 300])
def test_the_qr_image_mask_decodes_with_two_decoders_and_leaves_the_rest_of_the_page_as_the_vectors_did(dpi, tmp_path):
    """ADR 0016, revision of 2026-12-02: poppler does not render the 1-bit mask pixel for pixel as the vector runs
    drawn before (the runs' edges are anti-aliased, the mask's are not); the code reads the same with zxing-cpp and
    OpenCV, and every pixel outside the code's square is the same as on the page drawn with vectors."""
    data = card(holder_last_name="Nguyễn", holder_first_names="Thị Minh Khai")
    fit = Fitter(card_fonts())
    vectors = render_page(data, fit, lambda c, x, top, size: draw_merged_runs(c, data.qr_matrix, x, top, size))
    old, new = rasterize(vectors, tmp_path, dpi), rasterize(render_card(data), tmp_path, dpi)
    for image in (old, new):
        found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        assert [r.text for r in found] == [data.qr_content]
        assert opencv_qr_contents(image) == [data.qr_content]
    # The code's square on the page, in pixels, one pixel wider on every side (anti-aliased edges).
    px = dpi / 72
    left, top = (CARD_WIDTH - 2.5 * MM - QR_SIZE) * px, (10 + 1.8) * MM * px
    box = (int(left) - 1, int(top) - 1, int(left + QR_SIZE * px) + 2, int(top + QR_SIZE * px) + 2)
    assert ImageChops.difference(old.crop(box), new.crop(box)).getbbox() is not None, "the mask is not the vectors"
    blank = Image.new("L", (box[2] - box[0], box[3] - box[1]), 255)
    old.paste(blank, box[:2])
    new.paste(blank, box[:2])
    assert ImageChops.difference(old, new).getbbox() is None


def test_the_mask_holds_each_row_s_modules_as_bits_padded_to_a_byte():
    rows = card().qr_matrix
    expected = b"".join(int("".join("1" if m else "0" for m in row) + "000", 2).to_bytes(8, "big") for row in rows)
    assert qr_mask_bytes(rows) == (61, expected)
    assert qr_mask_bytes([bytes(row) for row in rows]) == (61, expected)
    assert qr_mask_bytes(qr_rows(card().qr_content)) == (61, expected)
    assert qr_mask_bytes([[1, 0, 1], [0, 1, 0], [1, 1, 1]]) == (3, bytes([0b10100000, 0b01000000, 0b11100000]))


def draw_merged_runs(c, matrix, x, top, size):
    """The QR code as the cards drew it before 2026-12-02 (vectors): one rectangle per run of dark modules, runs of
    the same span on consecutive rows merged into one, all in one filled path."""
    n = len(matrix)
    ops, open_runs = [], {}
    for y in range(n + 1):
        bits = bytes(map(bool, matrix[y])) if y < n else b""
        spans = {m.span(): y for m in re.finditer(rb"\x01+", bits)}
        for span, first in open_runs.items():
            if span in spans:
                spans[span] = first
            else:
                ops.append(f"{span[0]} {first} {span[1] - span[0]} {y - first} re")
        open_runs = spans
    module = size / n
    c.saveState()
    c.setFillColorRGB(0, 0, 0)
    c.addLiteral(f"1 0 0 1 {x:.3f} {top:.3f} cm {module:.5f} 0 0 {-module:.5f} 0 0 cm\n" + "\n".join(ops) + "\nf")
    c.restoreState()


def test_the_parts_kept_from_card_to_card_follow_the_scheme_organisation_trainer_and_entity():
    first = card(organisation_name="Secours Formation Bretagne", trainer_name="Anaïs Le Gall")
    second = card(organisation_name="Prévention Nord Pas-de-Calais", trainer_name="Ömer Çelik", entity_name="Lille")
    third = card(scheme_code="PRAP IBC", scheme_name="Prévention des risques liés à l'activité physique")
    for data, present, absent in (
        (first, ["Secours Formation Bretagne", "Anaïs Le Gall"], ["Nord"]),
        (second, ["Prévention Nord Pas-de-Calais", "Ömer Çelik", "Entité : Lille"], ["Bretagne", "Anaïs"]),
        (third, ["PRAP IBC", "Prévention des risques liés"], ["Sauveteur", "Bretagne", "Ömer"]),
        (first, ["Secours Formation Bretagne", "Anaïs Le Gall"], ["Nord", "PRAP"]),
    ):
        text = text_of(render_card(data))
        assert all(word in text for word in present), text
        assert not any(word in text for word in absent), text
    assert render_card(first) == both(first)[0]
