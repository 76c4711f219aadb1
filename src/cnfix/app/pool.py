"""A pool of worker processes that gives results back in input order (``--jobs``).

Workers are forked where that is safe (they inherit the tables the parent loaded), die
with their parent, leave Ctrl-C to it, and are started again when one is killed.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import multiprocessing.context
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

#: Units in flight per worker: enough to keep every worker busy, few enough to bound memory.
AHEAD_PER_JOB = 3


def _same(item: T) -> T:
    return item


def default_jobs() -> int:
    """The number of cores this process may run on (the default of ``--jobs``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


def idle_jobs() -> int:
    """The cores not already busy (``default_jobs`` less the load average of the last
    minute, rounded; at least one): what ``--jobs`` picks when not told. A worker on a
    core that other programs keep busy only adds the cost of going parallel."""
    cores = default_jobs()
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - Windows
        return cores
    return max(1, min(cores, round(cores - load)))


def _context() -> multiprocessing.context.BaseContext | None:
    """``fork`` where there is one and this process runs one thread: workers start at
    once, with cnfix and its loaded tables already there. Forking a process with other
    threads can deadlock a child on a lock one of them held (a library embedding cnfix
    may run threads): then ``forkserver`` or the platform's default."""
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        return multiprocessing.get_context("forkserver")
    return None  # pragma: no cover - Windows


#: What a unit of work whose worker died twice (killed: the OOM killer, a signal) says.
WORKER_DIED = "its worker process died (killed, out of memory?); left as it was"


def _worker_start(parent: int | None) -> None:
    """Set up a worker: it dies with its parent, and leaves Ctrl-C to the parent.

    Without the first, killing only the parent orphans the workers, which keep the
    parent's stdout and stderr open (a ``| tee`` or a CI step then never ends); without
    the second, Ctrl-C reaches every worker of the terminal's process group and each
    prints a traceback, while the parent stops them in order anyway. ``parent``: the
    pid of the parent of a forked worker (None for a fork server's).
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if parent is not None and os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (``PR_SET_PDEATHSIG``)."""
    import sys

    if not sys.platform.startswith("linux"):  # pragma: no cover
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - no prctl: orphans possible
        return


class Pool:
    """``jobs`` worker processes, started on first need; work comes back in order.

    ``ordered`` may be called again while an earlier ``ordered`` is still being read
    (a large file met in a batch is streamed through the same workers while the
    batches after it run): each call keeps its own queue of pending results.

    A worker that dies (killed by a signal or the OOM killer) breaks the pool: a new
    one is started and the units that were pending are sent again, once; a unit whose
    worker dies again is given up (``failed``).
    """

    def __init__(self, jobs: int, ahead: int | None = None) -> None:
        self.jobs = jobs
        self.ahead = ahead or AHEAD_PER_JOB * jobs
        self._executor: ProcessPoolExecutor | None = None

    def ordered(
        self,
        function: Callable[[Any], R],
        items: Iterable[T],
        send: Callable[[T], Any] | None = None,
        failed: Callable[[T], R] | None = None,
    ) -> Iterator[tuple[T, R]]:
        """``(item, function(send(item)))`` for each item, in input order.

        ``items`` is consumed lazily: at most ``ahead`` results are pending at once.
        ``function`` and the items must pickle (a module-level function, or a
        ``functools.partial`` of one); ``send`` makes what goes to the worker out of an
        item (something lighter to pickle, say). An exception in a worker is raised here, in
        order; pending work is cancelled when the caller stops early. ``failed`` gives
        the result of an item whose worker died twice (without it, BrokenProcessPool
        is raised).

        The first item of a pool is done here, before the workers start: whatever the
        work loads on first use (rule tables, compiled classes, OpenCC's dictionaries)
        is then loaded once, and the forked workers inherit it.
        """
        if send is None:
            send = _same
        if self.jobs <= 1:
            for item in items:
                yield item, function(send(item))
            return
        from concurrent.futures.process import BrokenProcessPool

        # Each pending unit: the item, its future, whether it was already sent again.
        pending: deque[tuple[T, Future[R], bool]] = deque()

        def submit(item: T, again: bool) -> None:
            assert self._executor is not None
            pending.append((item, self._executor.submit(function, send(item)), again))

        def take() -> tuple[T, R] | None:
            """The oldest result; None when the pool broke and the units were sent again."""
            item, future, again = pending.popleft()
            try:
                return item, future.result()
            except BrokenProcessPool:
                others = [other for other, _, _ in pending]
                pending.clear()
                self._restart()
                if again and failed is None:
                    raise
                if not again:
                    submit(item, True)
                for other in others:
                    submit(other, True)
                return (item, failed(item)) if again and failed is not None else None

        try:
            for item in items:
                if self._executor is None:
                    result = function(send(item))
                    self._start()
                    yield item, result
                    continue
                submit(item, False)
                while len(pending) >= self.ahead:
                    if (taken := take()) is not None:
                        yield taken
            while pending:
                if (taken := take()) is not None:
                    yield taken
        finally:
            for _, future, _ in pending:
                future.cancel()

    def _start(self) -> None:
        from concurrent.futures import ProcessPoolExecutor  # only when there is a pool

        context = _context()
        forked = context is not None and context.get_start_method() == "fork"
        self._executor = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=context,
            initializer=_worker_start,
            # A forked worker's parent is this process; a fork server's is the server.
            initargs=(os.getpid() if forked else None,),
        )

    def _restart(self) -> None:
        """A new pool in place of a broken one (its surviving workers are let go)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        self._start()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ordered_map(
    function: Callable[[T], R], items: Iterable[T], *, jobs: int, ahead: int | None = None
) -> Iterator[R]:
    """``map(function, items)`` on ``jobs`` processes, results in input order
    (``Pool.ordered`` on a pool of its own)."""
    with Pool(jobs, ahead) as pool:
        for _, result in pool.ordered(function, items):
            yield result
