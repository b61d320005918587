"""``nnviz.sweep``: many runs of one config over a grid of settings and init seeds, one folder.

Each run is an ordinary :func:`nnviz.train` run writing its own trace into the folder; the index
(:mod:`nnviz.sweeps.index`) records what was asked for and every run's final numbers. Running the
same sweep again skips the finished runs (complete or diverged) and redoes the others, so a sweep
stopped by Ctrl-C, a crash, a killed worker or a full disk resumes where it stopped: a finished run
whose index entry was never written (the sweep was killed in between) is recognised by its trace,
whose config must be the run's.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import numpy as np

from ..config import ConfigError
from .backends import SweepError, execute
from .functions import check_call, function_base, function_cells, function_grid
from .grid import canonical_key, cell_text, cells, grid_json, normalise_grid, run_name
from .index import DONE, FORMAT, INDEX, VERSION, read_index, write_index
from .table import SweepTable, load_sweep, public_rows
from .worker import metrics_of

__all__ = ["sweep", "SweepTable", "load_sweep", "SWEEP_PRESETS", "SweepPreset", "resolve_sweep", "SEED002_ETAS",
           "SEED002_LAMBDAS"]

log = logging.getLogger(__name__)
_PROBE = ".nnviz-sweep-probe"
_WRITE_EVERY = 1.0  # seconds between index rewrites while runs finish (and always at the end)


# ---------------------------------------------------------------------------- sweep presets
class SweepPreset(dict):
    """A named sweep: ``spec`` (a run preset), ``grid``, ``seeds``, run ``overrides``, ``metric``,
    ``display`` (axis labels and scales) and a ``description``."""


SWEEP_PRESETS: dict[str, SweepPreset] = {}


def _preset(name, **kw):
    SWEEP_PRESETS[name] = SweepPreset(name=name, **kw)


#: The grid of seed 002: ``np.logspace(-5, 1, 7)`` for both eta and lambda.
SEED002_ETAS = tuple(float(v) for v in np.logspace(-5, 1, 7))
SEED002_LAMBDAS = tuple(float(v) for v in np.logspace(-5, 1, 7))
# seed 002: eta (step on the gradient SUMMED over a batch of 100) and lambda (its L2 term) in
# np.logspace(-5, 1, 7); our trainer averages over the batch: lr = eta * 100, l2 = lambda / 100.
# 100 epochs of the 1437 training images in batches of 100: 14 steps an epoch, 1400 steps.
_preset("seed002-grid", spec="digits", seeds=None,
        grid=[("train.lr", [e * 100 for e in SEED002_ETAS]), ("train.l2", [lam / 100 for lam in SEED002_LAMBDAS])],
        overrides={"batch_size": 100, "steps": 1400, "record": "none"}, metric="test_accuracy",
        display={"train.lr": {"label": "η", "scale": 0.01}, "train.l2": {"label": "λ", "scale": 100.0}},
        description="seed 002's grid search: the digits network at eta, lambda in logspace(-5, 1, 7), "
                    "100 epochs, batches of 100")
_preset("seed000-lr-study", spec="sample131", grid=[("train.lr", [0.03, 0.1, 0.3, 1.0, 2.0, 5.0])],
        seeds=None, overrides={"steps": 300, "record": "none"}, metric="loss", display={},
        description="seed 000's learning rates: the 1-3-1 network on one sample at lr 0.03 to 5, 300 epochs")


def resolve_sweep(spec, grid=None, seeds=None, overrides=None, metric=None, display=None):
    """Expand a sweep preset name; returns ``(spec, grid, seeds, overrides, metric, display)``.

    Keys of ``grid`` replace the preset's values for the same key; others are added.
    """
    overrides = dict(overrides or {})
    if isinstance(spec, str) and spec in SWEEP_PRESETS:
        p = SWEEP_PRESETS[spec]
        base_grid = p["grid"]
        items = list(grid.items()) if isinstance(grid, dict) else list(grid or [])
        given = {canonical_key(k): v for k, v in items}
        merged = [(k, given.pop(k, v)) for k, v in base_grid] + list(given.items())
        overrides = {**p["overrides"], **{k: v for k, v in overrides.items() if v is not None}}
        return (p["spec"], merged, p["seeds"] if seeds is None else seeds, overrides,
                metric or p["metric"], {**p["display"], **(display or {})})
    return spec, grid or {}, seeds, overrides, metric, dict(display or {})


# ---------------------------------------------------------------------------- the sweep
def _seeds(seeds) -> list[int] | None:
    if seeds is None:
        return None
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        if seeds < 1:
            raise ConfigError(f"--seeds must be at least 1, got {seeds}")
        return list(range(seeds))
    out = [int(s) for s in seeds]
    if not out or len(set(out)) != len(out):
        raise ConfigError(f"seeds must be distinct integers, got {list(seeds)}")
    return out


def _dry_check(runs) -> None:
    """Build every distinct config's data set, network and optimizer: a bad name fails now."""
    from ..build import build
    from ..train import optimizer_for

    datasets, seen = {}, set()
    for params, _, job in runs:
        cfg = job["config"]
        key = json.dumps([cfg["data"], cfg["model"], cfg["train"]["optimizer"], cfg["train"]["loss"]], sort_keys=True,
                         default=str)
        if key in seen:
            continue
        seen.add(key)
        dkey = json.dumps(cfg["data"], sort_keys=True, default=str)
        try:
            if cfg["train"]["loss"] == "ode":
                continue
            if dkey not in datasets:
                from ..data import make_dataset

                d = dict(cfg["data"])
                datasets[dkey] = make_dataset(d.pop("name"), **d)
            build(cfg, datasets[dkey])
            if cfg["train"]["optimizer"] != "lbfgs":
                optimizer_for(cfg["train"])
        except (ValueError, TypeError, KeyError) as e:
            msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
            raise ConfigError(f"grid cell {cell_text(params)}: {msg}" if params else str(msg)) from None


