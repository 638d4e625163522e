"""Full-text search over jieba-segmented, normalised text (SQLite FTS5 or a PostgreSQL tsvector).

``tokens``: what is stored and asked for; ``index``: keeping the index in step (importing
this package registers the flush listener that indexes new versions); ``query``: matching,
ranking and paging; ``facets``: candidates and facet counts; ``highlight``: marked passages;
``results``: what a search returns. Dialect differences live in ``db.backend``.
"""

from db.backend.sqlite import TABLE
from db.search.facets import FACETS
from db.search.highlight import highlight, highlight_words, passage, term_needles
from db.search.index import (
    ensure_table,
    has_index,
    index_versions,
    sync_index,
    tokenize,
    write_index,
)
from db.search.query import match_expression, pg_tsquery, search
from db.search.results import MAX_MATCHES, PAGE_SIZE, SORTS, SearchPage, SearchResult
from db.search.tokens import index_tokens, query_tokens

__all__ = [
    "FACETS", "MAX_MATCHES", "PAGE_SIZE", "SORTS", "TABLE", "SearchPage", "SearchResult",
    "ensure_table", "has_index", "highlight", "highlight_words", "index_tokens",
    "index_versions", "match_expression", "passage", "pg_tsquery", "query_tokens", "search",
    "sync_index", "term_needles", "tokenize", "write_index",
]
