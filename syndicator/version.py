"""The package version (one place; the build and the User-Agent read it)."""

__version__ = "0.1.0"
