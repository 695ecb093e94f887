"""The Docxodus engine (python-redlines), optional: ``engine="docxodus"``, and the tests' oracle.

It is a .NET binary started as a process (about 0.8 s a pair); installed with the ``docxodus``
extra of the project (``pip install -e '.[docxodus]'``).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import CompareError, UsageError


def available() -> bool:
    """Whether python-redlines and its Docxodus binary are installed."""
    try:
        from python_redlines import DocxodusEngine
        DocxodusEngine()
    except Exception:  # noqa: BLE001 - any failure means "not usable here"
        return False
    return True


def redline_bytes(old: Path, new: Path, author: str, date: str) -> bytes:
    """The redline Docxodus writes for ``old`` → ``new``, as bytes."""
    try:
        from python_redlines import DocxodusEngine, EngineExecutionError
    except ImportError:
        raise UsageError("moteur docxodus non installé : pip install -e '.[docxodus]'",
                         field="moteur", value="docxodus") from None
    try:
        engine = DocxodusEngine()
    except Exception as exc:  # noqa: BLE001 - EngineNotInstalledError, unsupported platform
        raise UsageError(f"moteur docxodus inutilisable ici ({exc})", field="moteur",
                         value="docxodus") from None
    try:
        data, _, _ = engine.run_redline(author, old, new, date_time=date)
    except EngineExecutionError as exc:
        detail = (exc.stderr or exc.stdout or "").strip().splitlines()
        raise CompareError("le moteur docxodus n’a pas pu comparer ce document"
                           + (f" ({detail[-1]})" if detail else ""), path=str(new)) from None
    return data
