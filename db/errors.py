"""Errors the storage layer reports to the user as one line."""


class StorageError(RuntimeError):
    """A database or raw-store problem the user can fix (bad path, unreadable file ...)."""


class ReadOnlyDatabase(StorageError):
    """A write to a database this process may only read (file or directory not writable)."""
