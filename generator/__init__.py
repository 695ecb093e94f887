"""avenant: French administrative avenants as ready-to-sign Word files, and their redlines."""

__version__ = "0.1.0"
