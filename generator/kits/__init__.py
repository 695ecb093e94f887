"""Kits: a kind of avenant described by a Word template and a kit file, with no Python.

A kit is a folder ``templates/<kit>/``: ``kit.yaml`` (fields, calculs, controles), the Word
template it names, and ``schema.json`` (generated). The API:

- :func:`load_kit` (parsed once per process), :func:`list_kits`, :class:`Kit`, :class:`Field`;
- :func:`load` a variable set (kernel + kit, every problem placed at file:line: field) →
  :class:`VariableSet`, whose ``context()`` is what the template sees.
"""

from __future__ import annotations

from .kit import Calcul, Check, Field, Kit, KitError, list_kits, load_kit
from .sets import VariableSet, load

__all__ = ["Calcul", "Check", "Field", "Kit", "KitError", "VariableSet", "list_kits", "load",
           "load_kit"]
