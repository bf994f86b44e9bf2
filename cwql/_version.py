"""The package version, in the lowest layer so that every part of cwql can read it."""

__version__ = "0.1.0"
