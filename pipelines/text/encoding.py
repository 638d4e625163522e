"""Decode fetched bodies to text, distrusting HTTP headers the way Chinese sites require.

Chinese government portals often send ``Content-Type: text/html; charset=UTF-8`` for pages that
are really GBK, so the body's own ``<meta>`` declaration is tried before the header, and every
candidate must decode the body *strictly* before it is accepted. GBK/GB2312 labels are decoded as
GB18030 (a strict superset) and Big5 labels as Big5-HKSCS (a superset of Big5 that adds the Hong
Kong characters), with cp950 as a second try for Microsoft's Big5 extensions.

A Chinese charset that is declared (by the body or the header) or detected is decoded leniently
when a few of the body's bytes are bad — a truncated character, a stray byte: GB2312 and GBK as
GB18030, Big5 as Big5-HKSCS, each bad run shown as U+FFFD and the number of bad bytes recorded
(``Decoded.replaced``, kept on the capture) — instead of failing strict decoding and falling
back to a codec that turns the whole page into mojibake. Too many bad bytes (more than
``MAX_BAD_SHARE`` of the body's non-ASCII bytes) say the charset is wrong after all.

A declared charset (the body's or the header's) whose text is implausible — charset-normalizer's
mess ratio above its own threshold, as UTF-8 bytes read as ISO-8859-1 are (``æ\x96°ç\x96\x86``)
— is overridden by detection when detection reads clearly better; the note says so.
"""

from __future__ import annotations

import codecs
import re

from pipelines.text.types import Decoded

SNIFF_BYTES = 4096
IMPLAUSIBLE_MESS = 0.2  # charset-normalizer's threshold between a fitting and a wrong decoding
MESS_SAMPLE = 16384  # characters of a decoded text whose plausibility is measured
MAX_BAD_SHARE = 0.02  # of a body's non-ASCII bytes: more bad bytes and the charset is wrong
MIN_BAD_ALLOWED = 8  # a short body may still have this many
CHINESE = {"gb18030", "big5hkscs", "cp950"}  # the supersets Chinese labels decode with
_ESCAPED = re.compile("[\udc80-\udcff]")
_ESCAPED_RUN = re.compile("[\udc80-\udcff]+")

