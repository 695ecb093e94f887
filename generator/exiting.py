"""What a program that ends with `os._exit` need not free.

A comparison of megabytes makes hundreds of thousands of small objects (the atoms of a long
paragraph, the documents' trees); freeing them one by one as each function returns costs a
twentieth of its time, for memory the system takes back at once when the program ends. A
program that ends without Python's teardown (``avenant diff``, see `generator.cli.run`, and
``python -m generator.compare``) calls `keep_until_exit`; from then on `keep` holds what it is
given instead of letting it go. Any other caller (the web page, the tests) is unaffected:
`keep` does nothing, and everything is freed as usual.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

_kept: list[tuple[object, ...]] | None = None


def keep_until_exit() -> None:
    """From now on, `keep` holds its objects until the program ends."""
    global _kept
    if _kept is None:
        _kept = []


def keep(*objects: object) -> None:
    """Hold ``objects`` until the program ends, when `keep_until_exit` was called."""
    if _kept is not None:
        _kept.append(objects)


def exit_at_once(status: int) -> NoReturn:
    """End the program with ``status``: the two output streams flushed, nothing else freed.

    Each file is closed by the command that writes it; Python's own teardown (every module
    emptied, every object freed one by one) is skipped.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone (| head), a closed stream
            stream.flush()
    os._exit(status)
