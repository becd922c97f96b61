"""The card's PDF written directly (no ReportLab document): the same page, operator for operator, ~5× faster.

ReportLab's `Canvas.save` formats every object through generic Python classes and subsets and compresses each
font for every card (~3 ms). Here `draw_card` draws on `_Recorder`, which quacks like the few Canvas methods the
layout uses and records the same operators ReportLab writes; the file is then written by hand: a fixed set of
objects, the page's content stream, the Info dictionary and the xref table.

Fonts: each face (Vera regular and bold) is embedded as one subset of a few fixed characters (`_BASE`) plus the
others the card uses, with codes in code-point order. The subset's objects (font dictionary, widths, descriptor,
compressed font program, ToUnicode map) depend only on that character set, so they are serialised once and kept
(LRU): French names rarely add more than a few accented letters to the base, so most cards of a session reuse
them. Letters Vera lacks (ễ, ř, ș, Ł…) go to a third subset, of the fallback face (Noto Sans), holding only those
letters. A card with more than 255 characters in one face, or a file past 40 KB, is left to ReportLab
(`render_page`): same page, slower.

What repeats from card to card of a session (the title band, the footer, the domain under the code: `layout`
draws them through `_Recorder.replay`) is recorded once and kept by what it depends on; a line of text is
recorded in one call (`_Recorder.draw_line`); the fixed objects (header, catalog, pages, page) are bytes made
once. ADR 0016.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont, makeToUnicodeCMap

from .fonts import FontSet, subset_tag
from .layout import CARD_HEIGHT, CARD_WIDTH, CardData, QrDrawer, draw_card
from .text import Fitter, Line

__all__ = ["MAX_BYTES", "Unsupported", "render_page_fast"]

_DIGITS = frozenset(map(ord, "0123456789"))
_UPPER = frozenset(map(ord, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
# Always in the subset, whatever the card uses: digits (dates) and the lowercase letters of first names in the
# regular face, digits and the capitals of last names in the bold one. Rounding the character sets up this way
# makes most cards of a session share their subsets; all of ASCII in both would too, but would take a card with
# fallback letters past 40 KB (each glyph ~100 bytes compressed, each subset ~5 KB of fixed tables).
_BASE = {"regular": _DIGITS | frozenset(map(ord, "abcdefghijklmnopqrstuvwxyz")), "bold": _DIGITS | _UPPER}
MAX_BYTES = 40_000
_CACHE_SIZE = 256  # subsets per face, each ~12–17 KB serialised


class Unsupported(Exception):
    """The card needs something this writer does not do (> 255 characters in one face, another font)."""


# --------------------------------------------------------------------------------------------------------------
# Recording the page


@dataclass(frozen=True, slots=True)
class _Font:
    font: str
    operators: str  # "<size> Tf <leading> TL", after the font's resource name


@dataclass(frozen=True, slots=True)
class _Show:
    font: str
    text: str


class _Text:
    """The part of ReportLab's PDFTextObject the layout uses (setFont, setTextRenderMode, textOut)."""

    def __init__(self, x: float, y: float):
        self.code: list[str | _Font | _Show] = [f"BT 1 0 0 1 {fp_str(x, y)} Tm"]
        self.font = ""
        self.size = 0.0
        self.pending_font = False
        self.mode = 0

    def setFont(self, font: str, size: float) -> None:  # noqa: N802 - ReportLab's names
        self.font, self.size, self.pending_font = font, size, True

    def setTextRenderMode(self, mode: int) -> None:  # noqa: N802
        if mode != self.mode:
            self.mode = mode
            self.code.append(f"{mode} Tr")

    def textOut(self, text: str) -> None:  # noqa: N802
        if not text:
            return
        if self.pending_font:  # ReportLab selects the subset at the first text after setFont
            self.code.append(_Font(self.font, f"{fp_str(self.size)} Tf {fp_str(self.size * 1.2)} TL"))
            self.pending_font = False
        self.code.append(
            _Show(self.font, text.replace("\xa0", " "))
        )  # ReportLab prints (and extracts) U+00A0 as a space


@lru_cache(maxsize=1024)
def _fill(color: tuple[float, float, float]) -> str:
    return f"{fp_str(*color)} rg"


@lru_cache(maxsize=4096)
def _font_operators(resource: str, size: float) -> str:
    return f"/{resource} {fp_str(size)} Tf {fp_str(size * 1.2)} TL"


