"""Render the invented demo site, its header table and the manifest (dev-only; commit the output).

    python -m demo.build_site   # writes demo/site/**, demo/site/_headers.json, demo/manifest.json
    python -m demo.build_pdfs   # writes the two PDF reports (needs reportlab)

The texts are data (``demo/content/*.yaml``, read by ``demo.content``), the page shapes Jinja2
templates (``demo/templates``); ``pages`` renders them, ``xinwen``, ``gov`` and ``company``
write each site with its manifest entries (``manifest``, expected hits counted by ``hits``),
``site.build`` all of it. This needs ``jinja2``, ``pyyaml``, ``opencc`` (for the two
Traditional-script articles) and ``python-docx`` (the Word attachment, written with fixed
properties and zip dates, so byte for byte the same each time); the runtime server reads the
written files only. ``site/_later/`` holds the pages as they are a day later (one article
revised, one deleted and dropped from its listing): ``demo.server`` serves them in its "later"
state, which ``evidence demo`` switches to for its second crawl (``_headers.json``: "later").
"""

from demo.build_site.site import build

__all__ = ["build"]
