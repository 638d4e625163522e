"""Bundled lexicon data (YAML): term families, places and companies; see README.md."""
