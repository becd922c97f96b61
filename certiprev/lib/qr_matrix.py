"""The module matrix of a CP1 QR code, fast: version 11, level Q, mask 4, our three segments only.

segno (certiprev.lib.qr) is general: it places every bit and masks the matrix module by module, ~3 ms a code.
Here everything that does not depend on the content is computed once per process: the function patterns with
the format and version information of 11-Q mask 4 (taken from segno itself), the order in which the 3232 data
and error-correction bits are placed, the mask over them, and Reed–Solomon tables (the error-correction
codewords are linear in the data codewords: one XOR of a 28-byte row per data codeword). Per code only the
bit string, 8 table look-ups per data byte and one permutation remain (~0.1 ms). tests/lib/test_qr.py checks the
result is segno's matrix, module for module, over many contents.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import itemgetter, xor

__all__ = ["fast_qr_rows"]

_SIZE = 61  # version 11
_BLOCKS = (22, 22, 22, 22, 23, 23, 23, 23)  # data codewords per block, 11-Q (ISO/IEC 18004 table 9)
_EC = 28  # error-correction codewords per block
_DATA_CODEWORDS = sum(_BLOCKS)  # 180
_DATA_BITS = 8 * _DATA_CODEWORDS  # 1440
_TOTAL_BITS = 8 * (_DATA_CODEWORDS + _EC * len(_BLOCKS))  # 3232, no remainder bits at version 11
_ALIGNMENT = (6, 30, 54)
_ALPHANUMERIC = {ch: i for i, ch in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")}


def _function_cells() -> set[tuple[int, int]]:
    n = _SIZE
    cells: set[tuple[int, int]] = set()
    for r0, c0 in ((0, 0), (0, n - 8), (n - 8, 0)):  # finders with their separators
        cells.update((r, c) for r in range(r0, r0 + 8) for c in range(c0, c0 + 8))
    cells.update((6, i) for i in range(n))  # timing patterns
    cells.update((i, 6) for i in range(n))
    for r in _ALIGNMENT:
        for c in _ALIGNMENT:
            if (r, c) not in ((6, 6), (6, n - 7), (n - 7, 6)):
                cells.update((r + dr, c + dc) for dr in range(-2, 3) for dc in range(-2, 3))
    cells.update((8, i) for i in (*range(9), *range(n - 8, n)))  # format information (and the dark module)
    cells.update((i, 8) for i in (*range(9), *range(n - 8, n)))
    cells.update((r, c) for r in range(6) for c in range(n - 11, n - 8))  # version information
    cells.update((r, c) for r in range(n - 11, n - 8) for c in range(6))
    return cells


def _placement_order(function: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The cells the codeword bits go to, in order: two-column zigzag from the bottom right, column 6 skipped."""
    order: list[tuple[int, int]] = []
    upwards = True
    right = _SIZE - 1
    while right > 0:
        if right == 6:
            right -= 1
        rows = range(_SIZE - 1, -1, -1) if upwards else range(_SIZE)
        for r in rows:
            for c in (right, right - 1):
                if (r, c) not in function:
                    order.append((r, c))
        upwards = not upwards
        right -= 2
    return order


def _gf_tables() -> tuple[list[int], list[int]]:
    exp, log = [0] * 512, [0] * 256
    value = 1
    for i in range(255):
        exp[i], log[value] = value, i
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    for i in range(255, 512):
        exp[i] = exp[i - 255]
    return exp, log


def _rs_tables() -> list[list[int]]:
    """rows[j][b]: the 28 error-correction bytes (as one big-endian int) of data byte b followed by j zero bytes."""
    exp, log = _gf_tables()
    generator = [1]  # (x - α^0)…(x - α^27), highest degree first
    for i in range(_EC):
        product = [0] * (len(generator) + 1)
        for k, coefficient in enumerate(generator):
            product[k] ^= coefficient
            if coefficient:
                product[k + 1] ^= exp[log[coefficient] + i]
        generator = product

    def remainder(message: list[int]) -> int:
        work = message + [0] * _EC
        for k in range(len(message)):
            factor = work[k]
            if factor:
                for g in range(1, _EC + 1):
                    if generator[g]:
                        work[k + g] ^= exp[log[generator[g]] + log[factor]]
        return int.from_bytes(bytes(work[len(message) :]), "big")

    rows = []
    for j in range(max(_BLOCKS)):
        row = [0] * 256
        for bit in range(8):
            row[1 << bit] = remainder([1 << bit] + [0] * j)
        for b in range(1, 256):  # linear: the remainder of b is the XOR of the remainders of its bits
            low = b & -b
            if b != low:
                row[b] = row[b ^ low] ^ row[low]
        rows.append(row)
    return rows


@dataclass(frozen=True, slots=True)
class _Tables:
    rs_by_length: tuple[tuple[list[int], ...], ...]  # per block: its positions' rows of `_rs_tables`
    mask: int  # mask 4 over the placed bits, first placed bit highest
    cells: itemgetter  # picks the 3721 modules, row by row, from the placed bits followed by "01"


