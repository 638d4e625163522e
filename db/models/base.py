"""The declarative base of every table, and what a new row's defaults need."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

SCHEMA_VERSION = 1


class Base(DeclarativeBase):
    """Declarative base of every table."""


def running_extractor_version() -> str:
    """The version of the extraction code running now (pipelines.text.extract)."""
    from pipelines.text import extract

    return extract.EXTRACTOR_VERSION
