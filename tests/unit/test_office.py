"""Word attachments: .docx via python-docx, .doc/.wps via antiword, clear errors for bad files.

The fixtures are written by tests/fixtures/office/build_office_fixtures.py (invented text).
Broken and encrypted variants are made here from them with olefile, byte for byte.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from pipelines.text.extract import document_kind, extract_document
from pipelines.text.office import clean_lines, extract_office, is_word_document
from pipelines.text.types import ExtractionError

OFFICE = Path(__file__).resolve().parents[1] / "fixtures" / "office"
ROSTER_START = [
    "关于报送南疆富余劳动力转移兵团就业人员花名册的通知",
    "师市人社办〔2023〕9号",
    "各团场、各有关单位：",
]
ROSTER_END = [
    "第八师人力资源和社会保障局",
    "2023年5月10日",
    "序号 姓名 原籍县 接收单位 集中培训时间",
    "1 （示例） 沙泉县 天河纺织有限公司（虚构企业） 2023年4月",
    "2 （示例） 沙泉县 沙泉示例食品有限公司（虚构企业） 2023年4月",
]
needs_antiword = pytest.mark.skipif(shutil.which("antiword") is None,
                                    reason="Debian's antiword is not installed (.ci/run does)")


def fixture(name: str) -> bytes:
    return (OFFICE / name).read_bytes()


def test_docx_paragraphs_then_table_rows() -> None:
    doc = extract_office(fixture("roster.docx"))
    lines = doc.text.split("\n")
    assert lines[:3] == ROSTER_START and lines[-5:] == ROSTER_END
    assert doc.title == ROSTER_START[0]
    assert doc.doc_number == "师市人社办〔2023〕9号"
    assert doc.extractor == "docx:python-docx-1.2.0"


@needs_antiword
def test_doc_gives_the_same_text_as_the_docx() -> None:
    doc = extract_office(fixture("roster.doc"))
    assert doc.text == extract_office(fixture("roster.docx")).text  # wrapped cells glued back
    assert doc.title == ROSTER_START[0] and doc.doc_number == "师市人社办〔2023〕9号"
    assert doc.extractor.startswith("doc:antiword-")


@needs_antiword
def test_wps_served_as_octet_stream_is_read_as_word() -> None:
    url = "http://www.shz.gov.cn/zwgk/tzgg/202306/P020230612124001000001.wps"
    assert document_kind(fixture("trap.wps"), "application/octet-stream", url) == "word"
    doc = extract_document(fixture("trap.wps"), "application/octet-stream", url)
    assert doc.text.startswith("天河铝业电解铝产能转移项目简介\n天河铝业有限公司（虚构企业）")
    assert doc.text.endswith("项目 规模 投资\n电解铝生产线 20万吨/年 12亿元")


@pytest.mark.parametrize(
    ("name", "content_type", "url", "expected"),
    [
        ("roster.doc", "application/msword", "https://x.cn/a.doc", "word"),
        ("roster.doc", None, "https://x.cn/download?id=3", "word"),  # WordDocument stream
        ("roster.docx", "application/octet-stream", "https://x.cn/a", "word"),
        ("sheet.xlsx", None, "https://x.cn/a.xlsx", "unsupported: .xlsx"),
    ],
)
def test_word_documents_are_recognised_by_content(
    name: str, content_type: str | None, url: str, expected: str
) -> None:
    body = _xlsx_like() if name == "sheet.xlsx" else fixture(name)
    assert document_kind(body, content_type, url) == expected
    assert is_word_document(body, content_type, url) == (expected == "word")


def _xlsx_like() -> bytes:
    """A zip that is not a Word file (a spreadsheet's parts)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def test_truncated_docx_is_a_clear_error() -> None:
    body = fixture("roster.docx")
    with pytest.raises(ExtractionError, match=r"^broken \.docx: BadZipFile"):
        extract_office(body[: len(body) // 2] + b"word/document.xml")


def test_docx_without_text() -> None:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with pytest.raises(ExtractionError, match="Word document has no text"):
        extract_office(buffer.getvalue())


@pytest.mark.parametrize("size", [512, 9000])
def test_truncated_doc_is_a_clear_error(size: int) -> None:
    with pytest.raises(ExtractionError, match=r"^broken Word document: damaged OLE2 file"):
        extract_office(fixture("roster.doc")[:size])


def _patched(tmp_path: Path, offset: int, value: bytes, name: str = "WordDocument") -> bytes:
    """Return roster.doc with bytes of one stream overwritten in place (olefile write mode)."""
    import olefile

    path = tmp_path / "patched.doc"
    path.write_bytes(fixture("roster.doc"))
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        data = bytearray(ole.openstream(name).read())
        data[offset : offset + len(value)] = value
        ole.write_stream(name, bytes(data))
    return path.read_bytes()


def test_encrypted_doc_is_a_clear_error(tmp_path: Path) -> None:
    body = fixture("roster.doc")
    flags = int.from_bytes(_stream_head(body)[10:12], "little") | 0x0100  # fEncrypted
    with pytest.raises(ExtractionError, match="^encrypted Word document: a password is required"):
        extract_office(_patched(tmp_path, 10, flags.to_bytes(2, "little")))


def _stream_head(body: bytes) -> bytes:
    import olefile

    with olefile.OleFileIO(io.BytesIO(body)) as ole:
        return bytes(ole.openstream("WordDocument").read(32))


def test_chinese_word95_file_is_refused_not_garbled(tmp_path: Path) -> None:
    # nFib 104 (Word 95) and lid 0x0804 (zh-CN): its text would be GB bytes antiword misreads
    body = _patched(tmp_path, 2, (104).to_bytes(2, "little") + b"\x00\x00\x04\x08")
    with pytest.raises(ExtractionError, match=r"^Word 6/95 document \(nFib 104\) in Chinese"):
        extract_office(body)


def test_compound_file_without_word_stream(tmp_path: Path) -> None:
    # rename the WordDocument directory entry: what WPS's own older format looks like to us
    name = "WordDocument".encode("utf-16-le")
    body = fixture("roster.doc").replace(name, "WordDocumenX".encode("utf-16-le"), 1)
    with pytest.raises(ExtractionError, match=r"^not a Word 97-2003 document \(no WordDocument"):
        extract_office(body)


@needs_antiword
def test_antiword_refusal_is_recorded() -> None:
    with pytest.raises(ExtractionError, match="^antiword cannot read the document: I'm afraid"):
        extract_office(fixture("tiny.doc"))


def test_missing_antiword_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(ExtractionError, match=r"^antiword is not installed"):
        extract_office(fixture("roster.doc"))


def test_clean_lines_glues_wrapped_table_cells() -> None:
    raw = (
        "通知正文\n\n"
        "|序号  |接收单位        |人数 |\n"
        "|1     |天河纺织有限公司|180  |\n"
        "|      |（虚构企业）    |     |\n"
        "|2     |Sample Foods    |120  |\n"
        "|      |Ltd.            |     |\n"
    )
    assert clean_lines(raw) == (
        "通知正文\n序号 接收单位 人数\n1 天河纺织有限公司（虚构企业） 180\n2 Sample Foods Ltd. 120"
    )
