"""Scrapy settings of the evidence crawler. Environment variables override the defaults."""

import os

from crawler.config_file import ConfigError, apply_config_file, env_proxies_allowed
from crawler.distributed.config import (
    DEFAULT_HEARTBEAT,
    DEFAULT_LEASE_TIMEOUT,
    QueueConfigError,
    queue_settings,
)

try:
    apply_config_file()  # evidence.toml / $EVIDENCE_CONFIG, under the environment variables
except ConfigError as exc:
    raise SystemExit(f"evidence: error: {exc}") from None

BOT_NAME = "evidence"
SPIDER_LOADER_CLASS = "crawler.spider_loader.SourceSpiderLoader"
EVIDENCE_SOURCES_DIR = os.environ.get("EVIDENCE_SOURCES_DIR")  # default: bundled sources
EVIDENCE_DB = os.environ.get("EVIDENCE_DB")  # default: ./evidence.db
# re-check stored pages with hits after this many days (-1: each source's recheck_days)
EVIDENCE_RECHECK_DAYS = float(os.environ.get("EVIDENCE_RECHECK_DAYS", "-1"))
EVIDENCE_STORE_BATCH = int(os.environ.get("EVIDENCE_STORE_BATCH", "50"))
# store in a writer process of its own (a second core): auto (when there is one), 1 or 0
EVIDENCE_STORE_PROCESS = os.environ.get("EVIDENCE_STORE_PROCESS", "auto")
# fetch only article URLs not yet stored (`evidence crawl --full` turns it off)
EVIDENCE_INCREMENTAL = os.environ.get("EVIDENCE_INCREMENTAL", "1") not in ("0", "false", "no")

# Identify ourselves and behave: robots.txt, AutoThrottle, per-source delay (source files).
USER_AGENT = os.environ.get(
    "EVIDENCE_USER_AGENT",
    "evidence-pipeline/0.1 (human-rights research crawler; +https://example.org/evidence-pipeline)",
)
# proxies from $http_proxy/$https_proxy/$no_proxy: off unless opted in (README: Security)
EVIDENCE_USE_ENV_PROXY = env_proxies_allowed()
ROBOTSTXT_OBEY = os.environ.get("EVIDENCE_ROBOTSTXT_OBEY", "1") not in ("0", "false", "no")
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_MAX_DELAY = 30
CONCURRENT_REQUESTS = 16
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 2
COOKIES_ENABLED = False

# Only what we use: no telnet console, no remote-control server (on by default in 2.19).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # below HttpCompressionMiddleware (590): sees the decompressed body
    "crawler.middlewares.BodyCharsetMiddleware": 580,
    # before the proxy middleware (750), which applies meta["proxy"]
    "crawler.middlewares.SourceProxyMiddleware": 740,
    # Scrapy's, without $http_proxy/$https_proxy unless EVIDENCE_USE_ENV_PROXY: a proxied
    # request's name is resolved by the proxy, out of the address guard's sight
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
    "crawler.middlewares.SourceOnlyProxyMiddleware": 750,
    # before RobotsTxtMiddleware (100): a stored page costs no request at all
    "crawler.middlewares.SkipStoredMiddleware": 50,
    # hostile pages (crawler/guards.py): after the proxy is set, nearest the network, so a
    # request to a non-public address is refused before it is sent and such an answer before
    # anything reads it
    "crawler.guards.AddressGuardMiddleware": 760,
    # Scrapy's own, with a redirect loop and a compression bomb recorded instead of dropped
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.guards.GuardedRedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.guards.BoundedDecompressionMiddleware": 590,
}
# A meta refresh keeps its page and is followed by the spider within the source's sites only
# (crawler.guards.RefreshMiddleware); Scrapy's replaced the page by wherever it led.
METAREFRESH_ENABLED = False

# The data flow, in order.
ITEM_PIPELINES = {
    "pipelines.stages.ProcessStage": 100,
    "pipelines.stages.StoreStage": 600,
}

# Several workers sharing one crawl through Redis (docs/team.md); off unless a queue is set.
SPIDER_MIDDLEWARES = {
    "crawler.distributed.middleware.LeaseMiddleware": 950,
    # nearer the spider than the lease, so what a refresh leads to belongs to the page's lease
    "crawler.guards.RefreshMiddleware": 960,
    # the stored pages due for a re-check, after the spider's start requests, as its own
    "crawler.recheck.RecheckMiddleware": 970,
}
EVIDENCE_QUEUE_HEARTBEAT = float(os.environ.get("EVIDENCE_QUEUE_HEARTBEAT", DEFAULT_HEARTBEAT))
EVIDENCE_QUEUE_LEASE_TIMEOUT = float(os.environ.get("EVIDENCE_QUEUE_LEASE_TIMEOUT",
                                                    DEFAULT_LEASE_TIMEOUT))
if os.environ.get("EVIDENCE_QUEUE_URL"):
    try:
        globals().update(queue_settings(os.environ["EVIDENCE_QUEUE_URL"],
                                        os.environ.get("EVIDENCE_CRAWL_ID")))
    except QueueConfigError as exc:
        raise SystemExit(f"evidence: error: {exc}") from None

LOG_LEVEL = os.environ.get("EVIDENCE_LOG_LEVEL", "INFO")
FEED_EXPORT_ENCODING = "utf-8"
