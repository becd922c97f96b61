"""QR codes of CP1 contents: version 11, error correction Q, three explicit segments (pure library, no Django).

The content `HTTPS://<HOST>/V#<digits>` is encoded as an alphanumeric segment (`HTTPS://<HOST>/V`), a byte
segment (`#`, not in the alphanumeric set) and a numeric segment (the digits). Segno takes explicit segments as
a list of `(data, mode)` tuples (its maintainer's answer in heuer/segno#76 and #118; the mode must be one of the
`segno.consts.MODE_*` integers, a string is not normalised there).

Why 11-Q: level Q restores about 25 % of damaged codewords (M: 15 %). At 300 dpi a dark smudge over 15 % of the
code nearly always still reads, over 20 % about half the time; at the former 8-M, never (tests/certificates/
test_card_damage.py). At the card's module size (3/7 mm, that of the former 21 mm version 8-M) version
10-Q (57 modules, 24.4 mm, 1232 data bits) would hold only the records of organisations with an id below 2^21 and
a host of at most 18 characters; version 11-Q (61 modules, 26.1 mm) holds every record. One fixed version for every
content keeps one layout.

Capacity (version 11-Q = 1440 data bits): 4 + 11 + alphanumeric bits of the prefix, 4 + 16 + 8 for `#`, 4 + 12 +
numeric bits of the digits (versions 10 to 26 have longer character counts than version 8). The longest CP1 record
(127 bytes: birth date, organisation id ≥ 2^28, 60 name characters) takes 309 digits = 1030 bits, which leaves
351 bits = 63 alphanumeric characters for the prefix: VERIFY_HOST may have at most 53 characters (`HTTPS://` +
host + `/V`) for every record to fit. qr_matrix raises ValueError when a content does not fit version 11-Q.

Cards printed before (version 8-M, 49 modules, 21 mm) hold the same contents: readers find version and level in
the code itself, so they verify as before.
"""

import io

import segno
from segno import consts

from .cp1.content import normalize_host
from .qr_matrix import fast_qr_rows

VERSION = 11
ERROR = "Q"
# Fixed data mask for qr_matrix: mask 4 had the lowest mean and worst ISO 18004 penalty over 150 random CP1
# contents, at 8-M as at 11-Q (penalties differ by ~5% between masks; segno's search costs ~4× the encoding).
FIXED_MASK = 4
SIZE = 17 + 4 * VERSION  # 61 modules
QUIET_ZONE = 4


def qr_segments(content: str) -> list[tuple[str, int]]:
    """The three explicit segments of a CP1 content; ValueError if it is not `HTTPS://<HOST>/V#<digits>`."""
    prefix, hash_sign, digits = content.partition("#")
    scheme, _, rest = prefix.partition("://")
    host, _, path = rest.rpartition("/")
    if (
        not hash_sign
        or scheme != "HTTPS"
        or path != "V"
        or normalize_host(host) != host
        or not (digits.isascii() and digits.isdigit())
    ):
        raise ValueError("a CP1 QR content is HTTPS://<HOST>/V#<digits> with an uppercase host")
    return [(prefix, consts.MODE_ALPHANUMERIC), ("#", consts.MODE_BYTE), (digits, consts.MODE_NUMERIC)]


def make_qr(content: str, *, mask: int | None = FIXED_MASK) -> segno.QRCode:
    """The segno QR code of a CP1 content; mask=None lets segno evaluate the 8 masks (slower)."""
    try:
        return segno.make(
            # segno.make takes a list of (data, mode) segments too; its annotation only names a single value.
            qr_segments(content),  # type: ignore[arg-type]
            error=ERROR,
            version=VERSION,
            mask=mask,
            micro=False,
            boost_error=False,
        )
    except segno.DataOverflowError:
        raise ValueError(
            f"the content ({len(content)} characters) does not fit a version {VERSION}-{ERROR} QR code: "
            "shorten VERIFY_HOST (see certiprev.lib.qr)"
        ) from None


def qr_rows(content: str) -> tuple[bytes, ...]:
    """The 61 rows of 61 modules (bytes, 1 = dark), top row first, without the quiet zone: segno's matrix for
    `make_qr(content)`, computed from tables fixed for 11-Q mask 4 (certiprev.lib.qr_matrix, ~30× faster)."""
    segments = qr_segments(content)
    try:
        return fast_qr_rows(segments[0][0], segments[2][0])
    except OverflowError:
        raise ValueError(
            f"the content ({len(content)} characters) does not fit a version {VERSION}-{ERROR} QR code: "
            "shorten VERIFY_HOST (see certiprev.lib.qr)"
        ) from None


def qr_matrix(content: str) -> tuple[tuple[int, ...], ...]:
    """The 61 × 61 modules (1 = dark), top row first, without the quiet zone (leave 4 modules around it)."""
    return tuple(tuple(row) for row in qr_rows(content))


def qr_svg(content: str, *, size_mm: float | None = None, border: int = QUIET_ZONE) -> str:
    """A standalone SVG of the QR code of a CP1 content, white quiet zone of `border` modules included.

    With `size_mm` (e.g. 26.1 on the card) the SVG is that wide; without, it has only a viewBox of one unit per
    module and takes the size its container gives it.
    """
    out = io.BytesIO()
    options = {"scale": size_mm / (SIZE + 2 * border), "unit": "mm"} if size_mm else {"omitsize": True}
    make_qr(content).save(out, kind="svg", border=border, light="#fff", xmldecl=False, **options)
    return out.getvalue().decode("utf-8")