def _build() -> _Tables:
    from .qr import FIXED_MASK, make_qr

    assert FIXED_MASK == 4  # noqa: S101 - the mask below is pattern 4 of ISO/IEC 18004 (i // 2 + j // 3) % 2
    function = _function_cells()
    order = _placement_order(function)
    assert len(order) == _TOTAL_BITS  # noqa: S101 - a wrong table would fail here, at the first code
    mask = 0
    for r, c in order:
        mask = (mask << 1) | ((r // 2 + c // 3) % 2 == 0)
    # Function patterns, format (Q, mask 4) and version information are the same in every 11-Q mask-4 code.
    reference = make_qr("HTTPS://A/V#0")
    index = {cell: k for k, cell in enumerate(order)}
    picks = [
        index[(r, c)] if (r, c) in index else _TOTAL_BITS + bool(reference.matrix[r][c])
        for r in range(_SIZE)
        for c in range(_SIZE)
    ]
    rs = _rs_tables()
    by_length = tuple(tuple(rs[length - 1 - position] for position in range(length)) for length in _BLOCKS)
    return _Tables(by_length, mask, itemgetter(*picks))


_lock = threading.Lock()
_tables: _Tables | None = None


def _get_tables() -> _Tables:
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                _tables = _build()
    return _tables


@lru_cache(maxsize=64)
def _prefix_bits(prefix: str) -> str:
    """Mode, count and data of the alphanumeric segment, then the byte segment "#" (one per host: cached)."""
    parts = ["0010", format(len(prefix), "011b")]  # alphanumeric, 11-bit count at versions 10 to 26
    values = [_ALPHANUMERIC[ch] for ch in prefix]
    for i in range(0, len(values) - 1, 2):
        parts.append(format(values[i] * 45 + values[i + 1], "011b"))
    if len(values) % 2:
        parts.append(format(values[-1], "06b"))
    parts.append("0100000000000000000100100011")  # byte mode, count 1, "#"
    return "".join(parts)


_TRIPLES = {f"{i:03d}": format(i, "010b") for i in range(1000)}  # a group of three digits: 10 bits
_TAIL = {**{f"{i:01d}": format(i, "04b") for i in range(10)}, **{f"{i:02d}": format(i, "07b") for i in range(100)}}
_GROUPS = re.compile(r"\d{1,3}")


def _data_bits(prefix: str, digits: str) -> str:
    head = _prefix_bits(prefix)
    full = len(digits) - len(digits) % 3
    numeric = "".join(map(_TRIPLES.__getitem__, _GROUPS.findall(digits, 0, full)))
    if full < len(digits):
        numeric += _TAIL[digits[full:]]
    bits = f"{head}0001{len(digits):012b}{numeric}"  # numeric, 12-bit count
    if len(bits) > _DATA_BITS:
        raise OverflowError
    bits += "0" * min(4, _DATA_BITS - len(bits))  # terminator
    # segno (whose codes the cards have always carried) pads to the codeword boundary with 8 - length % 8 zero
    # bits, a whole zero codeword when the data already ends on a boundary: kept, so the code stays the same. Past
    # the terminator a reader ignores it.
    if len(bits) < _DATA_BITS:
        bits += "0" * (8 - len(bits) % 8)
    padding = (_DATA_BITS - len(bits)) // 8
    return bits + _PADDING[: 8 * padding]  # 0xEC 0x11 …


_PADDING = "1110110000010001" * (_DATA_CODEWORDS // 2 + 1)


def _interleaving() -> tuple[itemgetter, itemgetter]:
    """Permutations of the data codewords, and of the blocks' error-correction codewords laid end to end, into
    the order they are placed in: column by column across the blocks."""
    starts = [sum(_BLOCKS[:k]) for k in range(len(_BLOCKS))]
    data = [starts[k] + column for column in range(max(_BLOCKS)) for k in range(len(_BLOCKS)) if column < _BLOCKS[k]]
    ecc = [k * _EC + column for column in range(_EC) for k in range(len(_BLOCKS))]
    return itemgetter(*data), itemgetter(*ecc)


_DATA_ORDER, _ECC_ORDER = _interleaving()


def fast_qr_rows(prefix: str, digits: str) -> tuple[bytes, ...]:
    """The 61 rows (bytes, 1 = dark) of the 11-Q mask-4 code of segments `prefix` (alphanumeric), "#" (byte),
    `digits` (numeric), already validated by certiprev.lib.qr.qr_segments; OverflowError if they do not fit."""
    tables = _get_tables()
    data = int(_data_bits(prefix, digits), 2).to_bytes(_DATA_CODEWORDS, "big")
    ecc = bytearray()
    start = 0
    for length, rows in zip(_BLOCKS, tables.rs_by_length, strict=True):
        # rows[position][byte]: the error-correction bytes of `byte` at `position` in a block of `length`.
        ecc += reduce(xor, map(list.__getitem__, rows, data[start : start + length])).to_bytes(_EC, "big")
        start += length
    interleaved = bytes(_DATA_ORDER(data)) + bytes(_ECC_ORDER(ecc))
    placed = format(int.from_bytes(interleaved, "big") ^ tables.mask, f"0{_TOTAL_BITS}b") + "01"
    modules = "".join(tables.cells(placed)).encode("ascii").translate(_TO_BITS)
    return tuple(modules[k : k + _SIZE] for k in range(0, _SIZE * _SIZE, _SIZE))


_TO_BITS = bytes.maketrans(b"01", b"\x00\x01")
