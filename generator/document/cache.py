"""Our entries in the user's private cache folder, kept bounded.

Builds keep three kinds of files in Jinja's cache folder (private to the user, checked by
Jinja): the compiled code of template parts, the YAML reader's results, and the marks of
templates that passed the zip reader. Each is touched when used. At most once a day (a stamp
file says when), the first process to use the folder removes our entries not used for
:data:`MAX_AGE` seconds and partial writes left by a crash, then the least recently used until
ours take at most :data:`MAX_BYTES`. Only our own regular files are touched, never a link,
a folder or another program's file. A process that loses an entry to a concurrent prune
reads or compiles afresh: every reader treats a missing entry as a miss.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
from pathlib import Path

MAX_AGE = 30 * 24 * 3600  # seconds since last use
MAX_BYTES = 200 * 1024**2  # all our entries together
EVERY = 24 * 3600  # seconds between two prunes
PARTIAL_AGE = 3600  # a partial write this old was left by a process that stopped
STAMP = "avenant-elagage"

JINJA_PATTERN = "avenant-jinja-%s.cache"  # Jinja's name for a compiled part (its key: SHA-1)

_HEX = "[0-9a-f]{64}"
_OURS = re.compile(
    r"avenant-jinja-[0-9a-f]{40}\.cache(?P<jinja_partial>.+\.tmp)?"
    rf"|avenant-yaml-{_HEX}\.pickle(?P<yaml_partial>\.[0-9]+)?"
    rf"|avenant-modele-sain-{_HEX}")


def used(path: Path) -> None:
    """Record that an entry served: pruning goes by the time of last use."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune_daily(folder: Path, now: float | None = None) -> bool:
    """Prune FOLDER unless its stamp says it was done less than a day ago; whether it ran."""
    now = time.time() if now is None else now
    stamp = folder / STAMP
    try:
        info = os.lstat(stamp)
        if stat.S_ISREG(info.st_mode) and abs(now - info.st_mtime) < EVERY:
            return False
    except FileNotFoundError:
        pass
    except OSError:
        return False
    try:  # the stamp first: processes starting meanwhile leave the pruning to this one
        fd = os.open(stamp, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        os.close(fd)
        os.utime(stamp, (now, now))
    except OSError:
        return False
    prune(folder, now)
    return True


def prune(folder: Path, now: float) -> None:
    """Remove our stale entries from FOLDER, then the oldest ones beyond :data:`MAX_BYTES`."""
    kept: list[tuple[float, int, str]] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                found = _OURS.fullmatch(entry.name)
                if found is None:
                    continue
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                    continue
                partial = found.group("jinja_partial") or found.group("yaml_partial")
                age = now - info.st_mtime
                if age > MAX_AGE or (partial and age > PARTIAL_AGE):
                    _remove(folder / entry.name)
                elif not partial:
                    kept.append((info.st_mtime, info.st_size, entry.name))
    except OSError:
        return
    total = sum(size for _, size, _ in kept)
    for _, size, name in sorted(kept):
        if total <= MAX_BYTES:
            break
        _remove(folder / name)
        total -= size


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)  # unlink never follows a link: at worst the link itself goes
