"""The kernel every avenant shares, whatever its kit: typed in Python.

The avenant itself (rank, year, period, place and date of signing, projet or final), the
convention and the earlier avenants as signed (cited verbatim), the visas, the signataires and
the parties. Kits add their own fields beside it; they never redefine it.
"""

from __future__ import annotations

from .model import KERNEL_KEYS, Kernel

__all__ = ["KERNEL_KEYS", "Kernel"]
