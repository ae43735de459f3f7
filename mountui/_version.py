"""The package version: one place, read by the package face, the server and the build (pyproject)."""

__version__ = "0.1.0"
