"""The card benchmark (`make bench`): its baseline draws a real card, its samples decode, both paths are measured.
Never a timed assertion."""

from dataclasses import replace

import pytest
import zxingcpp

from bench import card as card_bench
from certiprev.lib.card import render_card
from tests.lib.test_card_pdf import card, rasterize, text_of


def test_the_straightforward_renderer_produces_the_same_kind_of_card(tmp_path):
    data = card()
    pdf = card_bench.render_card_straightforward(data)
    assert "DUPONT-LEFÈVRE" in text_of(pdf)
    results = zxingcpp.read_barcodes(rasterize(pdf, tmp_path), formats=zxingcpp.BarcodeFormat.QRCode)
    assert [r.text for r in results] == [data.qr_content]


def test_reportlab_runs_with_its_c_accelerator():
    assert card_bench.rl_accel_in_use(), "pip install rl-accel (ReportLab 4 ships its C accelerator separately)"


def test_the_benchmark_measures_both_full_paths_in_one_run_and_leaves_no_file():
    import tempfile
    from pathlib import Path

    before = set(Path(tempfile.gettempdir()).glob("certiprev-card-bench-*"))
    result = card_bench.run(4, runs=2, verbose=False)
    assert result["runs"] == 2 and result["cards"] == 4
    assert result["fast_cards_per_s"] > 0 and result["straightforward_cards_per_s"] > 0
    assert result["fast_cards_per_cpu_s"] > 0 and result["straightforward_cards_per_cpu_s"] > 0
    expected_ratio = result["fast_cards_per_s"] / result["straightforward_cards_per_s"]
    assert result["ratio"] == pytest.approx(expected_ratio, rel=0.05)
    assert len(result["fast_runs_cards_per_s"]) == len(result["straightforward_runs_cards_per_s"]) == 2
    assert len(result["load_average"]) == 6
    assert set(Path(tempfile.gettempdir()).glob("certiprev-card-bench-*")) == before


def test_both_benchmark_paths_sign_a_card_that_decodes_to_a_verifying_content(tmp_path):
    from certiprev.lib import cp1

    key = cp1.private_key_from_seed(bytes(range(32)))
    data = card_bench.sample_cards(1)[0]
    for path in (card_bench.production_card, card_bench.straightforward_card):
        image = rasterize(path(data, 0, key), tmp_path, 200)
        (read,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        signed = cp1.parse_content(read.text)
        assert cp1.verify(signed, key.public_key())
        record, _ = cp1.unpack(signed)
        assert (record.certified_on, record.valid_until) == (data.certified_on, data.valid_until)


def test_every_benchmark_sample_card_renders_and_its_qr_decodes(tmp_path):
    for data in card_bench.sample_cards(3):
        data = replace(data, qr_matrix=card_bench.qr_matrix_fixed_mask(data.qr_content))
        (result,) = zxingcpp.read_barcodes(rasterize(render_card(data), tmp_path, 200))
        assert result.text == data.qr_content


def test_the_weasyprint_card_has_the_same_texts_and_qr_code(tmp_path):
    pytest.importorskip("weasyprint", reason="pip install -e '.[bench]' (WeasyPrint, Pango)")
    data = card()
    pdf = card_bench.render_card_weasyprint(data)
    text = text_of(pdf)
    for expected in ("DUPONT-LEFÈVRE", "Jean-Éloïse François", "Sauveteur Secouriste du Travail", "12/03/2027"):
        assert expected in text
    (read,) = zxingcpp.read_barcodes(rasterize(pdf, tmp_path, 200), formats=zxingcpp.BarcodeFormat.QRCode)
    assert read.text == data.qr_content


def test_the_benchmark_compares_with_weasyprint_when_installed_and_records_its_figures(tmp_path, monkeypatch):
    pytest.importorskip("weasyprint", reason="pip install -e '.[bench]' (WeasyPrint, Pango)")
    from bench import results

    monkeypatch.setenv(results.ENV, str(tmp_path / "results.jsonl"))
    result = card_bench.run(3, slow_n=2, runs=1, verbose=False)
    assert result["weasyprint"] and result["slow_cards"] == 2
    assert result["weasyprint_ratio"] == pytest.approx(
        result["fast_cards_per_s"] / result["weasyprint_cards_per_s"], rel=0.05
    )
    recorded = {line["target"]: line for line in results.read(tmp_path / "results.jsonl")}
    assert set(recorded) == {"cards.straightforward", "cards.weasyprint", "cards.size"}
    assert recorded["cards.weasyprint"]["comparison"] == result["weasyprint_cards_per_s"]
    assert recorded["cards.straightforward"]["met"] is (min(result["ratio"], result["ratio_cpu"]) >= 20)


def test_every_sample_holder_is_new():
    cards = card_bench.sample_cards(300)
    assert len({(c.holder_last_name, c.holder_first_names) for c in cards}) == 300
