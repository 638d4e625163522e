"""``python -m demo.build_site``: rebuild demo/site, its header table and demo/manifest.json."""

from demo.build_site import build

build()
