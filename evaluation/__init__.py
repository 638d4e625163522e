"""The labelled evaluation corpus of the detector and the code that scores the detector on it."""