def _first_difference(a, b, where="") -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if a.get(k) != b.get(k):
                return _first_difference(a.get(k), b.get(k), f"{where}{k}.")
    return f"{where.rstrip('.')} is {json.dumps(a)} there, {json.dumps(b)} here"


def _open_folder(out: Path, base: dict) -> dict | None:
    """The folder's existing index (same base config), or None for a new, empty folder."""
    if out.exists() and not out.is_dir():
        raise SweepError(f"cannot write the sweep into {out}: it is a file, not a folder")
    if (out / INDEX).exists():
        old = read_index(out)
        if json.dumps(old["base"], sort_keys=True) != json.dumps(base, sort_keys=True):
            raise SweepError(f"{out} holds another sweep ({_first_difference(old['base'], base)}); "
                             "choose another folder")
        return old
    if out.exists() and any(p.name != _PROBE for p in out.iterdir()):
        raise SweepError(f"{out} is not empty and holds no sweep ({INDEX}); choose a new or empty folder")
    return None


def _adopt(path: Path, cfg: dict | None) -> dict | None:
    """The metrics of a finished trace of exactly this config at ``path`` (of any config when
    ``cfg`` is None: a function's run, whose trace is whatever the function recorded), else None."""
    from ..trace import load_trace

    if not path.is_file():
        return None
    try:
        with load_trace(path) as tr:
            if tr.status not in DONE or (cfg is not None and json.dumps(tr.config, sort_keys=True)
                                         != json.dumps(cfg, sort_keys=True)):
                return None
            return metrics_of(tr)
    except (ValueError, OSError):
        return None