class _Recorder:
    """The part of ReportLab's Canvas that `draw_card` and `draw_qr_matrix` use, recording the same operators."""

    def __init__(self, fonts: FontSet):
        self.faces = {fonts.regular: "F1", fonts.bold: "F2"}
        if fonts.fallback is not None:
            self.faces[fonts.fallback] = "F3"
        self.code: list[str | _Show] = ["1 0 0 1 0 0 cm"]  # _Font resolved to its operators as recorded
        self.chars: dict[str, set[int]] = {font: set() for font in self.faces}

    def setFillColorRGB(self, r: float, g: float, b: float) -> None:  # noqa: N802
        self.code.append(f"{fp_str(r, g, b)} rg")

    def setStrokeColorRGB(self, r: float, g: float, b: float) -> None:  # noqa: N802
        self.code.append(f"{fp_str(r, g, b)} RG")

    def setLineWidth(self, width: float) -> None:  # noqa: N802
        self.code.append(f"{fp_str(width)} w")

    def rect(self, x: float, y: float, width: float, height: float, stroke: int = 1, fill: int = 0) -> None:
        if stroke or not fill:
            raise Unsupported("only filled rectangles")
        self.code.append(f"n {fp_str(x, y, width, height)} re f*")

    def beginText(self, x: float, y: float) -> _Text:  # noqa: N802
        return _Text(x, y)

    def drawText(self, text: _Text) -> None:  # noqa: N802
        for item in text.code:
            if isinstance(item, _Font):
                if item.font not in self.chars:
                    raise Unsupported(f"font {item.font}")
                self.code.append(f"/{self.faces[item.font]} {item.operators}")
                continue
            if isinstance(item, _Show):
                self.chars[item.font].update(map(ord, item.text))
            self.code.append(item)
        self.code.append("ET")

    def draw_line(self, x: float, y: float, line: Line, size: float, color: tuple[float, float, float]) -> None:
        """What layout's `_draw_line` draws through beginText, setFont, setTextRenderMode, textOut and drawText,
        recorded in one call: the operators ReportLab writes for it."""
        code, chars = self.code, self.chars
        code.append(_fill(color))
        items: list[str | _Show] = [f"BT 1 0 0 1 {fp_str(x, y)} Tm"]
        stroked = False
        for font, piece, fake_bold in line:
            if not piece:
                continue
            if fake_bold != stroked:
                if fake_bold:
                    code.append(f"{fp_str(*color)} RG")
                    code.append(f"{fp_str(size * 0.045)} w")
                items.append("2 Tr" if fake_bold else "0 Tr")
                stroked = fake_bold
            used = chars.get(font)
            if used is None:
                raise Unsupported(f"font {font}")
            items.append(_font_operators(self.faces[font], size))
            shown = piece.replace("\xa0", " ")  # ReportLab prints (and extracts) U+00A0 as a space
            items.append(_Show(font, shown))
            used.update(map(ord, shown))
        if stroked:
            items.append("0 Tr")
        items.append("ET")
        code.extend(items)

    def saveState(self) -> None:  # noqa: N802
        self.code.append("q")

    def restoreState(self) -> None:  # noqa: N802
        self.code.append("Q")

    def addLiteral(self, literal: str) -> None:  # noqa: N802
        self.code.append(literal)

    def replay(self, key: tuple, draw: Callable[[_Recorder], object]) -> None:
        """What `draw` records, which depends only on `key` (the band, the footer, the domain: the same from card
        to card of a session), recorded once and kept (LRU)."""
        full = (tuple(self.faces), key)
        with _parts_lock:
            found = _parts.get(full)
            if found is not None:
                _parts.move_to_end(full)
        if found is None:
            part = _Recorder.__new__(_Recorder)
            part.faces, part.code, part.chars = self.faces, [], {font: set() for font in self.faces}
            draw(part)
            found = (_joined(part.code), tuple((font, frozenset(used)) for font, used in part.chars.items() if used))
            with _parts_lock:
                _parts[full] = found
                while len(_parts) > _CACHE_SIZE:
                    _parts.popitem(last=False)
        code, chars = found
        self.code.extend(code)
        for font, used in chars:
            self.chars[font] |= used


_parts: OrderedDict[tuple, tuple[tuple[str | _Show, ...], tuple[tuple[str, frozenset[int]], ...]]] = OrderedDict()


def _joined(code: list[str | _Show]) -> tuple[str | _Show, ...]:
    """`code` with each run of operators (everything but the text shown) joined into one line-separated string."""
    out: list[str | _Show] = []
    run: list[str] = []
    for item in code:
        if isinstance(item, str):
            run.append(item)
            continue
        if run:
            out.append("\n".join(run))
            run = []
        out.append(item)
    if run:
        out.append("\n".join(run))
    return tuple(out)


_parts_lock = threading.Lock()


# --------------------------------------------------------------------------------------------------------------
# Font subsets, serialised once per character set


@dataclass(frozen=True, slots=True)
class _Subset:
    codes: dict[int, str]  # code point -> two hex digits, for str.translate
    objects: bytes  # font, descriptor, font program and ToUnicode, numbered from `first`
    offsets: tuple[int, ...]  # where each object starts in `objects`
    digest: bytes  # MD5 of `objects`, for the file's /ID


