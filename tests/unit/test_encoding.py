"""decode_body: override > BOM > body declaration > header > UTF-8 > GB18030/Big5 > guess."""

import codecs
import random
from pathlib import Path

import pytest

from pipelines.text.encoding import body_declared_charset, charset_from_content_type, decode_body

FIXTURES = Path(__file__).parents[1] / "fixtures" / "text"
NOTICE = "沙泉县人力资源和社会保障局关于做好农村富余劳动力转移就业工作的通知"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text/html; charset=UTF-8", "utf-8"),
        ('text/html;charset="GBK"', "gbk"),
        ("text/html; Charset = 'gb2312' ; foo=bar", "gb2312"),
        ("text/html", None),
        ("", None),
        (None, None),
    ],
)
def test_charset_from_content_type(value: str | None, expected: str | None) -> None:
    assert charset_from_content_type(value) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'<html><head><meta charset="GBK"></head>', "gbk"),
        (b"<meta charset=big5>", "big5"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />',
            "gb2312",
        ),
        (b'<?xml version="1.0" encoding="GB18030"?><rss/>', "gb18030"),
        (b'<meta name="keywords" content="x"><title>t</title>', None),
        (b" " * 5000 + b"<meta charset=gbk>", None),  # only the first 4 KB are scanned
    ],
)
def test_body_declared_charset(body: bytes, expected: str | None) -> None:
    assert body_declared_charset(body) == expected


def test_gbk_page_labelled_utf8_in_header_follows_its_meta() -> None:
    decoded = decode_body((FIXTURES / "gov_notice_gbk.html").read_bytes(), "utf-8")
    assert decoded.charset == "gb18030"
    assert decoded.note == "header said utf-8; body declares gbk"
    assert "沙人社发〔2023〕12号" in decoded.text


def test_gbk_page_without_meta_mislabelled_utf8() -> None:
    decoded = decode_body((FIXTURES / "mislabelled_utf8_no_meta.html").read_bytes(), "utf-8")
    assert decoded.charset == "gb18030"
    assert decoded.note == "header said utf-8; body decodes as gb18030"
    assert "沙泉县召开劳务输出工作推进会" in decoded.text


def test_big5_page_uses_hkscs_superset() -> None:
    decoded = decode_body((FIXTURES / "big5_page.html").read_bytes())
    assert decoded.charset == "big5hkscs"
    assert decoded.note == "body declares big5"
    assert "沙泉縣推動職業技能培訓" in decoded.text


def test_unlabelled_big5_is_not_read_as_gb18030() -> None:
    body = "沙泉縣人力資源和社會保障局關於做好富餘勞動力轉移就業工作的通知。".encode("big5")
    assert decode_body(body).charset == "big5hkscs"


def test_gb2312_label_decodes_gbk_only_characters() -> None:
    body = b"<meta charset=gb2312>" + "朱镕基".encode("gbk")  # 镕 is in GBK, not GB2312
    decoded = decode_body(body)
    assert (decoded.charset, decoded.text[-3:]) == ("gb18030", "朱镕基")


def test_utf8_page_with_stale_gbk_meta_is_utf8() -> None:
    body = ("<meta charset=gbk><p>" + NOTICE + "</p>").encode("utf-8")
    decoded = decode_body(body, "gbk")
    assert decoded.charset == "utf-8"
    assert decoded.text.endswith(NOTICE + "</p>")


def test_header_used_when_body_declares_nothing() -> None:
    decoded = decode_body(NOTICE.encode("gbk"), "gbk")
    assert (decoded.text, decoded.charset, decoded.note) == (NOTICE, "gb18030", "")


def test_override_beats_everything() -> None:
    body = b"<meta charset=utf-8>" + NOTICE.encode("gbk")
    decoded = decode_body(body, "utf-8", override="GBK")
    assert (decoded.charset, decoded.note) == ("gb18030", "override GBK")
    assert decoded.text.endswith(NOTICE)


def test_unknown_override_is_ignored_with_a_note() -> None:
    decoded = decode_body(b"plain", override="no-such-codec")
    assert (decoded.text, decoded.charset) == ("plain", "utf-8")
    assert decoded.note == "unknown override 'no-such-codec' ignored; body decodes as utf-8"


def test_bom_beats_header_and_meta() -> None:
    body = codecs.BOM_UTF8 + "<meta charset=gbk>转移就业".encode()
    decoded = decode_body(body, "gbk")
    assert (decoded.text, decoded.charset) == ("<meta charset=gbk>转移就业", "utf-8")
    assert decoded.note == "header said gbk; byte-order mark"


def test_utf16_bom() -> None:
    assert decode_body(codecs.BOM_UTF16_LE + "转移".encode("utf-16-le")).text == "转移"