def sweep(spec="moons", grid=None, seeds=None, out="sweep", *, jobs: int | None = None, backend: str = "local",
          scheduler=None, connect_timeout: float = 10.0, ship: bool | None = None, metric: str | None = None,
          display: dict | None = None, progress: bool = False, notify=None, **overrides) -> SweepTable:
    """Train every combination of a grid of settings (and init seeds) into one folder.

    Parameters
    ----------
    spec : str, Path, dict or callable
        A run preset, TOML config or config dict; or a sweep preset (:data:`SWEEP_PRESETS`:
        ``"seed002-grid"``, ``"seed000-lr-study"``), whose grid ``grid`` then amends; or your own
        module-level training function ``fn(trace, seed, **values)`` that records one run into
        the trace path it is given (:mod:`nnviz.sweeps.functions`).
    grid : dict or sequence of (key, values)
        Config keys to vary (dotted, e.g. ``"train.lr"``, or shorthand ``"lr"``, ``"hidden"``)
        and their values: a list, or text like ``"1e-4..1:9log"`` (see :mod:`nnviz.sweeps.grid`);
        for a function, its keyword arguments and a list of values each.
        The first key is the heat map's rows, the second its columns.
    seeds : int or sequence of int, optional
        ``N``: init seeds 0..N-1 per cell; a list: those seeds; None: the config's seed (a
        function is then called once a cell, with seed 0).
    out : str or Path
        The sweep's folder: one trace per run, ``sweep.json``, ``sweep.csv``. An existing sweep of
        the same base config is resumed (finished runs are kept, the grid may grow).
    jobs : int, optional
        Worker processes (default: every core); ``jobs=1`` with the local backend runs here.
    backend : {"local", "dask", "sequential"}
    scheduler : str or distributed.Client, optional
        For ``backend="dask"``: the scheduler's address (``"tcp://host:8786"``) or a Client. The
        workers write the traces into ``out`` when they see it (a shared file system) and ship
        them back as bytes when they do not (or always, with ``ship=True``).
    connect_timeout : float
        Seconds to wait for the scheduler.
    metric, display : optional
        Stored in the index for the summary figure (default metric: test accuracy when there is
        a test set, else loss); ``display`` maps a key to ``{"label": ..., "scale": ...}``.
    progress : bool
        A progress bar over the runs.
    notify : callable, optional
        Called with one line when a worker dies (default: a logged warning).
    **overrides
        Settings of every run: ``steps``, ``record``, ``batch_size``, ... (as :func:`nnviz.train`);
        for a function, keyword arguments passed to every call (part of the sweep's identity).

    Returns
    -------
    SweepTable
        One dict per run of this grid; ``.df`` is a pandas DataFrame. Runs that failed are in it
        with ``status = "failed"`` and their message.

    Raises
    ------
    ConfigError
        An unknown grid key or a value of the wrong type (before any run starts).
    SweepError
        The scheduler cannot be reached, the folder holds something else, or the disk is full
        (finished runs are kept and the sweep resumes when run again).
    """
    from ..build import resolve_config

    if callable(spec):  # your own training function (nnviz.sweeps.functions)
        seeds = _seeds(seeds)
        base = function_base(spec, overrides)
        grid = function_grid(grid)
        check_call(spec, base["arguments"], grid)
        runs = [(params, seed, {"function": spec, "values": params, "arguments": base["arguments"],
                                "seed": 0 if seed is None else seed})
                for params, seed in function_cells(grid, seeds)]
        spec, display = base["function"], dict(display or {})
    else:
        spec, grid, seeds, overrides, metric, display = resolve_sweep(spec, grid, seeds, overrides, metric, display)
        seeds = _seeds(seeds)
        base = resolve_config(spec, **overrides)
        grid = normalise_grid(grid, base)
        runs = [(params, seed, {"config": cfg}) for params, seed, cfg in cells(base, grid, seeds)]
        _dry_check(runs)
        if metric is None:
            metric = "test_accuracy" if base["data"].get("test_fraction") or base["data"].get("n_test") else "loss"
    keys = [k for k, _ in grid]
    out = Path(out).absolute()
    old = _open_folder(out, base)
    out.mkdir(parents=True, exist_ok=True)
    from ..safefile import OutputLock

    lock = OutputLock(out / INDEX).acquire()
    try:
        return _run(spec, base, grid, seeds, runs, keys, out, old, metric, display, jobs, backend, scheduler,
                    connect_timeout, ship, progress, notify)
    finally:
        lock.release()


