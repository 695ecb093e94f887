"""The Jinja sandbox templates run in, with bounds on what one render may cost.

A template is a Word file anyone may hand over: besides Jinja's sandbox (no Python internals),
it may not load other templates, build huge numbers, strings or ranges, run longer than
:data:`TIME_LIMIT` seconds or grow the process by more than :data:`MEMORY_LIMIT` bytes. Each
refusal is a :class:`Refused` (a Jinja ``SecurityError``) whose message is French.
"""

from __future__ import annotations

import contextlib
import functools
import re
import resource
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from .cache import JINJA_PATTERN, used

MAX_RANGE = 10_000
MAX_LENGTH = 1_000_000  # characters or items built by one operation
MAX_EXPONENT = 64
MAX_BITS = 10_000  # of an integer computed by a template (about 3,000 digits)
TIME_LIMIT = 15.0  # seconds per render; the 2023 avenant takes a tenth of one
MEMORY_LIMIT = 512 * 1024**2  # bytes of address space a render may add (it needs ~50 MB)
_CACHE_SIZE = 64  # distinct template parts kept compiled (a few per template)


class Refused(SecurityError):
    """Something a template may not do; the message is French."""


class Timeout(Exception):
    """A render ran past its time limit (raised from a signal handler)."""


class _NoLoader(BaseLoader):
    """Templates stand alone: ``include``, ``import`` and ``extends`` are refused."""

    def get_source(self, environment: Any, template: str) -> Any:
        raise Refused(f"« include », « import » et « extends » sont interdits dans un modèle "
                      f"(« {template} ») : un modèle tient en un seul fichier Word")


def _bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise Refused(f"range() trop grand ({len(numbers)} éléments, au plus {MAX_RANGE})")
    return numbers


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple) else None


_WIDE_FORMAT = re.compile(r"%[-+ #0]*(\*|[0-9]{4,})")


#: The render deadline of a thread other than the main one (where no signal can interrupt).
_thread_limits = threading.local()


def _check_deadline() -> None:
    """Raise `Timeout` when this thread's render is past its deadline (none set: nothing)."""
    deadline = getattr(_thread_limits, "deadline", None)
    if deadline is not None and time.monotonic() > deadline:
        raise Timeout


class _Bounded(SandboxedEnvironment):
    """The sandbox, with powers, repetitions and string formatting bounded.

    Outside the main thread, every call, attribute or item a template reaches checks the
    render's deadline: a loop always calls something (`range`, a filter, ``*``) at each turn
    of an outer loop, so no render runs much past its limit.
    """

    intercepted_binops = frozenset({"**", "*", "%"})

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _check_deadline()
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        _check_deadline()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _check_deadline()
        return super().getitem(obj, argument)

    def call_binop(self, context: Any, op: str, left: Any, right: Any) -> Any:
        _check_deadline()
        if op == "**":
            if isinstance(right, int | float) and isinstance(left, int | float) and abs(left) > 1 \
                    and (abs(right) > MAX_EXPONENT
                         or (isinstance(left, int) and left.bit_length() * right > MAX_BITS)):
                raise Refused(f"puissance trop grande ({left!r} ** {right!r}, exposant au plus "
                              f"{MAX_EXPONENT})")
            return super().call_binop(context, op, left, right)
        if op == "*":
            for sequence, times in ((left, right), (right, left)):
                size = _size(sequence)
                if size is not None and isinstance(times, int) and size * times > MAX_LENGTH:
                    raise Refused(f"répétition trop longue ({size} × {times}, au plus "
                                  f"{MAX_LENGTH} caractères ou éléments)")
            if isinstance(left, int) and isinstance(right, int) and (
                    left.bit_length() + right.bit_length() > MAX_BITS):
                raise Refused("nombre trop grand dans un calcul du modèle")
            return super().call_binop(context, op, left, right)
        if op == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise Refused("format « % » trop large dans un modèle")
        return super().call_binop(context, op, left, right)


