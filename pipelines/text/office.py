"""Extract text from Word attachments: .docx (python-docx), .doc and WPS files (antiword).

Government portals attach notices, quota tables and registration forms as Word files. A .docx
is a zip of XML and is read with python-docx, paragraphs and tables in document order. A .doc
(Word 97-2003) is an OLE2 compound file; Kingsoft WPS saves its .wps files in the same Word 97
binary format, so both go to Debian's ``antiword``: it follows the piece table (text saved out
of order, "fast saves") and writes UTF-16 Chinese text as UTF-8. Debian's ``catdoc`` was tried
and rejected: it reads only the first text run and silently lost the table of a test document.
olefile (pure Python) opens the compound file first, so encrypted documents, WPS's own older
format and Word 6/95 files with GB/Big5 text (which antiword would decode as Western text) get
a clear error instead of garbled text.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from pipelines.text.metadata import find_metadata
from pipelines.text.types import Extracted, ExtractionError

ANTIWORD_TIMEOUT = 30.0  # seconds; a .doc that takes longer is recorded as an error
MAX_TITLE_CHARS = 200
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # OLE2 compound file (.doc, .wps; also .xls, encrypted .docx)
_ZIP_MAGIC = b"PK\x03\x04"
_WORD_STREAM = "WordDocument".encode("utf-16-le")  # directory entry name of a .doc's text
_DOC_TYPES = {
    "application/msword", "application/vnd.ms-word", "application/vnd.ms-works",
    "application/kswps", "application/wps-office.doc", "application/wps-office.wps",
}  # fmt: skip
_DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_WORD_EXTS = {".doc", ".docx", ".dot", ".wps"}
_WORD97_NFIB = 0xC1  # FIB version of Word 97 and later; lower is Word 6/95
_CJK_LIDS = {0x0404, 0x0804, 0x0C04, 0x1004, 0x1404}  # zh-TW, zh-CN, zh-HK, zh-SG, zh-MO
_FIB_ENCRYPTED = 0x0100
_HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# "Microsoft Word - 附件1.docx", "untitled", "Document1", "附件2.doc"
_MEANINGLESS_TITLE = re.compile(
    r"(?i)^(?:microsoft \w+ - .*|untitled|anonymous|document\d*|文档\d*|\S+\.(?:docx?|wps))$"
)


def is_word_document(body: bytes, content_type: str | None, url: str) -> bool:
    """Tell whether a body is a Word document (.docx zip, or .doc/.wps compound file)."""
    mime = (content_type or "").split(";")[0].strip().lower()
    ext = PurePosixPath(urlsplit(url).path).suffix.lower()
    if body.startswith(_ZIP_MAGIC):
        return b"word/document.xml" in body
    if body.startswith(_OLE_MAGIC):
        return mime in _DOC_TYPES or mime == _DOCX_TYPE or ext in _WORD_EXTS or (
            _WORD_STREAM in body
        )
    return False


def extract_office(body: bytes) -> Extracted:
    """Extract text, title and labelled metadata from a Word document; raise ExtractionError."""
    if body.startswith(_ZIP_MAGIC):
        text, title, extractor = _read_docx(body)
    elif body.startswith(_OLE_MAGIC):
        text, title, extractor = _read_doc(body), None, antiword_version()
    else:
        raise ExtractionError("not a Word document (neither a .docx zip nor a .doc file)")
    text = clean_lines(text)
    if not text:
        raise ExtractionError("Word document has no text (only images or empty?)")
    meta = find_metadata(text)
    return Extracted(
        text=text, title=_meaningful(title) or text.split("\n", 1)[0][:MAX_TITLE_CHARS],
        published_at=meta.published_at, origin=meta.origin, editor=meta.editor,
        author=meta.author, doc_number=meta.doc_number, extractor=extractor,
    )


def clean_lines(text: str) -> str:
    """Collapse whitespace inside lines, drop blank lines, turn antiword tables into rows.

    antiword draws a table row as ``|cell |cell |`` and wraps a long cell onto following
    ``|     |rest |`` lines (first cell empty): those are glued back into their row.
    """
    out: list[str] = []
    above: list[str] | None = None  # the cells of the table row just written
    for raw in text.splitlines():
        cells = _table_cells(raw.strip())
        if cells and above and not cells[0] and len(cells) == len(above):
            above = [_glue(a, b) for a, b in zip(above, cells, strict=True)]
            out[-1] = " ".join(cell for cell in above if cell)
            continue
        line = " ".join(cell for cell in cells if cell) if cells else " ".join(raw.split())
        above = cells if line else None
        if line:
            out.append(line)
    return "\n".join(out)


def _table_cells(line: str) -> list[str] | None:
    """Return the cells of an antiword table line ``|a |b |``, or None for other lines."""
    if len(line) < 2 or not (line.startswith("|") and line.endswith("|")):
        return None
    return [" ".join(cell.split()) for cell in line[1:-1].split("|")]


def _glue(head: str, tail: str) -> str:
    """Join a wrapped cell: no space between Han characters, one space elsewhere."""
    if not head or not tail:
        return head or tail
    return head + ("" if _HAN.match(head[-1]) and _HAN.match(tail[0]) else " ") + tail


def _meaningful(title: str | None) -> str | None:
    """Return a document property title unless it is empty or a placeholder."""
    if not title or _MEANINGLESS_TITLE.match(title.strip()):
        return None
    return " ".join(title.split())[:MAX_TITLE_CHARS]


def _read_docx(body: bytes) -> tuple[str, str | None, str]:
    """Return the text (paragraphs and table rows in order), title and extractor of a .docx."""
    import docx

    try:
        document = docx.Document(io.BytesIO(body))
        lines = [_block_text(block) for block in document.iter_inner_content()]
        title = document.core_properties.title
    except Exception as exc:  # python-docx, zipfile and lxml each raise their own on damage
        raise ExtractionError(f"broken .docx: {type(exc).__name__}: {exc}"[:300]) from exc
    return "\n".join(lines), title, f"docx:python-docx-{_version('python-docx')}"


def _block_text(block: Any) -> str:
    """Return a paragraph's text, or a table's rows one per line (merged cells once)."""
    from docx.table import Table

    if not isinstance(block, Table):
        return str(block.text)
    rows = []
    for row in block.rows:
        cells: list[Any] = []
        for cell in row.cells:  # a merged cell is repeated for every grid column it spans
            if not cells or cell._tc is not cells[-1]._tc:
                cells.append(cell)
        rows.append(" ".join(cell.text.replace("\n", " ") for cell in cells))
    return "\n".join(rows)


def _read_doc(body: bytes) -> str:
    """Check a .doc/.wps compound file with olefile, then return antiword's text of it."""
    nfib, flags, lid = _fib(body)
    if flags & _FIB_ENCRYPTED:
        raise ExtractionError("encrypted Word document: a password is required")
    if nfib < _WORD97_NFIB and lid in _CJK_LIDS:
        raise ExtractionError(
            f"Word 6/95 document (nFib {nfib}) in Chinese: its GB/Big5 text is not supported"
        )
    return _antiword(body)