def _stream(number: int, data: bytes, extra: str = "") -> bytes:
    packed = zlib.compress(data)
    head = f"{number} 0 obj\n<< /Filter /FlateDecode /Length {len(packed)}{extra} >>\nstream\n".encode()
    return head + packed + b"\nendstream\nendobj\n"


def _build_subset(font_name: str, chars: tuple[int, ...], first: int) -> _Subset:
    face = cast(TTFont, pdfmetrics.getFont(font_name)).face  # the card's fonts are all TrueType
    subset = [0, *chars]  # code 0 left to .notdef, as ReportLab does
    face_name = face.name + face.subfontNameX
    tag = subset_tag(face_name, subset, set())
    base = (tag.encode() + b"+" + face_name).decode("pdfdoc")
    widths = " ".join(str(face.getCharWidth(cp)) for cp in subset)
    program = face.makeSubset(subset)
    flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
    bbox = " ".join(fp_str(v) for v in face.bbox)
    font, descriptor, file, to_unicode = first, first + 1, first + 2, first + 3
    objects = (
        f"{font} 0 obj\n<< /BaseFont /{base} /FirstChar 0 /FontDescriptor {descriptor} 0 R /LastChar "
        f"{len(subset) - 1} /Name /F{first} /Subtype /TrueType /ToUnicode {to_unicode} 0 R /Type /Font /Widths "
        f"[ {widths} ] >>\nendobj\n"
        f"{descriptor} 0 obj\n<< /Ascent {fp_str(face.ascent)} /CapHeight {fp_str(face.capHeight)} /Descent "
        f"{fp_str(face.descent)} /Flags {flags} /FontBBox [ {bbox} ] /FontFile2 {file} 0 R /FontName /{base} "
        f"/ItalicAngle {fp_str(face.italicAngle)} /MissingWidth {face.defaultWidth} /StemV {fp_str(face.stemV)} "
        "/Type /FontDescriptor >>\nendobj\n"
    ).encode("latin-1")
    objects += _stream(file, program, f" /Length1 {len(program)}")
    objects += _stream(to_unicode, makeToUnicodeCMap(base, subset).encode("latin-1"))
    codes = {cp: f"{code:02x}" for code, cp in enumerate(subset) if code}
    return _Subset(codes, objects, _object_offsets(objects, 4), hashlib.md5(objects, usedforsecurity=False).digest())


def _object_offsets(chunk: bytes, count: int) -> tuple[int, ...]:
    """Where the `count` objects of `chunk` start: each with "<n> 0 obj" at the start of a line."""
    offsets, start = [], 0
    for _ in range(count):
        index = chunk.index(b" 0 obj\n", start)
        offsets.append(chunk.rfind(b"\n", 0, index) + 1)
        start = index + 1
    return tuple(offsets)


_subsets: OrderedDict[tuple[str, tuple[int, ...], int], _Subset] = OrderedDict()
_subsets_lock = threading.Lock()


def _subset(font_name: str, used: set[int], base: frozenset[int], first: int) -> _Subset:
    chars = tuple(sorted(base | used))
    if len(chars) > 255:
        raise Unsupported("more than 255 characters in one face")
    key = (font_name, chars, first)
    with _subsets_lock:
        found = _subsets.get(key)
        if found is not None:
            _subsets.move_to_end(key)
            return found
    built = _build_subset(font_name, chars, first)
    with _subsets_lock:
        _subsets[key] = built
        while len(_subsets) > 2 * _CACHE_SIZE:
            _subsets.popitem(last=False)
    return built


# --------------------------------------------------------------------------------------------------------------
# The file


def _escape_table() -> dict[int, str]:
    table = {byte: f"\\{byte:03o}" for byte in range(256) if not 32 <= byte < 127}
    table.update({ord(ch): "\\" + ch for ch in "()\\"})
    return table


_ESCAPES = _escape_table()


def _pdf_string(text: str) -> str:
    """A PDF string: PDFDocEncoding when it can (a literal, as ReportLab), else UTF-16BE with its byte-order mark,
    written in hexadecimal (4 characters a letter, where ReportLab's escapes take 5 for ASCII: room under 40 KB)."""
    try:
        raw = text.encode("pdfdoc")
    except UnicodeEncodeError:
        return "<feff" + text.encode("utf-16-be").hex() + ">"
    return "(" + raw.decode("latin-1").translate(_ESCAPES) + ")"