def _run(spec, base, grid, seeds, runs, keys, out, old, metric, display, jobs, backend, scheduler, connect_timeout,
         ship, progress, notify):
    from .._version import __version__
    from ..safefile import write_atomic

    previous = {r["run"]: r for r in (old or {}).get("runs", [])}
    rows, todo = [], []
    for params, seed, job in runs:
        name = run_name(params, seed, keys)
        row = {"run": name, "trace": f"{name}.h5", **params, "seed": seed}
        prev = previous.pop(name, None)
        found = _adopt(out / row["trace"], job.get("config"))  # finished, of this very config
        if found is not None:
            row.update({"seconds": None, "host": None}, **{k: v for k, v in (prev or {}).items()
                                                           if k in ("seconds", "host")}, **found)
        else:
            row.update(status="pending", message="")
            todo.append((len(rows), job))
        rows.append(row)
    index = {"format": FORMAT, "version": VERSION, "nnviz_version": __version__, "name": base["name"],
             "spec": spec if isinstance(spec, str) else str(spec) if isinstance(spec, Path) else "config",
             "base": base, "grid": grid_json(grid), "seeds": seeds, "metric": metric, "display": display,
             "runs": rows + list(previous.values())}  # runs of an earlier, larger grid are kept
    write_index(out, index)
    if todo:
        log.info("sweep %s: %d runs, %d to do", out, len(rows), len(todo))
    token = os.urandom(8).hex()
    probe = out / _PROBE
    write_atomic(probe, token.encode(), "probe file")
    tasks = [{**job, "trace": str(out / rows[i]["trace"]), "probe": (str(probe), token), "ship": ship}
             for i, job in todo]
    bar = None
    if progress and tasks:
        from tqdm import tqdm

        bar = tqdm(total=len(tasks), desc=f"sweep {base['name']}", unit="run", leave=False, disable=None)
    stop, results = None, None
    last = time.monotonic()
    try:
        results = execute(tasks, backend, jobs, notify, scheduler=scheduler, connect_timeout=connect_timeout)
        for t, result in results:
            row = rows[todo[t][0]]
            data = result.pop("trace_bytes", None)
            if data is not None and result.get("status") in DONE:
                try:
                    write_atomic(out / row["trace"], data, "trace")
                except OSError as e:
                    result.update(status="failed", message=str(e), error="disk")
            error = result.pop("error", None)
            row.update(result)
            if bar is not None:
                bar.update()
            if error == "disk":
                stop = row["message"]  # no space: the other runs cannot be written either
                break
            if time.monotonic() - last > _WRITE_EVERY:
                write_index(out, index)
                last = time.monotonic()
    except KeyboardInterrupt:
        for row in rows:
            if row["status"] == "pending":
                row.update(status="interrupted", message="the sweep was stopped")
        _final_write(out, index)
        raise
    finally:
        if results is not None:
            results.close()
        if bar is not None:
            bar.close()
        try:
            probe.unlink()
        except OSError:
            pass
    if index["metric"] is None:  # a function's sweep: test accuracy when its traces have a test set
        index["metric"] = "test_accuracy" if any(r.get("test_accuracy") is not None for r in rows) else "loss"
    _final_write(out, index)
    done = sum(r["status"] in DONE for r in rows)
    if stop is not None:
        raise SweepError(f"{stop}; {done} of {len(rows)} runs are finished and kept in {out / INDEX}: free some "
                         "space and run the same sweep again to resume")
    for r in rows:
        if r["status"] == "failed":
            log.warning("sweep run %s failed: %s", r["run"], r["message"])
    return SweepTable(public_rows(rows, out), out, index)


def _final_write(out, index):
    try:
        write_index(out, index)
    except OSError as e:
        done = sum(r["status"] in DONE for r in index["runs"])
        raise SweepError(f"{e}; the {done} finished runs' traces are kept and a resumed sweep finds them") from None


