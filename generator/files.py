"""The one writer to disk: every file the tool writes goes through :func:`write_all`.

The rule, the same for every file (avenant, PDF, redline, HTML report, manifest, variable set):

- content identical to what is there: the file is left untouched;
- a file this tool wrote and nobody touched since (its SHA-256 is the one recorded in the
  folder's ``manifest.json``, itself checked by its own fingerprint): replaced, no backup;
- any other existing file (edited by hand, or unknown to the manifest): refused without
  ``force``; with it, replaced and kept beside as ``NAME.1`` (``NAME.2``… never overwriting an
  older backup);
- only regular files are read or replaced: a link, a device or a pipe is refused.

The files of one call are all written or none is: every one is written to a temporary file
first, then all are renamed into place, and a failure puts the old files back. Check and write
run under an exclusive lock of the folder, so concurrent runs cannot overwrite each other; the
temporary files a killed run left behind are removed by the next one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .errors import OutputError, os_reason
from .slots import Slotted

MANIFEST = "manifest.json"
REFUSED = ("le fichier existe déjà et diffère de ce qui serait écrit ; rien n’a été modifié "
           "(--force le remplace en gardant l’ancien à côté)")
NOT_REGULAR = ("ce n’est pas un fichier ordinaire (lien, périphérique ou tube) : il n’est ni lu "
               "ni remplacé ; rien n’a été modifié")
LOCK_WAIT = 120.0
# Our temporary files: ".NAME." + mkstemp's 8 random characters + ".tmp".
_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_CHUNK = 1 << 20
_MANIFEST_MAX = 1 << 20


class ReadRefused(Exception):
    """A file :func:`read_regular` will not read; ``str()`` says why, in French."""


def read_regular(path: Path, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file of at most ``limit`` bytes, and its status before reading.

    What is not a regular file (a FIFO, a device) is refused before it is opened, and no more
    than ``limit`` bytes are ever read: a huge input costs nothing. Operating-system errors
    (``FileNotFoundError``…) pass through for the caller to say in its own words.
    """
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ReadRefused("ce n’est pas un fichier ordinaire")
    if info.st_size > limit:
        raise ReadRefused(f"fichier trop volumineux ({info.st_size} octets, au plus {limit})")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ReadRefused(f"fichier trop volumineux (plus de {limit} octets)")
    return data, info


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


class Written(Slotted):
    """What :func:`write_all` did: files created or replaced, and backups kept."""

    __slots__ = ("changed", "backups")

    def __init__(self, changed: list[Path] | None = None,
                 backups: list[Path] | None = None) -> None:
        self.changed = changed if changed is not None else []
        self.backups = backups if backups is not None else []


def _fail(exc: OSError, label: str) -> OutputError:
    return OutputError(f"écriture impossible ({os_reason(exc)})", path=label)


def _digest(path: Path, label: str) -> str | None:
    """SHA-256 of a regular file, None when absent; anything else is refused unread."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _fail(exc, label) from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError("un dossier porte déjà ce nom", path=label)
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(NOT_REGULAR, path=label)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise _fail(exc, label) from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since lstat
            raise OutputError(NOT_REGULAR, path=label)
        digest = hashlib.sha256()
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _manifest_text(content: dict[str, Any]) -> bytes:
    return (json.dumps(content, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def manifest_bytes(content: dict[str, Any]) -> bytes:
    """The manifest as written: ``content`` with its own fingerprint (``empreinte``) last."""
    body = {k: v for k, v in content.items() if k != "empreinte"}
    return _manifest_text({**body, "empreinte": sha256(_manifest_text(body))})


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest at ``path`` if this tool wrote it and nobody edited it since, else None."""
    if _digest(path, str(path)) is None or path.stat().st_size > _MANIFEST_MAX:
        return None
    try:
        content = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(content, dict) or not isinstance(content.get("fichiers"), dict):
        return None
    claimed = content.pop("empreinte", None)
    return content if claimed == sha256(_manifest_text(content)) else None


@contextlib.contextmanager
def _locked(folder: Path, label: str) -> Iterator[None]:
    """Hold the folder's exclusive lock (flock on the folder itself: no file is left behind)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise _fail(exc, label) from None
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise OutputError("dossier occupé par une autre écriture d’avenant ; "
                                      "réessayez", path=label) from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # releases the lock


def _clean_stale(folder: Path) -> None:
    """Remove the temporary files of a killed run (we hold the lock: none is in use)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if _TEMP.match(entry.name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _new_temp(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, created here and now (never an existing one).

    As `tempfile.mkstemp` makes it (exclusive creation, owner only, no link followed), with a
    name `_clean_stale` knows; without importing `tempfile` and its random generator, which
    cost a short command a noticeable part of its start.
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | \
        getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "aucun nom de fichier temporaire libre", str(path))


def _temp_for(path: Path) -> str:
    fd, tmp = _new_temp(path)
    os.close(fd)
    return tmp


def _write_temp(path: Path, data: bytes) -> str:
    fd, tmp = _new_temp(path)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV}


def _keep(path: Path, copy: Path) -> None:
    """Make ``copy``, a new name, hold the current file.

    A hard link, or a copy where the file system has none (a USB key, some network shares).
    """
    try:
        os.link(path, copy)
        return
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
    with open(path, "rb") as source, open(copy, "xb") as target:
        try:
            while chunk := source.read(_CHUNK):
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
        except BaseException:
            os.unlink(copy)
            raise


