"""Where a sweep's runs execute: in this process, a local process pool, or a Dask cluster.

Each backend is a generator ``execute(tasks) -> (i, row)`` yielding every task's result as it
finishes (any order). Tasks and rows are plain dicts (see :func:`nnviz.sweeps.worker.run_cell`).
A worker process that dies (killed, out of memory) does not end the sweep: the runs it may have
held are tried again, at most :data:`ATTEMPTS` times, then reported as failed.

No home-made scheduler: the local pool is :class:`concurrent.futures.ProcessPoolExecutor`, the
cluster is Dask's ``distributed``.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from typing import Callable, Iterator

from .worker import one_thread_worker, run_cell

__all__ = ["BACKENDS", "SweepError", "available_cores", "execute", "ATTEMPTS"]

log = logging.getLogger(__name__)

#: How many times a run is started before a worker dying under it counts as the run's failure.
ATTEMPTS = 3


class SweepError(RuntimeError):
    """A sweep that cannot start or go on (an unreachable scheduler, a full disk); one line."""


def available_cores() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _sequential(tasks, jobs, notify, **_) -> Iterator[tuple[int, dict]]:
    for i, task in enumerate(tasks):
        yield i, run_cell(task)


def _died(attempts: int) -> dict:
    return {"status": "failed", "error": "worker",
            "message": f"its worker process died {attempts} times (killed, or out of memory)"}


def _local(tasks, jobs, notify, **_) -> Iterator[tuple[int, dict]]:
    """A process pool of ``jobs`` workers, each run single-threaded (BLAS limited in train)."""
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    if any("function" in t for t in tasks):
        # your own function (maybe defined in a script's __main__): workers forked from this process
        # find it by name without running the script again
        ctx, start = mp.get_context("fork"), one_thread_worker
    else:
        ctx, start = mp.get_context("forkserver"), None  # forked from a clean server: no threads, no open files
        ctx.set_forkserver_preload(["nnviz.train", "nnviz.sweeps.worker"])
    queue = deque(range(len(tasks)))
    attempts = [0] * len(tasks)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=start)
    running: dict = {}
    try:
        while queue or running:
            while queue and len(running) < jobs:  # at most one run per worker: a death is attributable
                i = queue.popleft()
                attempts[i] += 1
                running[pool.submit(run_cell, tasks[i])] = i
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = []
            for fut in done:
                i = running.pop(fut)
                try:
                    yield i, fut.result()
                except BrokenProcessPool:
                    broken.append(i)
            if broken:
                broken += list(running.values())  # the pool is gone: every run on it stopped
                running.clear()
                pool.shutdown(wait=True)
                pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=start)
                retry = []
                for i in sorted(set(broken)):
                    if attempts[i] >= ATTEMPTS:
                        yield i, _died(attempts[i])
                    else:
                        retry.append(i)
                notify(f"a worker process died; starting {len(retry)} run(s) again" if retry else
                       "a worker process died")
                queue.extendleft(reversed(retry))
    finally:
        pool.shutdown(wait=not running, cancel_futures=True)


def _dask(tasks, jobs, notify, scheduler=None, connect_timeout: float = 10.0, **_) -> Iterator[tuple[int, dict]]:
    """Runs as Dask futures on an existing cluster (``scheduler``: an address or a Client), or on a
    LocalCluster of ``jobs`` single-threaded worker processes when no scheduler is given."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise SweepError("the dask backend needs Dask's distributed: pip install 'nnviz[dask]'") from None
    own, cluster = True, None
    if scheduler is not None and not isinstance(scheduler, str):
        client, own = scheduler, False
    elif scheduler is None:
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=f"{connect_timeout}s")
        except (OSError, TimeoutError) as e:
            why = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise SweepError(f"cannot reach the Dask scheduler at {scheduler} within {connect_timeout:g} s "
                             f"({why}); is `dask scheduler` running there?") from None
    try:
        tasks = [_pickled_function(t) for t in tasks]
        futures = {client.submit(run_cell, task, pure=False, key=f"nnviz-sweep-{i}-{os.urandom(4).hex()}"): i
                   for i, task in enumerate(tasks)}
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                yield i, fut.result()
            except Exception as e:  # noqa: BLE001 - KilledWorker, a lost connection, ...
                kind = type(e).__name__
                if kind == "KilledWorker":
                    yield i, _died(ATTEMPTS)
                else:
                    yield i, {"status": "failed", "error": "worker", "message": f"{kind}: {e}".splitlines()[0]}
    finally:
        if own:
            client.close()
            if cluster is not None:
                cluster.close()


def _pickled_function(task: dict) -> dict:
    """A function's task with the function as cloudpickle bytes (by value from ``__main__``, else by
    module and name): a worker that cannot load it fails that run with one line, instead of Dask
    failing to deserialize the task and losing the worker."""
    if "function" not in task:
        return task
    import cloudpickle

    return {**task, "function": cloudpickle.dumps(task["function"])}


#: Backend name -> generator (see the module docstring).
BACKENDS: dict[str, Callable] = {"sequential": _sequential, "local": _local, "dask": _dask}


def execute(tasks: list, backend: str = "local", jobs: int | None = None, notify=None, **options):
    """Run every task; yields ``(task index, row)`` as each finishes.

    Parameters
    ----------
    tasks : list of dict
    backend : {"local", "dask", "sequential"}
        ``local`` with ``jobs = 1`` runs in this process.
    jobs : int, optional
        Worker processes (default: every core this process may use).
    notify : callable, optional
        Called with one line when something worth telling happens (a worker died).
    **options
        ``scheduler``, ``connect_timeout`` for the dask backend.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
    jobs = max(1, int(jobs or available_cores()))
    if backend == "local" and (jobs == 1 or len(tasks) <= 1):
        backend = "sequential"
    if backend == "local":
        jobs = min(jobs, len(tasks))
    return BACKENDS[backend](tasks, jobs, notify or (lambda msg: log.warning(msg)), **options)