# Labels decoded with a superset codec; each maps to the codecs tried in order.
_SUPERSETS: dict[str, tuple[str, ...]] = {
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("big5hkscs", "cp950"),
    "big5hkscs": ("big5hkscs", "cp950"),
    "cp950": ("cp950", "big5hkscs"),
    # WHATWG: pages labelled latin-1/ascii are decoded as windows-1252.
    "latin_1": ("cp1252", "latin_1"),
    "ascii": ("cp1252", "latin_1"),
    "cp1252": ("cp1252", "latin_1"),
}
_EXTRA_ALIASES = {"x-gbk": "gbk", "cp936": "gbk", "936": "gbk", "ms936": "gbk", "x-big5": "big5"}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# text/html; charset="GBK"
_CT_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# <meta charset="gbk">  /  <meta http-equiv="Content-Type" content="text/html; charset=gb2312">
_META_TAG = re.compile(rb"<meta\b[^>]*?>", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# <?xml version="1.0" encoding="GB2312"?>
_XML_DECL = re.compile(rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([\w.:-]+)["']""", re.IGNORECASE)


def charset_from_content_type(value: str | None) -> str | None:
    """Return the lower-cased charset parameter of a Content-Type header value, if any."""
    if not value:
        return None
    match = _CT_CHARSET.search(value)
    return match.group(1).lower() if match else None


def body_declared_charset(body: bytes) -> str | None:
    """Return the charset a body declares (XML declaration or ``<meta>``) in its first 4 KB."""
    head = body[:SNIFF_BYTES]
    xml = _XML_DECL.match(head)
    if xml:
        return xml.group(1).decode("ascii").lower()
    for tag in _META_TAG.finditer(head):
        found = _META_CHARSET.search(tag.group(0))
        if found:
            return found.group(1).decode("ascii").lower()
    return None


def codecs_for(label: str) -> tuple[str, ...]:
    """Map a charset label to the Python codecs to try (supersets first); empty if unknown."""
    label = label.strip().strip("\"'").lower()
    label = _EXTRA_ALIASES.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return ()
    if name.startswith(("utf-16", "utf-32")):
        return ("utf-8",)  # a body that can hold an ASCII <meta> is not UTF-16 (WHATWG rule)
    if name == "utf-8":
        return ("utf-8",)
    return _SUPERSETS.get(name.replace("-", "_"), (name,))


def _strict(body: bytes, label: str | None) -> tuple[str, str] | None:
    """Decode strictly with the codecs a label maps to; return (text, codec) or None."""
    for codec in codecs_for(label) if label else ():
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _bom(body: bytes) -> tuple[str, str] | None:
    """Decode by byte-order mark, if the body starts with one."""
    for mark, codec in _BOMS:
        if body.startswith(mark):
            return body[len(mark) :].decode(codec, errors="replace"), codec
    return None


def _is_utf8_text(body: bytes) -> bool:
    """Tell whether the body is valid UTF-8 containing a fair amount of non-ASCII text."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return sum(1 for ch in text if ord(ch) > 0x7F) >= 8


def _guess_legacy(body: bytes) -> tuple[str, str] | None:
    """Decode unlabelled non-UTF-8 bytes as GB18030, or Big5 when that reads better."""
    gb = _strict(body, "gb18030")
    big5 = _strict(body, "big5")
    if gb and big5:
        from charset_normalizer import from_bytes

        best = from_bytes(body, cp_isolation=["gb18030", "big5"]).best()
        if best is not None and best.encoding == "big5":
            return big5
    return gb or big5


def _guess_any(body: bytes) -> tuple[str, str, int]:
    """Decode with charset-normalizer's best guess (a Chinese one leniently), else UTF-8 with
    replacement characters; return (text, codec, bad bytes)."""
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is not None:
        guessed = _strict(body, best.encoding)
        if guessed:
            return guessed[0], guessed[1], 0
        lenient = _lenient(body, best.encoding)
        if lenient:
            return lenient
    return replacing(body, "utf-8")


def replacing(body: bytes, codec: str) -> tuple[str, str, int]:
    """Decode with U+FFFD for each run of bad bytes; return (text, codec, bad bytes)."""
    escaped = body.decode(codec, errors="surrogateescape")  # one lone surrogate per bad byte
    bad = len(_ESCAPED.findall(escaped))
    return (_ESCAPED_RUN.sub("\ufffd", escaped) if bad else escaped), codec, bad


def _lenient(body: bytes, label: str | None) -> tuple[str, str, int] | None:
    """Decode a Chinese label's superset with its few bad bytes replaced; None for another
    label, or when so many bytes are bad that the label must be wrong."""
    codec = (codecs_for(label) if label else ()) or ("",)
    if codec[0] not in CHINESE:
        return None
    decoded = replacing(body, codec[0])
    return decoded if decoded[2] <= _allowed(body) else None


def _allowed(body: bytes) -> float:
    """How many bad bytes a body may hold in the charset it is written in."""
    return max(MIN_BAD_ALLOWED, MAX_BAD_SHARE * sum(1 for byte in body if byte > 0x7F))


def _guess_chinese(body: bytes) -> tuple[str, str, int] | None:
    """Unlabelled bytes that are GB18030 or Big5-HKSCS but for a few bad bytes."""
    found = [_lenient(body, label) for label in ("gb18030", "big5hkscs")]
    return min((f for f in found if f), key=lambda f: f[2], default=None)


def decode_body(
    body: bytes, header_charset: str | None = None, override: str | None = None
) -> Decoded:
    """Decode a body: override > BOM > declared > header > UTF-8 > GB18030/Big5 > guess."""
    notes: list[str] = []
    if override:
        codec = (codecs_for(override) or ("",))[0]
        if codec:
            text, codec, bad = replacing(body, codec)
            return Decoded(text, codec, _replaced(f"override {override}", bad), bad)
        notes.append(f"unknown override {override!r} ignored")
    bom = _bom(body)
    if bom:
        return _decoded(bom, header_charset, notes, "byte-order mark")
    declared = body_declared_charset(body)
    found = _strict(body, declared)
    if found and found[1] != "utf-8" and _is_utf8_text(body):
        # A page re-saved as UTF-8 that kept its template's <meta charset=gbk>.
        return Decoded(body.decode("utf-8"), "utf-8", f"body declares {declared} but is utf-8")
    if found:
        return _plausible(body, found, f"the body's {declared}") or _decoded(
            found, header_charset, notes, f"body declares {declared}")
    if declared:
        notes.append(f"body declares {declared} but does not decode with it")
    found = _strict(body, header_charset)
    if found:
        return _plausible(body, found, f"the header's {header_charset}") or _decoded(
            found, None, notes, "")
    found = _strict(body, "utf-8")
    if found:
        return _decoded(found, header_charset, notes, f"body decodes as {found[1]}")
    return _decode_bad_bytes(body, declared, header_charset, notes)


def _decode_bad_bytes(
    body: bytes, declared: str | None, header: str | None, notes: list[str]
) -> Decoded:
    """Decode a body no label decodes strictly: the declared Chinese charset or UTF-8 leniently,
    whichever has fewer bad bytes > GB18030/Big5 strictly > GB18030/Big5-HKSCS leniently >
    charset-normalizer's guess."""
    candidates = [
        (lenient, f"{why} {label} read as {lenient[1]}")
        for label, why in ((declared, "the body's"), (header, "the header's"))
        if (lenient := _lenient(body, label))
    ]
    utf8 = replacing(body, "utf-8")
    if utf8[2] <= _allowed(body):  # UTF-8 bytes with a few bad ones, whatever the labels say
        candidates.append((utf8, "body is utf-8"))
    if candidates:
        (text, codec, bad), why = min(candidates, key=lambda candidate: candidate[0][2])
        return _replacing(text, codec, bad, header, notes, why)
    found = _guess_legacy(body)
    if found:
        return _decoded(found, header, notes, f"body decodes as {found[1]}")
    guessed = _guess_chinese(body) or _guess_any(body)
    return _replacing(*guessed, header, notes, f"guessed {guessed[1]}")


def _replacing(
    text: str, codec: str, bad: int, header: str | None, notes: list[str], why: str
) -> Decoded:
    """Build the result of a lenient decoding, its bad bytes in the note."""
    decoded = _decoded((text, codec), header, notes, _replaced(why, bad))
    return Decoded(decoded.text, decoded.charset, decoded.note, bad)


def _replaced(why: str, bad: int) -> str:
    """A note with its bad-byte count ("…, 12 bad bytes replaced")."""
    return f"{why}, {bad} bad byte{'s' if bad != 1 else ''} replaced" if bad else why


def _mess(text: str) -> float:
    """charset-normalizer's mess ratio of a text's start: 0 reads well, high is mojibake."""
    from charset_normalizer.md import mess_ratio

    return float(mess_ratio(text[:MESS_SAMPLE]))


def _plausible(body: bytes, found: tuple[str, str], declared: str) -> Decoded | None:
    """None when a declared charset's text is plausible; else detection's clearly better
    reading, with the override in its note (None too when detection reads no better)."""
    mess = _mess(found[0])
    if mess <= IMPLAUSIBLE_MESS:
        return None
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    guessed = _strict(body, best.encoding) if best is not None else None
    if guessed is None or guessed[1] == found[1] or _mess(guessed[0]) > min(IMPLAUSIBLE_MESS,
                                                                             mess / 2):
        return None
    return Decoded(guessed[0], guessed[1], f"override: {declared} gave implausible text (mess "
                                           f"{mess:.2f}); detected {guessed[1]}")


def _decoded(found: tuple[str, str], header: str | None, notes: list[str], why: str) -> Decoded:
    """Build the result, noting when the header charset was not the one used."""
    text, codec = found
    if header and codecs_for(header)[:1] != (codec,):
        why = f"header said {header}; {why}"
    return Decoded(text, codec, "; ".join(n for n in [*notes, why] if n))
