"""What this installation is: the package version and the versions that shape its evidence."""

from __future__ import annotations

from dataclasses import dataclass

DISTRIBUTION = "evidence-pipeline"


@dataclass(frozen=True)
class Versions:
    """The package, lexicon, extractor and detector versions (stored hits carry the last three)."""

    package: str
    lexicon: str
    extractor: str
    detector: str

    def line(self) -> str:
        """The versions as the one line `evidence --version` prints."""
        return (f"evidence {self.package} (lexicon {self.lexicon}, extractor {self.extractor}, "
                f"detector {self.detector})")


def package_version() -> str:
    """The installed distribution's version, or 'unknown' when run from an uninstalled tree."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown (not installed)"


def versions() -> Versions:
    """Collect the versions from the package metadata, the bundled lexicon and the pipeline."""
    from pipelines.text.detect import DETECTOR_VERSION
    from pipelines.text.extract import EXTRACTOR_VERSION
    from pipelines.text.lexicon import load_lexicon

    return Versions(package_version(), load_lexicon().version, EXTRACTOR_VERSION,
                    DETECTOR_VERSION)
