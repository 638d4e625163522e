"""The analyst's desk: a small server-rendered web UI over the evidence database."""
