"""Errors every command may raise; the CLI prints them as one line."""


class UserError(Exception):
    """A mistake in how a command was called, or missing data; printed as one line."""
