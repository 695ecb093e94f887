"""LibreOffice as the reference client of the tests: Accept All and Reject All on a redline.

Run as ``python tests/libreoffice.py REDLINE.docx OUTDIR``: LibreOffice opens the redline
through UNO, applies its own Accept All and Reject All, and saves ``OUTDIR/accept.docx`` and
``OUTDIR/reject.docx``; the last line printed is the number of revisions it saw. The ``uno``
module belongs to the system's Python (Debian: python3-uno), so when the interpreter running
this file lacks it, the file runs itself again under a ``python3`` of the PATH that has it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}


def _python_with_uno() -> str | None:
    """A python3 of the PATH, other than this one, that can import uno."""
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(folder) / "python3"
        if (os.access(candidate, os.X_OK)
                and os.path.realpath(candidate) != os.path.realpath(sys.executable)
                and subprocess.run([str(candidate), "-c", "import uno"],
                                   capture_output=True).returncode == 0):
            return str(candidate)
    return None


def available() -> bool:
    """Whether LibreOffice and a Python with its uno module are both on this machine."""
    if shutil.which("soffice") is None:
        return False
    try:
        import uno  # noqa: F401
        return True
    except ImportError:
        return _python_with_uno() is not None


def accept_reject(redline: Path, outdir: Path, timeout: int = 300) -> int:
    """Run LibreOffice's Accept All / Reject All on ``redline``; return the revisions it saw."""
    done = subprocess.run([sys.executable, __file__, str(redline), str(outdir)], check=True,
                          capture_output=True, text=True, timeout=timeout)
    return int(done.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _property(name: str, value: object) -> object:
    from com.sun.star.beans import PropertyValue

    prop = PropertyValue()
    prop.Name = name
    prop.Value = value
    return prop


def _connect(port: int, office: subprocess.Popen) -> object:
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            return resolver.resolve(
                f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
        except Exception:
            if office.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("LibreOffice n’a pas démarré") from None
            time.sleep(0.3)


def _run(redline: Path, outdir: Path) -> int:
    import uno

    port = _free_port()
    profile = Path(tempfile.mkdtemp(prefix="avenant-lo-"))
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--nologo", "--norestore",
         f"-env:UserInstallation={profile.as_uri()}",
         f"--accept=socket,host=127.0.0.1,port={port};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        context = _connect(port, office)
        manager = context.ServiceManager
        desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        dispatcher = manager.createInstanceWithContext("com.sun.star.frame.DispatchHelper",
                                                       context)
        outdir.mkdir(parents=True, exist_ok=True)
        seen = -1
        for name, command in COMMANDS.items():
            document = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(str(redline.resolve())), "_blank", 0,
                (_property("Hidden", True),))
            if document is None:
                raise SystemExit("LibreOffice n’a pas pu ouvrir le document")
            if seen < 0:
                seen = document.getRedlines().getCount()
            frame = document.getCurrentController().getFrame()
            dispatcher.executeDispatch(frame, command, "", 0, ())
            target = uno.systemPathToFileUrl(str((outdir / f"{name}.docx").resolve()))
            document.storeToURL(target, (_property("FilterName", "MS Word 2007 XML"),))
            document.close(True)
        try:
            desktop.terminate()
        except Exception:
            pass
        office.wait(timeout=30)
        return seen
    finally:
        if office.poll() is None:
            os.killpg(office.pid, 9)
        shutil.rmtree(profile, ignore_errors=True)


def main(argv: list[str]) -> int:
    """Command-line entry: REDLINE.docx OUTDIR."""
    try:
        import uno  # noqa: F401
    except ImportError:
        other = _python_with_uno()
        if other is None:
            print("aucun python3 avec le module uno de LibreOffice (Debian : python3-uno)",
                  file=sys.stderr)
            return 1
        os.execv(other, [other, __file__, *argv])
    print(_run(Path(argv[0]), Path(argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
