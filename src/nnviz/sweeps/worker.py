"""One run of a sweep, as a worker process (local pool or Dask worker) executes it.

:func:`run_cell` takes a plain dict and returns a plain dict, so it travels to any process or
machine: the config, where the trace goes, and how to get it back. The worker writes the trace
itself when it sees the sweep's folder (a probe file the parent wrote is there, with the token it
expects); otherwise (a cluster without a shared file system) it trains into a temporary file and
ships the trace back as bytes, which the parent writes.
"""

from __future__ import annotations

import errno
import logging
import math
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["run_cell", "metrics_of", "METRICS", "one_thread_worker"]

log = logging.getLogger(__name__)

#: The final values every index entry carries (NaN, e.g. no test set, is stored as null).
METRICS = ("loss", "accuracy", "test_loss", "test_accuracy")


def _num(v):
    v = float(v)
    return v if math.isfinite(v) else None


def metrics_of(trace) -> dict:
    """Status, final loss/accuracy (training and test) and last step of a finished trace."""
    out = {"status": trace.status, "message": trace.message, "steps": int(trace.all_steps[-1])}
    for name in METRICS:
        values = getattr(trace, name)
        out[name] = _num(values[-1]) if len(values) else None
    return out


def _sees_folder(probe) -> bool:
    if not probe:
        return False
    path, token = probe
    try:
        return Path(path).read_text() == token
    except OSError:
        return False


def _run_function(task: dict, path: Path) -> dict:
    """Call the user's ``fn(trace, seed, **values)`` and read what it recorded."""
    from ..trace import load_trace

    fn = task["function"]
    if isinstance(fn, bytes):  # sent to a Dask worker by nnviz itself (backends._pickled_function)
        import cloudpickle

        try:
            fn = cloudpickle.loads(fn)
        except Exception as e:  # noqa: BLE001 - a module the worker does not have, most often
            raise ValueError(f"this worker cannot load the training function ({type(e).__name__}: {e}); "
                             "its module must be importable on every worker") from None
    fn(str(path), task["seed"], **task["arguments"], **task["values"])
    if not path.is_file():
        raise ValueError(f"{fn.__qualname__} returned without writing its trace {path.name}")
    with load_trace(path) as tr:
        found = metrics_of(tr)
    if found["status"] not in ("complete", "diverged", "interrupted"):
        raise ValueError(f"{fn.__qualname__} returned with its trace {found['status']} (close the Recorder, or "
                         "let fit end, before returning)")
    return found


def one_thread_worker() -> None:
    """A forked pool worker's start: one BLAS thread, and one torch thread when torch is loaded
    (a forked child must not enter the OpenMP pool of its parent; with one thread torch never does)."""
    from ..nn.threads import one_blas_thread

    one_blas_thread().__enter__()  # for the worker's whole life
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(1)


def run_cell(task: dict) -> dict:
    """Train one cell of a sweep; never raises for a run that fails (its row says why).

    Parameters
    ----------
    task : dict
        ``config`` (complete config), or ``function``, ``values``, ``arguments`` and ``seed``
        (:mod:`nnviz.sweeps.functions`); ``trace`` (absolute path), ``probe`` ((path, token) of
        the parent's probe file, or None) and ``ship`` (True: always ship the trace back; None:
        only when the folder is not visible here).

    Returns
    -------
    dict
        :func:`metrics_of` of the run, plus ``seconds`` (wall time), ``host``, ``pid`` and,
        when shipped, ``trace_bytes``; a run that could not finish has ``status = "failed"``,
        a one-line ``message`` and ``error`` = ``"disk"`` (no space left) or ``"run"``.
    """
    from ..train import train

    t0 = time.perf_counter()
    out = {"host": socket.gethostname(), "pid": os.getpid()}
    ship = task.get("ship") or not _sees_folder(task.get("probe"))
    tmpdir = tempfile.mkdtemp(prefix="nnviz-sweep-") if ship else None
    path = Path(tmpdir, Path(task["trace"]).name) if ship else Path(task["trace"])
    quiet = logging.getLogger("nnviz.trace")  # a divergence is the row's status and message
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        if "function" in task:
            out.update(_run_function(task, path))
        else:
            with train(task["config"], trace=path, progress=False) as tr:
                out.update(metrics_of(tr))
        if ship:
            out["trace_bytes"] = path.read_bytes()
    except Exception as e:  # noqa: BLE001 - every failure becomes the run's one-line message
        text = str(e).splitlines()[0] if str(e) else type(e).__name__
        disk = (isinstance(e, OSError) and (getattr(e, "errno", None) in (errno.ENOSPC, errno.EDQUOT)
                                            or "no space left" in text)
                or "the disk has" in text)  # the Recorder's refusal of a trace larger than the free space
        if not isinstance(e, (ValueError, OSError)) or "function" in task:
            text = f"{type(e).__name__}: {text}"
            if "function" in task:  # the user's own code: the row says why, the traceback is for debugging
                log.debug("sweep run %s failed", task["trace"], exc_info=True)
            else:
                log.exception("sweep run %s failed", task["trace"])
        out.update(status="failed", message=text, error="disk" if disk else "run")
    finally:
        quiet.setLevel(level)
        if tmpdir:
            for p in Path(tmpdir).iterdir():
                p.unlink()
            os.rmdir(tmpdir)
    out["seconds"] = round(time.perf_counter() - t0, 4)
    return out
