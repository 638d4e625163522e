"""Tell whether a fetch shows that a page is gone: 404/410, a soft-404 page, a redirect home.

A dead page is never evidence that the content was wrong; it is a finding about the page, so
this only *names* the signal and the store records it next to the earlier, kept versions.
"""

from __future__ import annotations

from urllib.parse import urlsplit

GONE_STATUSES = frozenset({404, 410})

# What Chinese CMSs (TRS, Hanweb, DedeCMS …) print on a 200 page when an article was taken down.
SOFT_404_PHRASES = (
    "您访问的页面不存在", "您所访问的页面不存在", "访问的页面不存在", "页面不存在", "页面已删除",
    "该信息已删除", "该信息已被删除", "信息已删除", "该文章已删除", "文章已被删除", "内容已删除",
    "该内容已被删除", "稿件已删除", "页面未找到", "找不到该页面", "您访问的页面已下线",
    "頁面不存在", "您訪問的頁面不存在", "該信息已刪除", "資訊已刪除", "內容已刪除",
    "404 not found", "page not found", "this page has been removed",
)

# A soft-404 is a short page; a long article that merely quotes one of the phrases is not.
SOFT_404_MAX_CHARS = 1500

HOME_PATHS = frozenset({
    "", "/", "/index.html", "/index.htm", "/index.shtml", "/index.php", "/index.jsp",
    "/default.html", "/default.htm", "/default.aspx", "/portal/index.html",
})


def soft_404_phrase(title: str | None, text: str | None) -> str | None:
    """Return the removal phrase of a short "page not found" page, if any."""
    if title:
        lowered = title.lower()
        for phrase in SOFT_404_PHRASES:
            if phrase in lowered:
                return phrase
    body = (text or "").strip()
    if not body or len(body) > SOFT_404_MAX_CHARS:
        return None
    lowered = body.lower()
    return next((phrase for phrase in SOFT_404_PHRASES if phrase in lowered), None)


def is_home_redirect(url: str, final_url: str) -> bool:
    """Return True when ``url`` (not itself a home page) ended on a site's home page."""
    if url == final_url:
        return False
    asked, landed = urlsplit(url), urlsplit(final_url)
    return asked.path.lower() not in HOME_PATHS and landed.path.lower() in HOME_PATHS


def removal_signal(
    status: int | None, url: str, final_url: str, title: str | None, text: str | None
) -> str | None:
    """Return why this fetch says the page is gone (``http_404``, ``soft_404: …``), or None."""
    if status is None:
        return None  # no answer at all (timeout, DNS): not evidence of removal
    if status in GONE_STATUSES:
        return f"http_{status}"
    if is_home_redirect(url, final_url):
        return f"redirect_home: {final_url}"
    if 200 <= status < 300:
        phrase = soft_404_phrase(title, text)
        if phrase:
            return f"soft_404: {phrase}"
    return None
