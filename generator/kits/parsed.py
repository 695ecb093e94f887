"""YAML files read once per content: what the reader made of a file, kept across processes.

Importing a YAML parser and reading a kit file cost more than the rest of loading a kit. The
reader's result (plain data and the line of each field) is kept in the user's private cache
folder, keyed by the file's SHA-256, its label and the reader's own code: a changed byte, or a
changed reader, means a fresh read. A file that the reader refuses is never kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import Any

from ..variables.nodes import Loc


@functools.cache
def _reader_version() -> bytes:
    """What the reader's result depends on besides the file: its code, and Python's."""
    from .. import __version__

    folder = Path(__file__).resolve().parents[1] / "variables"
    parts = [__version__, sys.version]
    for source in sorted(folder.glob("*.py")):
        info = source.stat()
        parts.append(f"{source.name}:{info.st_mtime_ns}:{info.st_size}")
    return "\n".join(parts).encode("utf-8")


def read_tree_cached(path: Path, label: str) -> tuple[dict[str, Any], dict[Loc, int]]:
    """:func:`generator.variables.reader.read_tree`, served from the cache when it can be."""
    from ..document.cache import used
    from ..document.sandbox import cache_dir
    from ..variables.reader import read_bytes, tree_of

    raw = read_bytes(path, label)
    folder = cache_dir()
    if folder is None:
        return tree_of(raw, label)
    digest = hashlib.sha256(_reader_version() + b"\0" + label.encode("utf-8") + b"\0" + raw)
    kept = folder / f"avenant-yaml-{digest.hexdigest()}.pickle"
    try:
        with kept.open("rb") as handle:
            data, lines = pickle.load(handle)  # our own private folder (Jinja checks its owner)
        used(kept)
        return data, lines
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        pass
    tree = tree_of(raw, label)
    partial = kept.with_name(f"{kept.name}.{os.getpid()}")
    with contextlib.suppress(OSError):
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(tree, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, kept)
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)
    return tree