def _fib(body: bytes) -> tuple[int, int, int]:
    """Return nFib, the flag word and the language id of a .doc's File Information Block."""
    streams, head = _compound_file(body)
    if "EncryptedPackage" in streams:  # an encrypted .docx is a compound file too
        raise ExtractionError("encrypted Word document: a password is required")
    if "WordDocument" not in streams:
        raise ExtractionError(
            "not a Word 97-2003 document (no WordDocument stream: WPS's own older format?)"
        )
    if len(head) < 12 or head[:2] not in (b"\xec\xa5", b"\xdc\xa5"):
        raise ExtractionError("broken Word document: no Word file header")
    return (int.from_bytes(head[2:4], "little"), int.from_bytes(head[10:12], "little"),
            int.from_bytes(head[6:8], "little"))


def _compound_file(body: bytes) -> tuple[set[str], bytes]:
    """Return the top-level stream names of an OLE2 file and the first bytes of WordDocument."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(body)) as ole:
            streams = {path[0] for path in ole.listdir(streams=True, storages=False)}
            head = ole.openstream("WordDocument").read(12) if "WordDocument" in streams else b""
    except Exception as exc:  # olefile raises OSError, ValueError, IndexError on damaged files
        raise ExtractionError(f"broken Word document: damaged OLE2 file ({exc})"[:300]) from exc
    return streams, head


def _antiword(body: bytes) -> str:
    """Run antiword on the bytes (UTF-8 out, one paragraph a line) under a timeout."""
    program = shutil.which("antiword")
    if program is None:
        raise ExtractionError("antiword is not installed: cannot read .doc/.wps files")
    handle, path = tempfile.mkstemp(suffix=".doc", prefix="evidence-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(body)
        done = subprocess.run(
            [program, "-m", "UTF-8.txt", "-w", "0", path],
            capture_output=True, timeout=ANTIWORD_TIMEOUT, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ExtractionError(f"antiword gave no text within {ANTIWORD_TIMEOUT:g} s") from exc
    finally:
        os.unlink(path)
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").replace(path, "file").strip()
        raise ExtractionError(f"antiword cannot read the document: {reason[:200] or 'failed'}")
    return done.stdout.decode("utf-8", "replace")


@lru_cache(maxsize=1)
def antiword_version() -> str:
    """Return the extractor name of antiword, with the Debian package version when known."""
    return f"doc:antiword-{_debian_version('antiword') or 'unknown'}"


def _debian_version(package: str) -> str | None:
    """Return an installed Debian package's upstream version (``dpkg`` status), or None."""
    try:
        status = Path("/var/lib/dpkg/status").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = re.search(rf"^Package: {re.escape(package)}\n(?:[^\n]+\n)*?Version: (?:\d+:)?"
                      r"([^\s-]+)", status, re.M)
    return found.group(1) if found else None


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"
