"""A crawl shared by several worker processes or machines through one Redis server.

scrapy-redis keeps the request queue and the seen-request set in Redis; on top of it each
popped request is *leased*: it stays in an in-flight hash, owned by its worker, until
everything it produced is stored. A worker that dies (its heartbeat key expires) has its
leases put back in the queue by any other worker, so a killed worker loses no request.
"""

TICKET = "evidence_queue_ticket"  # request.meta key: the lease of a request popped from Redis
