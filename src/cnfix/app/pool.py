"""A pool of worker processes that gives results back in input order (``--jobs``).

Workers are forked where that is safe (they inherit the tables and patterns the parent
loaded), die with their parent, leave Ctrl-C to it, and are started again when one is
killed.

Each worker has a pipe of its own, which no other process holds: when a worker dies,
even half-way through sending a result, its pipe ends and the parent knows which unit
it was running. (``ProcessPoolExecutor`` shares one result pipe among its workers and
the parent: a worker killed while sending a large result leaves a partial message
that its manager thread waits to complete forever, and the run hangs: issue 21, F17.)
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import multiprocessing.context
    import multiprocessing.process
    from multiprocessing.connection import Connection

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


def _start_frozen(process: multiprocessing.process.BaseProcess) -> None:
    """Fork ``process`` with every object of this one out of its cycle collector's
    sight (``gc.freeze``): the tables and patterns it inherits are never traversed
    there, so its collections neither spend time on them nor write to their pages
    (each page written is copied from this process)."""
    import gc

    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()


class WorkerDied(RuntimeError):
    """A unit of work whose worker process died twice (``ordered`` without ``failed``)."""


#: A task goes to a worker that is still busy only when it is at most this large once
#: pickled: it then fits in the pipe at once, so sending it never waits for the worker
#: to finish the task it runs (it may be waiting to send us its result: each would wait
#: for the other).
QUEUED_TASK_BYTES = 16 << 10
#: Tasks a worker holds at once: the one it runs and, if small, the next one.
TASKS_PER_WORKER = 2
#: Seconds a closing pool waits for the tasks still running (see ``Pool.close``).
CLOSE_GRACE = 5.0


@dataclass(eq=False)
class _Task:
    data: bytes  # (function, payload), pickled
    done: bool = False
    result: Any = None
    error: Exception | None = None
    deaths: int = 0  # times a worker died while running it
    abandoned: bool = False  # its caller stopped waiting: the result is dropped


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection  # this process's end of the worker's own pipe
    tasks: deque[_Task] = field(default_factory=deque)  # sent, in order; the first runs


def _serve(connection: Connection, parent: int | None) -> None:
    """A worker's life: run each task it is sent and send its result back, until told
    to stop (an empty message)."""
    import pickle
    from multiprocessing.reduction import ForkingPickler

    _worker_start(parent)
    while data := connection.recv_bytes():
        function, payload = pickle.loads(data)
        try:
            reply: tuple[bool, Any] = (True, function(payload))
        except Exception as error:
            reply = (False, error)
        try:
            message = ForkingPickler.dumps(reply)
        except Exception as error:  # a result or an error that does not pickle
            failure = RuntimeError(f"{type(error).__name__}: {error}")
            message = ForkingPickler.dumps((False, failure))
        connection.send_bytes(message)


class Pool:
    """``jobs`` worker processes, started on first need; work comes back in order.

    ``ordered`` may be called again while an earlier ``ordered`` is still being read
    (a large file met in a batch is streamed through the same workers while the
    batches after it run): all calls share one queue of tasks, each waits for its own.

    A worker that dies (killed by a signal or the OOM killer) is replaced, and the unit
    it was running is sent again, once; a unit whose worker dies again is given up
    (``failed``). The units it held but had not started are sent again as they are.
    """

    def __init__(self, jobs: int, ahead: int | None = None) -> None:
        self.jobs = jobs
        self.ahead = ahead or AHEAD_PER_JOB * jobs
        self._started = False
        self._workers: list[_Worker] = []
        self._queue: deque[_Task] = deque()  # tasks not sent yet, in order
        self._context: multiprocessing.context.BaseContext | None = None

    def _how(self) -> multiprocessing.context.BaseContext:
        """How this pool starts its workers, chosen once (``_context``): a worker started
        again after a death is started as the others were."""
        if self._context is None:
            import multiprocessing

            self._context = _context() or multiprocessing.get_context()
        return self._context

    def forks(self) -> bool:
        """Whether the workers are forked from this process: they then inherit the files
        it holds open now (a worker can read a descriptor it is sent)."""
        return self.jobs > 1 and self._how().get_start_method() == "fork"

    def reader_of(self, stream: IO[bytes]) -> int | str | None:
        """How the workers read ``stream`` when it is a regular file: its descriptor when
        they are forked (they inherit it: the CLI opens files by descriptor, with no name
        to open again), else its absolute name; None for stdin or a pipe."""
        try:
            fileno = stream.fileno()
        except (AttributeError, OSError, ValueError):  # io.BytesIO and the like
            return None
        if not stream.seekable() or not stat.S_ISREG(os.fstat(fileno).st_mode):
            return None
        if self.forks():
            return fileno
        name = getattr(stream, "name", None)
        return os.path.abspath(name) if isinstance(name, str) else None

    def ordered(
        self,
        function: Callable[[Any], R],
        items: Iterable[T],
        send: Callable[[T], Any] | None = None,
        failed: Callable[[T], R] | None = None,
        warm_up: Callable[[T], object] | None = None,
    ) -> Iterator[tuple[T, R]]:
        """``(item, function(send(item)))`` for each item, in input order.

        ``items`` is consumed lazily: at most ``ahead`` results are pending at once.
        ``function`` and the items must pickle (a module-level function, or a
        ``functools.partial`` of one); ``send`` makes what goes to the worker out of an
        item (something lighter to pickle, say). An exception in a worker is raised here, in
        order; pending work is dropped when the caller stops early. ``failed`` gives
        the result of an item whose worker died twice (without it, WorkerDied is raised).

        The first item of a pool is done here, before the workers start: whatever the
        work loads on first use (rule tables, compiled classes, OpenCC's dictionaries)
        is then loaded once, and the forked workers inherit it. With ``warm_up``, when
        the workers are still to be forked, ``warm_up(item)`` is done here instead (a
        small part of the first item's work, that loads the same: its result dropped)
        and the item goes to the workers: a whole first unit (a megabyte chunk, a block
        of damaged records: ~0.3 s) was work no other process could share.
        """
        if send is None:
            send = _same
        if self.jobs <= 1:
            for item in items:
                yield item, function(send(item))
            return
        from multiprocessing.reduction import ForkingPickler

        pending: deque[tuple[T, _Task]] = deque()
        try:
            for item in items:
                if warm_up is not None and not self._workers and self.forks():
                    warm_up(item)
                    warm_up, self._started = None, True
                elif not self._started:
                    result = function(send(item))
                    self._started = True
                    yield item, result
                    continue
                task = _Task(bytes(ForkingPickler.dumps((function, send(item)))))
                self._queue.append(task)
                pending.append((item, task))
                self._step(0)  # a worker that finished since is given work at once
                while len(pending) >= self.ahead:
                    yield self._take(pending, failed)
            while pending:
                yield self._take(pending, failed)
        finally:
            for _, task in pending:
                task.abandoned = True

    def _take(
        self, pending: deque[tuple[T, _Task]], failed: Callable[[T], R] | None
    ) -> tuple[T, R]:
        """The oldest pending item and its result, once there. The workers are kept
        fed meanwhile, also when it is there already: the caller spends time on each
        result, and a worker left without a task stays idle all that time."""
        item, task = pending[0]
        self._step(0)
        while not task.done:
            self._step()
        pending.popleft()
        if task.error is not None:
            raise task.error
        if task.deaths >= 2:
            if failed is None:
                raise WorkerDied(WORKER_DIED)
            return item, failed(item)
        return item, task.result

    def _step(self, timeout: float | None = None) -> None:
        """Hand out what is queued, then wait until a worker sends a result or dies
        (or ``timeout`` seconds pass)."""
        from multiprocessing.connection import wait

        self._dispatch()
        busy = [worker for worker in self._workers if worker.tasks]
        waited = [w.connection for w in busy] + [w.process.sentinel for w in busy]
        ready = set(wait(waited, timeout))
        for worker in busy:
            if worker.connection in ready or worker.process.sentinel in ready:
                self._collect(worker)

    def _dispatch(self) -> None:
        """Queued tasks to the workers: one to each idle worker first, then a small one
        more to each busy worker; a worker is started in place of each one lost."""
        while self._queue and len(self._workers) < self.jobs:
            self._workers.append(self._start())
        for room in range(1, TASKS_PER_WORKER + 1):
            for worker in list(self._workers):
                while self._queue and self._queue[0].abandoned:
                    self._queue.popleft()
                if not self._queue or len(worker.tasks) >= room:
                    continue
                if worker.tasks and len(self._queue[0].data) > QUEUED_TASK_BYTES:
                    continue
                task = self._queue.popleft()
                worker.tasks.append(task)
                try:
                    worker.connection.send_bytes(task.data)
                except OSError:  # it died: its tasks go back to the queue
                    self._lose(worker)

    def _collect(self, worker: _Worker) -> None:
        """Take the results a worker sent; if it died, take it out of the pool."""
        import pickle

        from cnfix.engine import collector_paused

        try:
            while worker.tasks and worker.connection.poll():
                with collector_paused():  # a result is many objects, none in a cycle
                    success, value = pickle.loads(worker.connection.recv_bytes())
                task = worker.tasks.popleft()
                task.done = True
                if success:
                    task.result = value
                else:
                    task.error = value
        except (EOFError, OSError):  # it died, part-way through a message perhaps
            self._lose(worker)
            return
        if not worker.process.is_alive():
            self._lose(worker)

    def _lose(self, worker: _Worker) -> None:
        """A dead worker: the task it ran is sent again once (then given up: done with
        two deaths), the ones it had not started go back to the front of the queue."""
        self._workers.remove(worker)
        worker.connection.close()
        worker.process.kill()  # dead already, or its pipe broke: it can do nothing more
        worker.process.join()
        if worker.tasks:
            worker.tasks[0].deaths += 1
        for task in reversed(worker.tasks):
            if task.deaths >= 2:
                task.done = True
            elif not task.abandoned:
                self._queue.appendleft(task)

    def _start(self) -> _Worker:
        context = self._how()
        forked = context.get_start_method() == "fork"
        if forked:
            from cnfix.rules import prepare_for_workers

            prepare_for_workers()  # once, in this process: every worker inherits it
        here, there = context.Pipe()
        # A forked worker's parent is this process; a fork server's is the server.
        process = context.Process(
            target=_serve, args=(there, os.getpid() if forked else None), daemon=True
        )
        if forked:
            _start_frozen(process)
        else:
            process.start()
        there.close()  # the worker's end is the worker's alone: its death ends the pipe
        return _Worker(process, here)

    def close(self) -> None:
        """Stop the workers. Those still running a task (the caller stopped early: an
        error, Ctrl-C) get ``CLOSE_GRACE`` seconds to finish it (the result is dropped),
        then are terminated: a write they were making is atomic, and its temporary file
        is removed by the next run."""
        self._queue.clear()
        for worker in self._workers:
            for task in worker.tasks:
                task.abandoned = True
        deadline = time.monotonic() + CLOSE_GRACE
        while any(worker.tasks for worker in self._workers):
            if (left := deadline - time.monotonic()) <= 0:
                break
            self._step(left)
        for worker in self._workers:
            if worker.tasks:
                worker.process.terminate()
            else:
                with contextlib.suppress(OSError):  # it died meanwhile
                    worker.connection.send_bytes(b"")
        for worker in self._workers:
            worker.process.join()
            worker.connection.close()
        self._workers = []

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
