"""Near-duplicate fingerprints of Chinese text: MinHash over character n-gram shingles.

Reposts of one state-media article differ in script (Traditional copies), width, punctuation,
whitespace and the lines around the body (来源, 责任编辑, site chrome). Words are not needed to see
that two texts are the same: the text is reduced to its letters and digits, converted to
Simplified, cut into overlapping 4-character shingles, and summarised by one-permutation MinHash
(Li, Owen & Zhang 2012): each shingle's 64-bit hash falls into one of ``PERMUTATIONS`` bins,
each bin keeps its minimum, and empty bins borrow from the next non-empty one (rotation
densification, Shrivastava & Li 2014). One pass over the shingles instead of one per hash
function. The share of equal bins estimates the Jaccard similarity of the shingle sets.
``band_keys`` cuts a signature into bands so candidates are found by equality
(locality-sensitive hashing) instead of comparing every pair.
"""

from __future__ import annotations

import hashlib

from pipelines.text.normalise import fold_width, to_simplified

SHINGLE_CHARS = 4
PERMUTATIONS = 64
BAND_ROWS = 4  # 16 bands: a pair at similarity 0.6 shares a band with probability ~0.89
SAME_TEXT_THRESHOLD = 0.6
FINGERPRINT_VERSION = f"oph-minhash-{PERMUTATIONS}x{SHINGLE_CHARS}c-v1"
_BIN_BITS = PERMUTATIONS.bit_length() - 1  # PERMUTATIONS is a power of two
_EMPTY = 1 << 64


def comparable_text(text: str) -> str:
    """Return the letters and digits of ``text``, Simplified, width-folded and lower-cased."""
    folded = fold_width(to_simplified(text)).lower()
    return "".join(char for char in folded if char.isalnum())


def shingles(text: str, size: int = SHINGLE_CHARS) -> set[int]:
    """Return the 64-bit hashes of the overlapping ``size``-character shingles of ``text``."""
    chars = comparable_text(text)
    if len(chars) < size:
        chars = chars.ljust(size, "\0") if chars else ""
    return {
        int.from_bytes(hashlib.blake2b(chars[i:i + size].encode(), digest_size=8).digest(), "big")
        for i in range(len(chars) - size + 1)
    } if chars else set()


def minhash(text: str) -> tuple[int, ...]:
    """Return the MinHash signature of ``text``; empty when it has no letters or digits."""
    hashes = shingles(text)
    if not hashes:
        return ()
    bins = [_EMPTY] * PERMUTATIONS
    for h in hashes:
        index, value = h & (PERMUTATIONS - 1), h >> _BIN_BITS
        if value < bins[index]:
            bins[index] = value
    return tuple(_densified(bins, i) for i in range(PERMUTATIONS))


def _densified(bins: list[int], index: int) -> int:
    """Return a bin's minimum, or the next non-empty bin's shifted by the distance to it."""
    for distance in range(PERMUTATIONS):
        value = bins[(index + distance) % PERMUTATIONS]
        if value != _EMPTY:
            return value + (distance << (64 - _BIN_BITS))
    return 0


def to_hex(signature: tuple[int, ...]) -> str:
    """Encode a signature as fixed-width hex (16 digits per value)."""
    return "".join(f"{value:016x}" for value in signature)


def from_hex(value: str) -> tuple[int, ...]:
    """Decode a signature written by ``to_hex``."""
    return tuple(int(value[i:i + 16], 16) for i in range(0, len(value), 16))


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Estimate the Jaccard similarity of two signatures (0.0 when either is empty)."""
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def band_keys(signature: tuple[int, ...], rows: int = BAND_ROWS) -> list[str]:
    """Return one key per band of ``rows`` values; equal keys mark candidate near-duplicates."""
    keys = []
    for band, i in enumerate(range(0, len(signature), rows)):
        chunk = ",".join(str(v) for v in signature[i:i + rows]).encode()
        keys.append(f"{band}:{hashlib.blake2b(chunk, digest_size=12).hexdigest()}")
    return keys
