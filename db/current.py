"""What is current, as SQL: a version's newest detection, a hit's latest review."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from db.models import Hit, Redetection, Review, Version


def _latest_redetection(column: Any) -> Any:
    """The newest re-detection's ``column`` for the version in the enclosing query."""
    redo = aliased(Redetection)
    return (select(getattr(redo, column.key)).where(redo.version_id == Version.id)
            .order_by(redo.id.desc()).limit(1).scalar_subquery())


def current_lexicon() -> Any:
    """The lexicon version of a version's current hits (newest reprocessing, else the crawl)."""
    return func.coalesce(_latest_redetection(Redetection.lexicon_version), Version.lexicon_version)


def current_extraction() -> Any:
    """The extraction holding a version's current text and hits (NULL: the version's own)."""
    return _latest_redetection(Redetection.extraction_id)


def current_extractor_version() -> Any:
    """The EXTRACTOR_VERSION that produced (or last confirmed) a version's current text."""
    return func.coalesce(_latest_redetection(Redetection.extractor_version),
                         Version.extractor_version)


def is_current_hit() -> Any:
    """A hit of its version's newest detection: that lexicon, found in that text."""
    return and_(Hit.lexicon_version == current_lexicon(),
                Hit.extraction_id.is_not_distinct_from(current_extraction()))


def current_flagged() -> Any:
    """Whether a version is flagged by its newest detection."""
    return func.coalesce(_latest_redetection(Redetection.flagged), Version.flagged)


def current_score() -> Any:
    """A version's score by its newest detection."""
    return func.coalesce(_latest_redetection(Redetection.score), Version.score)


def latest_review_id() -> Any:
    """The id of the newest review of the hit in the enclosing query (NULL: none)."""
    newer = aliased(Review)
    return select(func.max(newer.id)).where(newer.hit_id == Hit.id).scalar_subquery()


def latest_review_join() -> Any:
    """Join condition of ``Review`` to the latest review of ``Hit``."""
    return and_(Review.hit_id == Hit.id, Review.id == latest_review_id())


def latest_review_status() -> Any:
    """The status of the latest review of the hit in the enclosing query (NULL: none)."""
    return select(Review.status).where(Review.id == latest_review_id()).scalar_subquery()