@functools.cache
def environment() -> Any:
    """One sandbox per process, compiling each template source only once.

    docxtpl hands every part to ``from_string`` afresh; building many avenants from one
    template would otherwise parse and compile the same Jinja source each time.
    """
    from ..text.filters import FILTERS as TEXT_FILTERS
    from ..text.french import FILTERS

    class _CompileOnce(_Bounded):
        _compiled: dict[str, Any] = {}

        def from_string(self, source: Any, globals: Any = None,
                        template_class: Any = None) -> Any:
            if globals is not None or template_class is not None or not isinstance(source, str):
                return super().from_string(source, globals, template_class)
            compiled = self._compiled.get(source)
            if compiled is None:
                if len(self._compiled) >= _CACHE_SIZE:
                    self._compiled.clear()
                compiled = self._compiled[source] = compiled_template(self, source)
            return compiled

    env = _CompileOnce(undefined=StrictUndefined, autoescape=True, loader=_NoLoader())
    env.filters.update(FILTERS)
    env.filters.update(TEXT_FILTERS)
    env.globals["range"] = _bounded_range
    return env


@functools.cache
def _bytecode_cache() -> Any:
    """Jinja's own cache of compiled code, in a private folder of the user's temp dir.

    The first use in a process also prunes our old entries there (once a day at most).
    """
    from jinja2 import FileSystemBytecodeCache

    from .cache import prune_daily

    cache = FileSystemBytecodeCache(None, JINJA_PATTERN)  # Jinja's folder, files named as ours
    prune_daily(Path(cache.directory))
    return cache


def cache_dir() -> Path | None:
    """The user's private cache folder (Jinja's, checked to be the user's own), or None."""
    try:
        return Path(_bytecode_cache().directory)
    except (OSError, RuntimeError):  # Jinja's RuntimeError: a temp dir it finds unsafe
        return None


def compiled_template(env: Any, source: str) -> Any:
    """SOURCE compiled by ENV, its code kept by Jinja across processes.

    Compiling a Word part costs far more than rendering it; the code is keyed by the source's
    SHA-256 (and checked against it by Jinja), so a changed template is compiled afresh.
    """
    import hashlib

    key = "avenant-" + hashlib.sha256(f"{env.autoescape}\0{source}".encode()).hexdigest()
    try:
        cache = _bytecode_cache()
        bucket = cache.get_bucket(env, key, None, source)
    except (OSError, RuntimeError):  # no usable (or no safe) temp dir: compile every time
        return env.template_class.from_code(env, env.compile(source), env.make_globals(None))
    if bucket.code is None:
        bucket.code = env.compile(source)
        try:
            cache.set_bucket(bucket)
        except OSError:
            pass
    else:
        used(Path(cache.directory) / (cache.pattern % bucket.key))
    return env.template_class.from_code(env, bucket.code, env.make_globals(None))


def _raise_timeout(signum: int, frame: Any) -> None:
    raise Timeout


def _address_space() -> int:
    """The process's current virtual size in bytes (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * resource.getpagesize()


@contextlib.contextmanager
def limits(seconds: float = TIME_LIMIT, memory: int = MEMORY_LIMIT) -> Iterator[None]:
    """Run the body under a time limit (SIGALRM) and an address-space limit (RLIMIT_AS).

    Both need the main thread (a signal handler, and a limit that binds the whole process).
    In another thread (the web page's renders), the time limit is a deadline the sandbox
    checks at each call, attribute or item a template reaches; the memory limit, which would
    bind the whole server, does not apply there. No subprocess is started inside: the limits
    are restored on the way out, and LibreOffice runs after rendering, unbounded.
    """
    if threading.current_thread() is not threading.main_thread():
        outer = getattr(_thread_limits, "deadline", None)
        _thread_limits.deadline = time.monotonic() + seconds
        try:
            yield
        finally:
            _thread_limits.deadline = outer
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    current = _address_space()
    bounded = current and (soft == resource.RLIM_INFINITY or soft > current + memory)
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        if bounded:
            cap = current + memory
            resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY
                                                    else min(cap, hard), hard))
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if bounded:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