_MEDIA_BOX = f"[ 0 0 {fp_str(CARD_WIDTH, CARD_HEIGHT)} ]"
_CATALOG = (
    b"1 0 obj\n<< /PageMode /UseNone /Pages 3 0 R /Type /Catalog "
    b"/ViewerPreferences << /PrintScaling /None >> >>\nendobj\n"
)
_PAGES_TREE = b"3 0 obj\n<< /Count 1 /Kids [ 4 0 R ] /Type /Pages >>\nendobj\n"
_HEADER = b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n"
_HEAD = _HEADER + _CATALOG + _PAGES_TREE
_HEAD_OFFSETS = (len(_HEADER), len(_HEADER) + len(_CATALOG))
_PAGES = {  # the page object, by its font resources (two faces, or with the fallback face)
    resources: (
        f"4 0 obj\n<< /Contents 5 0 R /MediaBox {_MEDIA_BOX} /Parent 3 0 R /Resources << /Font << {resources}"
        " >> /ProcSet [ /PDF /Text /ImageB /ImageC /ImageI ] >> /Rotate 0 /Trans << >> /Type /Page >>\nendobj\n"
    ).encode("latin-1")
    for resources in ("/F1 6 0 R /F2 10 0 R", "/F1 6 0 R /F2 10 0 R /F3 14 0 R")
}


def render_page_fast(data: CardData, fit: Fitter, draw_qr: QrDrawer, info: dict[str, str]) -> bytes:
    """The page `render_page` draws, written directly; `info` is the Info dictionary's text entries (Title,
    Author, Subject, Creator, CreationDate…). Raises Unsupported when ReportLab must write it."""
    fonts = fit.fonts
    recorder = _Recorder(fonts)
    draw_card(recorder, data, fit, draw_qr)  # type: ignore[arg-type]  # quacks like the Canvas it uses
    # Objects: 1 catalog, 2 info, 3 pages, 4 page, 5 contents, 6–9 regular face, 10–13 bold face, 14–17 the
    # fallback face (Noto Sans) when a letter needs it, with only the letters used (no base: it is rarely needed).
    regular = _subset(fonts.regular, recorder.chars[fonts.regular], _BASE["regular"], 6)
    bold = _subset(fonts.bold, recorder.chars[fonts.bold], _BASE["bold"], 10)
    subsets = [regular, bold]
    codes = {fonts.regular: regular.codes, fonts.bold: bold.codes}
    font_resources = "/F1 6 0 R /F2 10 0 R"
    if fonts.fallback is not None and recorder.chars[fonts.fallback]:
        fallback = _subset(fonts.fallback, recorder.chars[fonts.fallback], frozenset(), 14)
        subsets.append(fallback)
        codes[fonts.fallback] = fallback.codes
        font_resources += " /F3 14 0 R"
    lines = [
        item if type(item) is str else "<" + item.text.translate(codes[item.font]) + "> Tj"  # type: ignore[union-attr]
        for item in recorder.code
    ]
    content = _stream(5, "\n".join(lines).encode("latin-1"))
    entries = " ".join(f"/{key} {value}" for key, value in sorted(_info_entries(info).items()))
    info_object = f"2 0 obj\n<< {entries} >>\nendobj\n".encode("latin-1")
    page = _PAGES[font_resources]

    # Fixed objects (header, catalog, pages, page) written once; then the info, the content and the subsets.
    parts = [_HEAD, info_object, page, content]
    offsets = [*_HEAD_OFFSETS]
    position = len(_HEAD)
    offsets.append(position)  # 2: info
    position += len(info_object)
    offsets.append(position)  # 4: page
    position += len(page)
    offsets.append(position)  # 5: content
    position += len(content)
    # The /ID is reproducible, as ReportLab's invariant=1: an MD5 of the variable objects and the subsets' MD5s.
    identity = hashlib.md5(info_object, usedforsecurity=False)
    identity.update(content)
    for subset in subsets:
        offsets.extend(position + offset for offset in subset.offsets)
        parts.append(subset.objects)
        position += len(subset.objects)
        identity.update(subset.digest)
    digest = identity.hexdigest()
    # Object 2 was appended after 1 and before 3 above: put the offsets in object-number order.
    offsets[1], offsets[2] = offsets[2], offsets[1]
    xref = "".join(
        [f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n", *(f"{offset:010d} 00000 n \n" for offset in offsets)]
    )
    trailer = (
        f"trailer\n<< /ID [ <{digest}> <{digest}> ] /Info 2 0 R /Root 1 0 R /Size {len(offsets) + 1} >>\n"
        f"startxref\n{position}\n%%EOF\n"
    )
    parts.append((xref + trailer).encode("latin-1"))
    pdf = b"".join(parts)
    if len(pdf) > MAX_BYTES:  # the base characters cost ~4 KB; ReportLab's subsets hold only what is used
        raise Unsupported("larger than 40 KB")
    return pdf


def _info_entries(info: dict[str, str]) -> dict[str, str]:
    entries = {key: _pdf_string(value) for key, value in info.items()}
    entries.setdefault("Producer", _pdf_string("Certiprev"))
    entries["Trapped"] = "/False"
    return entries
