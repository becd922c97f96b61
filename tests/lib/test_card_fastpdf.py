# ruff: noqa: S603, S607 - the tests run qpdf (Debian package qpdf, installed by `make`)
"""The direct PDF writer (certiprev.lib.card.fastpdf) against ReportLab's: the same page, pixel for pixel, and a
file that qpdf accepts, whose text extracts with its accents and whose QR code two independent decoders read."""

import shutil
import subprocess

import pytest
import zxingcpp
from PIL import ImageChops

from certiprev.lib.card import render_card
from certiprev.lib.card.fastpdf import MAX_BYTES, Unsupported, render_page_fast
from certiprev.lib.card.fonts import card_fonts
from certiprev.lib.card.pdf import card_info, render_page
from certiprev.lib.card.qr_drawing import draw_qr_matrix
from certiprev.lib.card.text import Fitter
from tests.certificates.helpers import opencv_qr_contents
from tests.lib.test_card_pdf import card, rasterize, text_of

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
