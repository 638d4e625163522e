"""The crawler's settings with the test resolver and the injected fault (hostile tests only)."""

from crawler.settings import *  # noqa: F403
from crawler.settings import SPIDER_MIDDLEWARES

TWISTED_DNS_RESOLVER = "tests.hostile.resolver.LocalOnlyResolver"
SPIDER_MIDDLEWARES = {**SPIDER_MIDDLEWARES, "tests.hostile.faults.DieHalfWay": 990}
