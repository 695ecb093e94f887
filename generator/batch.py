"""Building every version of every dossier at once, on every core.

Each item is built by :func:`generator.build.build` in a worker process; an error stops that
item only. :func:`build_all` reports each outcome to a callback as it comes (the CLI draws a
progress bar) and returns them all, in order (the CLI prints the table and the exit status).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def plural(count: int, word: str) -> str:
    """French agreement: singular for 0 and 1."""
    return f"{count} {word}{'' if count < 2 else 's'}"


def build_one(root: str, dossier: str, version: str, force: bool, pdf: bool) -> Outcome:
    """Build one version; never raise: every failure becomes an :class:`Outcome`."""
    from .build import build

    project = Project(Path(root))
    try:
        result = build(dossier, version, root=project.root, force=force, pdf=pdf)
    except AvenantError as exc:
        return Outcome(dossier, version, FAILED, str(exc))
    except Exception as exc:  # reported in the summary, never as a traceback
        return Outcome(dossier, version, FAILED,
                       f"erreur interne ({type(exc).__name__}) : {exc}")
    notes = []
    if result.warnings:
        notes.append(f"{plural(len(result.warnings), 'avertissement')} "
                     f"(avenant check {dossier} {version})")
    notes += [f"ancien fichier conservé : {project.relative(b)}" for b in result.backups]
    return Outcome(dossier, version, BUILT if result.changed else UNCHANGED,
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


@dataclass(frozen=True)
class Batch:
    """Every outcome, in the order of :func:`work_list`, the processes used, the time taken."""

    outcomes: list[Outcome]
    jobs: int
    elapsed: float

    @property
    def failed(self) -> bool:
        """Whether any version failed."""
        return any(o.status == FAILED for o in self.outcomes)


def build_all(*, root: Path | str = ".", force: bool = False, pdf: bool = False,
              jobs: int = 0, started: Callable[[int, int], None] | None = None,
              progress: Callable[[Outcome], None] | None = None) -> Batch:
    """Build every version of every dossier.

    ``started(total, jobs)`` is called once the workers run, ``progress(outcome)`` as each
    version is done (in completion order).
    """
    from .build import build as _build  # noqa: F401 - imported once, before workers fork

    project = Project(Path(root))
    items = work_list(project)
    if not items:
        raise UsageError(f"aucun jeu de variables à construire dans "
                         f"{project.relative(project.variables)}/")
    jobs = _job_count(jobs, len(items))
    start = time.monotonic()
    outcomes: list[Outcome] = []
    with _outcomes(items, jobs, str(project.root), force, pdf) as results:
        if started is not None:
            started(len(items), jobs)
        for outcome in results:
            outcomes.append(outcome)
            if progress is not None:
                progress(outcome)
    elapsed = time.monotonic() - start
    order = {item: index for index, item in enumerate(items)}
    outcomes.sort(key=lambda o: order[(o.dossier, o.version)])
    return Batch(outcomes, jobs, elapsed)