def test_plain_utf8_without_any_label() -> None:
    decoded = decode_body(NOTICE.encode())
    assert (decoded.text, decoded.charset, decoded.note) == (
        NOTICE,
        "utf-8",
        "body decodes as utf-8",
    )


EDGE_CASES = [
    b"",
    b"\x00",
    b"\xff",
    b"\xff\xfe",
    b"\xef\xbb",
    b"\x81",
    b"\x80\x80\x80",
    b"<meta charset=utf-16>abc",
    b"<meta charset=nonsense>\xff\xfe\xfd",
    b"<meta charset=>",
    b'<?xml encoding="">',
    b"<meta charset=gbk>\xff\xff\xff",
]


@pytest.mark.parametrize("body", EDGE_CASES)
@pytest.mark.parametrize("header", [None, "utf-8", "gbk", "bogus", "utf-16"])
def test_decode_body_never_raises_on_edge_cases(body: bytes, header: str | None) -> None:
    decoded = decode_body(body, header)
    assert isinstance(decoded.text, str) and decoded.charset


def test_decode_body_never_raises_on_random_bytes() -> None:
    rng = random.Random(20230510)
    for _ in range(200):
        body = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))
        for override in (None, "big5", "x-unknown"):
            assert isinstance(decode_body(body, "utf-8", override).text, str)


def _with_bad_bytes(text: str, codec: str, *after: str) -> bytes:
    """Encode a text, a truncated character (a lead byte alone) after each marker."""
    body = text.encode(codec)
    for marker in after:
        encoded = marker.encode(codec)
        body = body.replace(encoded, encoded + b"\x81 ", 1)
    return body


PAGE = "<html><head><meta charset=gb2312></head><body><p>" + NOTICE * 3 + "</p></body></html>"


def test_a_few_bad_bytes_in_a_declared_gb2312_page_are_replaced_not_the_page() -> None:
    decoded = decode_body(_with_bad_bytes(PAGE, "gbk", "沙泉县", "转移就业"))
    assert (decoded.charset, decoded.replaced) == ("gb18030", 2)
    assert decoded.note == ("body declares gb2312 but does not decode with it; the body's "
                            "gb2312 read as gb18030, 2 bad bytes replaced")
    assert decoded.text.count("\ufffd") == 2
    assert decoded.text.replace("\ufffd ", "") == PAGE  # every other character as it was


def test_bad_bytes_under_a_chinese_header_and_no_declaration() -> None:
    body = _with_bad_bytes(NOTICE * 3, "gbk", "富余")
    decoded = decode_body(body, "gbk")
    assert (decoded.charset, decoded.replaced) == ("gb18030", 1)
    assert decoded.note == "the header's gbk read as gb18030, 1 bad byte replaced"


def test_unlabelled_gbk_with_a_bad_byte_is_not_read_as_another_codec() -> None:
    decoded = decode_body(_with_bad_bytes(NOTICE * 3, "gbk", "富余"))
    assert (decoded.charset, decoded.replaced, decoded.note) == (
        "gb18030", 1, "guessed gb18030, 1 bad byte replaced")
    assert NOTICE in decoded.text


def test_big5_with_a_bad_byte_stays_big5_hkscs() -> None:
    text = "沙泉縣人力資源和社會保障局關於做好富餘勞動力轉移就業工作的通知。" * 3
    body = b"<meta charset=big5>" + _with_bad_bytes(text, "big5", "保障局")
    decoded = decode_body(body)
    assert (decoded.charset, decoded.replaced) == ("big5hkscs", 1)


def test_utf8_with_a_bad_byte_under_a_gbk_label_is_read_as_utf8() -> None:
    body = b"<meta charset=gbk><p>" + _with_bad_bytes(NOTICE * 3, "utf-8", "富余") + b"</p>"
    decoded = decode_body(body)
    assert (decoded.charset, decoded.replaced) == ("utf-8", 1)
    assert NOTICE in decoded.text


def test_many_bad_bytes_mean_the_label_is_wrong() -> None:
    body = b"<meta charset=gbk><p>" + b"\x81 " * 20 + "转移就业".encode("gbk") * 3 + b"</p>"
    assert decode_body(body).note.startswith("body declares gbk but does not decode with it; "
                                             "guessed")


def test_clean_pages_replace_nothing() -> None:
    for body, header in ((PAGE.encode("gbk"), None), (NOTICE.encode(), "utf-8")):
        assert decode_body(body, header).replaced == 0
    override = decode_body(b"<p>\xff</p>", override="utf-8")
    assert (override.replaced, override.note) == (1, "override utf-8, 1 bad byte replaced")
