"""Building every version of every dossier at once: on every core, with a progress bar.

Each item is built by :func:`generator.build.build` in a worker process; an error stops that
item only. A closing table says what became of each one, and the exit status whether any
failed.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .errors import AvenantError, UsageError
from .paths import Project, version_key

BUILT = "construit"
UNCHANGED = "inchangé"
FAILED = "échec"


@dataclass(frozen=True)
class Outcome:
    """What became of one version: its status, and the file written or what went wrong."""

    dossier: str
    version: str
    status: str
    detail: str
    notes: tuple[str, ...] = ()


def work_list(project: Project) -> list[tuple[str, str]]:
    """Every (dossier, version) of the project, by dossier then version."""
    items = [(dossier, version) for dossier in project.dossiers()
             for version in project.versions(dossier)]
    return sorted(items, key=lambda item: (item[0], version_key(item[1])))


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """What changes when a file is replaced (a rename gives a new inode)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _stamps(folder: Path) -> dict[str, tuple[int, int, int] | None]:
    try:
        return {entry.name: _stamp(Path(entry.path)) for entry in os.scandir(folder)}
    except OSError:
        return {}


def _plural(count: int, word: str) -> str:
    """French agreement: singular for 0 and 1."""
    return f"{count} {word}{'' if count < 2 else 's'}"


def build_one(root: str, dossier: str, version: str, force: bool, pdf: bool) -> Outcome:
    """Build one version; never raise: every failure becomes an :class:`Outcome`."""
    from .build import build

    project = Project(Path(root))
    try:
        before = _stamps(project.output_dir(dossier, version))
        result = build(dossier, version, root=project.root, force=force, pdf=pdf)
    except AvenantError as exc:
        return Outcome(dossier, version, FAILED, str(exc))
    except Exception as exc:  # reported in the summary, never as a traceback
        return Outcome(dossier, version, FAILED,
                       f"erreur interne ({type(exc).__name__}) : {exc}")
    written = [result.docx] + ([result.pdf] if result.pdf else [])
    changed = any(before.get(path.name) != _stamp(path) for path in written)
    notes = []
    if result.warnings:
        notes.append(f"{_plural(len(result.warnings), 'avertissement')} "
                     f"(avenant check {dossier} {version})")
    notes += [f"ancien fichier conservé : {project.relative(b)}" for b in result.backups]
    return Outcome(dossier, version, BUILT if changed else UNCHANGED,
                   project.relative(result.docx), tuple(notes))


def _ignore_interrupt() -> None:
    """Workers leave Ctrl-C to the main process, which lets running items finish cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _job_count(jobs: int, items: int) -> int:
    if jobs < 0:
        raise UsageError(f"nombre de processus invalide : {jobs} (0 : un par cœur)")
    if jobs == 0:
        affinity = getattr(os, "sched_getaffinity", None)
        jobs = len(affinity(0)) if affinity else (os.cpu_count() or 1)
    return max(1, min(jobs, items))


def _context() -> Any:
    # Forked workers inherit the library already imported by this process; elsewhere the
    # platform's default start method applies.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return None


def _completed(futures: dict[Future[Outcome], tuple[str, str]]) -> Iterator[Outcome]:
    for future in as_completed(futures):
        try:
            yield future.result()
        except Exception as exc:  # a worker died (killed, out of memory)
            dossier, version = futures[future]
            yield Outcome(dossier, version, FAILED,
                          f"erreur interne : le processus de construction s’est arrêté "
                          f"({type(exc).__name__})")


@contextmanager
def _outcomes(items: list[tuple[str, str]], jobs: int, root: str, force: bool,
              pdf: bool) -> Iterator[Iterator[Outcome]]:
    """The outcomes as they come; every worker is started before this yields."""
    if jobs == 1:
        yield (build_one(root, dossier, version, force, pdf) for dossier, version in items)
        return
    # Workers fork here, while this process has no other thread (the progress bar has one).
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(),
                                   initializer=_ignore_interrupt)
    try:
        futures = {executor.submit(build_one, root, dossier, version, force, pdf):
                   (dossier, version) for dossier, version in items}
        yield _completed(futures)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _summary(outcomes: list[Outcome], elapsed: float, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table()
    table.add_column("Dossier")
    table.add_column("Version")
    table.add_column("Statut")
    table.add_column("Fichier ou message", overflow="fold")
    styles = {BUILT: "green", UNCHANGED: "dim", FAILED: "bold red"}
    for o in outcomes:
        table.add_row(Text(o.dossier), Text(o.version), Text(o.status, style=styles[o.status]),
                      Text("\n".join((o.detail, *o.notes)),
                           style="red" if o.status == FAILED else ""))
    console.print(table)
    counts = {status: sum(o.status == status for o in outcomes)
              for status in (BUILT, UNCHANGED, FAILED)}
    seconds = f"{elapsed:.1f}".replace(".", ",")
    console.print(
        f"{_plural(len(outcomes), 'avenant')} en {seconds}\u00a0s : "
        f"{_plural(counts[BUILT], 'construit')}, {_plural(counts[UNCHANGED], 'inchangé')}, "
        f"{counts[FAILED]} en échec", highlight=False)


def _follow(results: Iterator[Outcome], outcomes: list[Outcome], total: int, jobs: int,
            console: Any, err: TextIO) -> None:
    """Collect outcomes, with a progress bar on a terminal and a line each elsewhere."""
    from rich import progress as bar
    from rich.markup import escape

    if console.is_terminal:
        progress = bar.Progress(bar.TextColumn("{task.description}"), bar.BarColumn(),
                                bar.MofNCompleteColumn(), bar.TimeElapsedColumn(),
                                console=console, transient=True)
        with progress:
            task = progress.add_task(f"construction ({jobs} processus)", total=total)
            for outcome in results:
                outcomes.append(outcome)
                if outcome.status == FAILED:
                    progress.console.print(
                        f"[red]échec[/] : {escape(outcome.dossier)} {escape(outcome.version)}")
                progress.advance(task)
    else:
        width = len(str(total))
        for outcome in results:
            outcomes.append(outcome)
            print(f"[{len(outcomes):>{width}}/{total}] {outcome.dossier} {outcome.version} : "
                  f"{outcome.status}", file=err, flush=True)


def build_all(*, root: Path | str = ".", force: bool = False, pdf: bool = False,
              jobs: int = 0, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Build every version of every dossier; return the exit status (1 if any failed)."""
    from rich.console import Console

    from .build import build as _build  # noqa: F401 - imported once, before workers fork

    project = Project(Path(root))
    items = work_list(project)
    if not items:
        raise UsageError(f"aucun jeu de variables à construire dans "
                         f"{project.relative(project.variables)}/")
    jobs = _job_count(jobs, len(items))
    out = out or sys.stdout
    err = err or sys.stderr
    summary_console = Console(file=out, width=None if out.isatty() else 200)
    progress_console = Console(file=err, width=None if err.isatty() else 200)

    start = time.monotonic()
    outcomes: list[Outcome] = []
    with _outcomes(items, jobs, str(project.root), force, pdf) as results:
        _follow(results, outcomes, len(items), jobs, progress_console, err)
    elapsed = time.monotonic() - start

    order = {item: index for index, item in enumerate(items)}
    outcomes.sort(key=lambda o: order[(o.dossier, o.version)])
    _summary(outcomes, elapsed, summary_console)
    return 1 if any(o.status == FAILED for o in outcomes) else 0
