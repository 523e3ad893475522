"""l2h: a strict, fast static-site generator for living literature reviews."""

__version__ = "0.1.0"
