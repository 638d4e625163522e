"""Shim for scrapyd-deploy (it runs `setup.py bdist_egg`); all metadata is in pyproject.toml."""

from setuptools import setup

setup()
