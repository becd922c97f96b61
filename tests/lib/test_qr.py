import json
import re
from datetime import date
from pathlib import Path

import pytest
import segno
import zxingcpp
from PIL import Image

from certiprev.lib.cp1 import CP1Record, make_content, private_key_from_seed, sign
from certiprev.lib.qr import FIXED_MASK, make_qr, qr_matrix, qr_segments, qr_svg

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "vectors" / "cp1_vectors.json").read_text("utf-8"))
CONTENTS = {case["name"]: case["content"] for case in VECTORS["content_cases"]}
LONGEST = CONTENTS["valid_mac_names_truncated_longest_record"]


def decode(matrix, *, module_px: int = 4, quiet_zone: int = 4):
    """Render a module matrix to a PIL image and read it with zxing-cpp."""
    size = (len(matrix) + 2 * quiet_zone) * module_px
    image = Image.new("L", (size, size), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                left, top = (x + quiet_zone) * module_px, (y + quiet_zone) * module_px
                image.paste(0, (left, top, left + module_px, top + module_px))
    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(results) == 1
    return results[0]


def svg_modules(svg: str, size: int, border: int = 4) -> list[list[int]]:
    """The dark modules drawn by segno's SVG path (absolute M, relative m, horizontal h runs)."""
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    modules = [[0] * size for _ in range(size)]
    x = y = 0.0
    for command, first, second in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        if command == "M":
            x, y = float(first), float(second)
        elif command == "m":
            x, y = x + float(first), y + float(second)
        else:
            for column in range(int(x), int(x + float(first))):
                modules[int(y) - border][column - border] = 1
            x += float(first)
    return modules


def test_the_qr_code_decodes_with_zxing_to_exactly_the_content():
    result = decode(qr_matrix(CONTENTS["valid"]))
    assert result.text == CONTENTS["valid"]
    assert result.extra["Version"] == "11"
    assert result.ec_level == "Q"
    assert result.extra["DataMask"] == FIXED_MASK


def test_the_longest_record_with_60_name_characters_fits_version_11_q():
    assert len(LONGEST.partition("#")[2]) == 309  # 127 bytes
    matrix = qr_matrix(LONGEST)
    assert len(matrix) == 61 and all(len(row) == 61 for row in matrix)
    result = decode(matrix)
    assert (result.text, result.extra["Version"], result.ec_level) == (LONGEST, "11", "Q")


def test_every_content_gets_the_same_version_and_level_whatever_its_length():
    short = f"HTTPS://VERIF.CERTIPREV.FR/V#{'1' * 100}"
    assert make_qr(short).designator == make_qr(LONGEST).designator == "11-Q"


def test_the_longest_record_would_not_fit_version_10_q_which_is_why_the_card_uses_11_q():
    with pytest.raises(segno.DataOverflowError):
        segno.make(qr_segments(LONGEST), error="Q", version=10, boost_error=False)


def test_the_content_is_split_into_alphanumeric_byte_and_numeric_segments():
    segments = qr_segments(CONTENTS["valid"])
    prefix, _, digits = CONTENTS["valid"].partition("#")
    assert segments == [(prefix, 2), ("#", 4), (digits, 1)]  # segno.consts MODE_ALPHANUMERIC, MODE_BYTE, MODE_NUMERIC
    assert make_qr(CONTENTS["valid"]).mode is None  # segno reports None for mixed modes
    # In byte mode the 338 characters could not fit version 11-Q (at most 175 bytes), so mixed modes are in use.
    with pytest.raises(segno.DataOverflowError):
        segno.make(LONGEST, mode="byte", error="Q", version=11, boost_error=False)
    assert make_qr(LONGEST).designator == "11-Q"


def test_every_well_formed_vector_content_decodes_back_exactly():
    for content in CONTENTS.values():
        if content.startswith("HTTPS://") and _well_formed(content):
            assert decode(qr_matrix(content)).text == content


def _well_formed(content: str) -> bool:
    from certiprev.lib.cp1 import CP1FormatError, parse_content

    try:
        parse_content(content)
    except CP1FormatError:
        return False  # the vectors of malformed hosts, whitespace, digits (issue 12.14) are not QR contents
    return True


def test_the_matrix_is_a_tuple_of_rows_of_0_and_1():
    matrix = qr_matrix(CONTENTS["valid"])
    assert isinstance(matrix, tuple) and isinstance(matrix[0], tuple)
    assert {module for row in matrix for module in row} == {0, 1}
    assert matrix[0][:7] == (1, 1, 1, 1, 1, 1, 1)  # finder pattern


def test_segno_mask_search_gives_a_code_that_decodes_too():
    code = make_qr(CONTENTS["valid"], mask=None)
    assert decode(code.matrix).text == CONTENTS["valid"]
    assert make_qr(CONTENTS["valid"]).mask == FIXED_MASK


def test_qr_matrix_is_deterministic():
    assert qr_matrix(CONTENTS["valid"]) == qr_matrix(CONTENTS["valid"])


def test_a_53_character_host_fits_the_longest_record_and_a_54_character_one_does_not():
    record_digits = LONGEST.partition("#")[2]
    assert decode(qr_matrix(f"HTTPS://{'A' * 53}/V#{record_digits}")).extra["Version"] == "11"
    with pytest.raises(ValueError, match="VERIFY_HOST"):
        qr_matrix(f"HTTPS://{'A' * 54}/V#{record_digits}")


def test_a_21_character_host_fits_a_typical_record():
    key = private_key_from_seed(bytes(32))
    record = CP1Record(
        kind="initial",
        key_id=1,
        scheme_code=1,
        certified_on=date(2025, 1, 1),
        valid_until=date(2027, 1, 1),
        birth_date=date(1990, 1, 1),
        organisation_id=2**21 - 1,
        revocation_id=bytes(8),
        last_name="A" * 30,
        first_names="B" * 30,
    )
    content = make_content(sign(record, key), "VERIFY.EXAMPLE-ORG.FR")
    assert len("VERIFY.EXAMPLE-ORG.FR") == 21
    assert decode(qr_matrix(content)).text == content


@pytest.mark.parametrize(
    "content",
    [
        "https://verif.certiprev.fr/V#123",
        "HTTPS://VERIF.CERTIPREV.FR/V",
        "HTTPS://VERIF.CERTIPREV.FR/V#12a",
        "HTTPS://VERIF.CERTIPREV.FR/X#123",
        "HTTP://VERIF.CERTIPREV.FR/V#123",
        "HTTPS://VERIF_CERTIPREV.FR/V#123",
    ],
)
def test_contents_that_are_not_canonical_cp1_are_refused(content):
    with pytest.raises(ValueError):
        qr_matrix(content)


def test_the_svg_draws_exactly_the_matrix_at_the_requested_size():
    svg = qr_svg(CONTENTS["valid"], size_mm=26.1)
    assert svg.startswith("<svg") and 'width="26.1mm"' in svg and 'height="26.1mm"' in svg
    assert svg_modules(svg, 61) == [list(row) for row in qr_matrix(CONTENTS["valid"])]


def test_the_svg_without_size_uses_one_unit_per_module():
    svg = qr_svg(CONTENTS["valid"])
    assert 'viewBox="0 0 69 69"' in svg
    assert svg_modules(svg, 61) == [list(row) for row in qr_matrix(CONTENTS["valid"])]


def test_the_fast_matrix_is_segnos_module_for_module_over_many_contents():
    import random

    rnd = random.Random(14)
    checked = 0
    for _ in range(120):
        host = "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") for _ in range(rnd.randrange(1, 54)))
        host = host.strip(".-") or "A"
        digits = "".join(rnd.choice("0123456789") for _ in range(rnd.randrange(1, 310)))
        content = f"HTTPS://{host}/V#{digits}"
        try:
            expected = make_qr(content).matrix
        except ValueError:
            with pytest.raises(ValueError):
                qr_matrix(content)
            continue
        assert qr_matrix(content) == tuple(tuple(row) for row in expected), content
        checked += 1
    for content in CONTENTS.values():
        try:
            expected = make_qr(content).matrix
        except ValueError:
            continue
        assert qr_matrix(content) == tuple(tuple(row) for row in expected), content
        checked += 1
    assert checked > 100
