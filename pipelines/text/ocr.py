"""Read the text of page images with Tesseract (Debian's tesseract-ocr, chi_sim and chi_tra).

Government notices are often scanned: a PDF page holding a picture and no text layer. Such a
page is rendered by PDFium (pipelines/text/pdfocr.py) and handed here as a greyscale PGM image;
the ``tesseract`` binary reads it in a subprocess with both Chinese models, Simplified first
(``chi_sim+chi_tra``: Tesseract picks the better model line by line, so a Simplified page can come
out with a line in Traditional characters — matching folds both, the quote shows what OCR read).
No Python wrapper: the command line is small, and a subprocess keeps a hung or crashed
Tesseract from taking the crawl with it (a timeout ends it). One thread per Tesseract
(``OMP_THREAD_LIMIT=1``): the crawl and the writer already share two cores.

Tesseract prints one line per printed line and a blank line between paragraphs, with spaces
between Han characters; ``tidy`` joins each paragraph's lines into one line (no space between Han
characters, one elsewhere), as the PDF text layer's paragraphs are.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

LANGUAGES = ("chi_sim", "chi_tra")  # in this order: Simplified is the common case
_VERSION = re.compile(r"tesseract v?(\d+(?:\.\d+)*)", re.I)
_HAN = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_HAN_GAP = re.compile(rf"(?<=[{_HAN}]) +(?=[{_HAN}])")
_HAN_PAIR = re.compile(rf"[{_HAN}]{{2}}")
_CONTINUING = tuple("，、。；：！？）》」』】,.;:!?)")  # a paragraph cannot start with these


class OcrError(RuntimeError):
    """Tesseract failed on one image."""


class OcrTimeout(OcrError):
    """Tesseract ran out of time on one image."""


@dataclass(frozen=True)
class Tesseract:
    """An installed tesseract binary, its version and the Chinese models it has."""

    program: str
    version: str  # "5.3.0"
    languages: str  # "chi_sim+chi_tra"

    @property
    def engine(self) -> str:
        """The engine as recorded on OCR text: "tesseract 5.3.0 chi_sim+chi_tra"."""
        return f"tesseract {self.version} {self.languages}"


@lru_cache(maxsize=1)
def find_tesseract() -> Tesseract | None:
    """Return the installed tesseract with at least one Chinese model, else None."""
    program = shutil.which("tesseract")
    if program is None:
        return None
    try:
        version = _run([program, "--version"], b"", 30).decode("utf-8", "replace")
        listed = _run([program, "--list-langs"], b"", 30).decode("utf-8", "replace").split()
    except OcrError:
        return None
    found = _VERSION.search(version)
    languages = [lang for lang in LANGUAGES if lang in listed]
    if not languages:
        return None
    return Tesseract(program, found.group(1) if found else "unknown", "+".join(languages))


def unavailable_reason() -> str:
    """Why OCR cannot run here (for the record): no binary, or no Chinese model."""
    if shutil.which("tesseract") is None:
        return "OCR unavailable (tesseract is not installed)"
    return "OCR unavailable (tesseract has no chi_sim/chi_tra model)"


def read_image(tesseract: Tesseract, image: bytes, dpi: int, timeout: float) -> str:
    """OCR one image (PGM/PNG bytes) and return its tidied text; raise OcrError."""
    command = [tesseract.program, "stdin", "stdout", "-l", tesseract.languages,
               "--psm", "3", "--dpi", str(dpi)]
    return tidy(_run(command, image, timeout).decode("utf-8", "replace"))


def _run(command: list[str], data: bytes, timeout: float) -> bytes:
    """Run a tesseract command with one OpenMP thread; return stdout or raise OcrError."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=timeout,
                              check=False, env=env)
    except subprocess.TimeoutExpired as exc:
        raise OcrTimeout(f"tesseract gave no text within {timeout:.0f} s") from exc
    except OSError as exc:
        raise OcrError(f"tesseract cannot run: {exc}") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"tesseract failed: {(reason[-1] if reason else 'no message')[:200]}")
    return done.stdout


def tidy(raw: str) -> str:
    """One line per paragraph: join Tesseract's wrapped lines, drop spaces between Han."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", raw.replace("\f", "\n")):
        joined = ""
        for line in (" ".join(line.split()) for line in block.splitlines()):
            if line:
                joined += ("" if not joined or _is_han(joined[-1] + line[0]) else " ") + line
        joined = _HAN_GAP.sub("", joined)
        if paragraphs and joined.startswith(_CONTINUING):  # "，统一输送…" goes on a sentence
            paragraphs[-1] += joined
        elif joined:
            paragraphs.append(joined)
    return "\n".join(paragraphs)


def _is_han(pair: str) -> bool:
    """Tell whether both characters of a pair are Han characters or CJK punctuation."""
    return _HAN_PAIR.fullmatch(pair) is not None


def pgm(width: int, height: int, stride: int, buffer: bytes) -> bytes:
    """Wrap an 8-bit greyscale bitmap (rows ``stride`` bytes apart) as a binary PGM image."""
    if stride != width:
        buffer = b"".join(buffer[row * stride:row * stride + width] for row in range(height))
    return b"P5\n%d %d\n255\n" % (width, height) + buffer
