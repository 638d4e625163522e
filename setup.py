"""Build hooks; all metadata is in pyproject.toml (scrapyd-deploy runs `setup.py bdist_egg`).

The per-source fixtures live in the checkout (tests/fixtures/sources, where contributors add
them); a build copies them into the package as evidence/source_fixtures, so that
`evidence check-source SLUG` replays them from an installed package too.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

FIXTURES = Path(__file__).resolve().parent / "tests" / "fixtures" / "sources"
PACKAGED_FIXTURES = Path("evidence") / "source_fixtures"


class BuildWithFixtures(build_py):
    """build_py that also copies the source fixtures into the built package."""

    def run(self) -> None:
        """Build the packages, then add the fixtures (an editable install reads the checkout)."""
        super().run()
        if FIXTURES.is_dir() and not getattr(self, "editable_mode", False):
            self.copy_tree(str(FIXTURES), str(Path(self.build_lib) / PACKAGED_FIXTURES))


setup(cmdclass={"build_py": BuildWithFixtures})