def _link_backup(path: Path) -> Path:
    """Keep the current file as NAME.N, the first free N: an older backup is never hit."""
    index = 1
    while True:
        candidate = path.with_name(f"{path.name}.{index}")
        try:
            _keep(path, candidate)
            return candidate
        except FileExistsError:
            index += 1


def _merged_manifest(content: dict[str, Any], previous: dict[str, Any] | None,
                     files: dict[Path, bytes], folder: Path) -> bytes:
    """The new manifest: ``content``, the files written now, and earlier ones still untouched.

    So a comparison written beside an avenant keeps its entry when the avenant is rebuilt.
    """
    recorded = dict(previous.get("fichiers", {})) if previous else {}
    names = {path.name for path in files}
    kept = {}
    for name, digest in recorded.items():
        if name in names or not isinstance(name, str) or "/" in name or name == MANIFEST:
            continue
        with contextlib.suppress(OutputError):
            if _digest(folder / name, name) == digest:
                kept[name] = digest
    kept.update({path.name: sha256(data) for path, data in files.items()})
    merged = {k: v for k, v in (previous or {}).items() if k != "fichiers"}
    merged["outil"] = {"nom": "avenant", "version": __version__}
    merged.update(content)
    merged["fichiers"] = dict(sorted(kept.items()))
    return manifest_bytes(merged)


_SAME, _CREATE, _OURS, _FOREIGN = "same", "create", "ours", "foreign"


def write_all(files: dict[Path, bytes], *, force: bool = False,
              manifest: dict[str, Any] | None = None,
              label: Callable[[Path], str] = str, keep_old: bool = True) -> Written:
    """Write files of one folder, all or none, by the rule of this module.

    With ``manifest`` (provenance fields, possibly none), the folder's ``manifest.json`` is
    written too: the tool and its version, those fields, and the SHA-256 of every file written
    (it follows the same rule itself). ``keep_old=False`` (with ``force``) is for scratch
    outputs only, never a user's file: what ``force`` replaces is then not kept.
    """
    folders = {path.parent for path in files}
    if len(folders) != 1:
        raise ValueError("write_all writes into one folder")
    (folder,) = folders
    first = label(next(iter(files)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(exc, first) from None
    with _locked(folder, first):
        _clean_stale(folder)
        plan = dict(files)
        recorded: dict[str, str] = {}
        previous = None
        if manifest is not None:
            target = folder / MANIFEST
            previous = read_manifest(target)
            if previous is not None:
                recorded = {k: v for k, v in previous["fichiers"].items() if isinstance(v, str)}
            plan[target] = _merged_manifest(manifest, previous, files, folder)
        kinds = {}
        for path, data in plan.items():
            on_disk = _digest(path, label(path))
            if on_disk is None:
                kinds[path] = _CREATE
            elif on_disk == sha256(data):
                kinds[path] = _SAME
            elif (recorded.get(path.name) == on_disk or (force and not keep_old)
                  or (path.name == MANIFEST and manifest is not None and previous is not None)):
                kinds[path] = _OURS
            else:
                kinds[path] = _FOREIGN
        if not force:
            for path, kind in kinds.items():
                if kind == _FOREIGN:
                    raise OutputError(REFUSED, path=label(path))
        return _commit({p: d for p, d in plan.items() if kinds[p] != _SAME}, kinds, label)


def _commit(plan: dict[Path, bytes], kinds: dict[Path, str],
            label: Callable[[Path], str]) -> Written:
    """Write every temporary file, then rename each into place; undo everything on failure."""
    temps: dict[Path, str] = {}
    done: list[tuple[Path, str | None]] = []  # (path, what holds the old file)
    current = None
    try:
        for path, data in plan.items():
            current = path
            temps[path] = _write_temp(path, data)
        for path, tmp in list(temps.items()):
            current = path
            keep = None
            if kinds[path] == _FOREIGN:
                keep = str(_link_backup(path))
            elif kinds[path] == _OURS:
                keep = _temp_for(path)
                os.unlink(keep)
                _keep(path, Path(keep))
            done.append((path, keep))
            os.replace(tmp, path)
            del temps[path]
        current = None
        if plan:
            _sync_folder(next(iter(plan)).parent)
    except BaseException as exc:
        _undo(done, temps, replaced=lambda p: p not in temps)
        if isinstance(exc, OSError):
            raise _fail(exc, label(current) if current else "") from None
        raise
    written = Written(changed=list(plan))
    for path, keep in done:
        if kinds[path] == _FOREIGN and keep:
            written.backups.append(Path(keep))
        elif keep:
            with contextlib.suppress(OSError):
                os.unlink(keep)
    return written


def _undo(done: list[tuple[Path, str | None]], temps: dict[Path, str],
          replaced: Callable[[Path], bool]) -> None:
    """Put every old file back (best effort: each step is a rename or an unlink)."""
    for path, keep in reversed(done):
        with contextlib.suppress(OSError):
            if not replaced(path):  # the rename into place did not happen
                if keep:
                    os.unlink(keep)
            elif keep:
                os.replace(keep, path)
            else:
                os.unlink(path)
    for tmp in temps.values():
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, *, force: bool = False, label: str | None = None,
                 keep_old: bool = True) -> Path | None:
    """Write one file by the rule of :func:`write_all`; return the backup kept, if any."""
    written = write_all({path: data}, force=force, label=lambda p: label or str(p),
                        keep_old=keep_old)
    return written.backups[0] if written.backups else None
