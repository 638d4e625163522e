"""Typed SQLAlchemy 2 models: sources, runs, documents, captures, versions, hits.

A *document* is one canonical URL. A *capture* is one fetch of a URL (also failed ones).
A *version* is one distinct content (SHA-256 of the raw bytes) of a document; hits belong
to the version they were found in, so nothing stored is ever rewritten when a page changes.
A capture also points to its WARC record (db/warc.py) and says how it was fetched; a document's
status changes (live, removed) are appended to *document_status_events*; *fingerprint_bands*
index versions' near-duplicate fingerprints (repost clusters, db/clusters.py). A version's text is
never rewritten: when a newer extractor reads its raw bytes differently, reprocessing appends an
*extractions* row (db/reprocess.py) and the hits found in it point to that row. Analysts'
decisions are appended to *reviews* (on hits) and *document_reviews* (missed evidence: documents
the detector did not flag). Every row a citation relies on is chained into *hash_log*
(db/ledger.py), so that a later edit or deletion shows. Each run's files are listed in a
*run manifest* with the RFC 3161 timestamp of its digest (db/manifests.py).
"""

from db.models.base import SCHEMA_VERSION, Base, running_extractor_version
from db.models.changes import FingerprintBand, StatusEvent
from db.models.crawl import Capture, CrawlRun, Document, Hit, Source, Version
from db.models.decisions import DocumentReview, Extraction, Redetection, ReprocessRun, Review
from db.models.records import LogEntry, RunManifest, Screenshot

__all__ = [
    "SCHEMA_VERSION", "Base", "Capture", "CrawlRun", "Document", "DocumentReview", "Extraction",
    "FingerprintBand", "Hit", "LogEntry", "Redetection", "ReprocessRun", "Review", "RunManifest",
    "Screenshot", "Source", "StatusEvent", "Version", "running_extractor_version",
]
