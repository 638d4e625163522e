"""Hostile pages against the real crawler: our own server on 127.0.0.1, real crawls (issue 16)."""
