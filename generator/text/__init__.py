"""French text helpers that templates and kits call as Jinja filters (beside generator.french)."""

from __future__ import annotations

from .filters import FILTERS

__all__ = ["FILTERS"]
