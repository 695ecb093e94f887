"""Writing files without ever losing one: atomic replacement, and no silent overwrite.

A file is written to a temporary name in the same folder, flushed to disk, then renamed over
the target, so an interrupted write never leaves a truncated file. An existing file that
differs from the new content is replaced only with ``force``, and then kept beside it as
``NAME.1`` (``NAME.2``… if taken).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import OutputError, os_reason


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def _backup_name(path: Path) -> Path:
    index = 1
    while True:
        candidate = path.with_name(f"{path.name}.{index}")
        if not candidate.exists():
            return candidate
        index += 1


def write_atomic(path: Path, data: bytes, *, force: bool = False, label: str | None = None,
                 keep_old: bool = True) -> Path | None:
    """Write ``data`` to ``path`` atomically; return the backup made of an old file, if any.

    Identical content already at ``path`` is left untouched (the build is reproducible).
    """
    label = label or str(path)
    backup = None
    if path.is_dir():
        raise OutputError("un dossier porte déjà ce nom", path=label)
    if path.exists():
        if path.read_bytes() == data:
            return None
        if not force:
            raise OutputError(REFUSED, path=label)
        backup = _backup_name(path) if keep_old else None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"écriture impossible ({os_reason(exc)})", path=label) from None
    linked = False
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if backup is not None:
            os.link(path, backup)
            linked = True
        os.replace(tmp, path)
    except BaseException as exc:
        # The old file is still in place: leave neither the temporary file nor a backup.
        Path(tmp).unlink(missing_ok=True)
        if linked and backup is not None:
            backup.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OutputError(f"écriture impossible ({os_reason(exc)})",
                              path=label) from None
        raise
    return backup


REFUSED = ("le fichier existe déjà et diffère de ce qui serait écrit ; rien n’a été modifié "
           "(--force le remplace en gardant l’ancien à côté)")


def write_all(files: dict[Path, bytes], *, force: bool = False,
              ours: Callable[[Path, bytes], bool] | None = None,
              label: Callable[[Path], str] = str) -> list[Path]:
    """Write several files, all or none: every one is checked before any is written.

    A file that exists and differs is refused without ``force``, unless ``ours(path, data)``
    says the tool itself wrote it (then it is replaced without a backup). Returns the backups
    kept of replaced files.
    """
    def replaceable(path: Path, data: bytes) -> bool:
        return (not path.exists() or path.read_bytes() == data
                or (ours is not None and ours(path, data)))

    if not force:
        for path, data in files.items():
            if not replaceable(path, data):
                raise OutputError(REFUSED, path=label(path))
    backups = []
    for path, data in files.items():
        backup = write_atomic(path, data, force=True, keep_old=not replaceable(path, data),
                              label=label(path))
        if backup is not None:
            backups.append(backup)
    return backups
