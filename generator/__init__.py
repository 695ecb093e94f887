"""avenant: French administrative avenants as ready-to-sign Word files, and their redlines.

The public surface: :func:`build`, :func:`build_all`, :func:`check`, :func:`new`,
:func:`compare`, :func:`diff`, and the error types. Attributes are imported on first use, so
that the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "build": "generator.commands.build",
    "build_all": "generator.commands.batch",
    "check": "generator.commands.check",
    "new": "generator.commands.new",
    "compare": "generator.compare",
    "diff": "generator.commands.diff",
    "AvenantError": "generator.errors",
    "VariablesError": "generator.errors",
    "InvalidVariables": "generator.errors",
    "TemplateError": "generator.errors",
    "CompareError": "generator.errors",
    "OutputError": "generator.errors",
    "UsageError": "generator.errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'generator' has no attribute {name!r}")
