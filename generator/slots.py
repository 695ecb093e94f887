"""Record classes for the command line's hot path: equality and repr from ``__slots__``.

A record's value is its public slots; a slot whose name starts with ``_`` is a cache of it.

`dataclasses` makes each class's methods with `exec` when the module is imported: about a
millisecond a class, plus its own import, which a short command such as ``avenant diff`` pays
at every start. The records on that path derive from `Slotted` and write their ``__init__``.

>>> class Point(Slotted):
...     __slots__ = ("x", "y", "_cache")
...     def __init__(self, x: int, y: int) -> None:
...         self.x, self.y, self._cache = x, y, {}
>>> Point(1, 2), Point(1, 2) == Point(1, 2), Point(1, 2) == Point(2, 1)
(Point(x=1, y=2), True, False)
"""

from __future__ import annotations

from typing import Any


class Slotted:
    """Equality (same class, same public slot values) and a repr of the public slots."""

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__ if not name.startswith("_"))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable: a record that is hashed says so

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__
                          if not name.startswith("_"))
        return f"{type(self).__name__}({shown})"


class Frozen(Slotted):
    """A `Slotted` record that is never changed once made, so it can be hashed."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]  # Slotted is unhashable
        return hash(self._values())
