"""The sweep's index file, ``sweep.json``: what was asked for, and one entry per run.

Layout (version 1)::

    {"format": "nnviz-sweep", "version": 1, "nnviz_version": "...",
     "name": "digits", "spec": "digits", "base": {complete config},
     "grid": [["train.lr", [0.1, 1.0]], ["train.l2", [0.0, 0.001]]], "seeds": [0, 1] | null,
     "metric": "test_accuracy", "display": {"train.lr": {"label": "η", "scale": 0.01}},
     "runs": [{"run": "lr=0.1_l2=0_seed=0", "trace": "lr=0.1_l2=0_seed=0.h5",
               "train.lr": 0.1, "train.l2": 0.0, "seed": 0,
               "status": "complete", "loss": 0.12, "accuracy": 0.97, "test_loss": 0.2,
               "test_accuracy": 0.95, "steps": 1400, "seconds": 3.2, "message": "", "host": "..."}]}

A sweep of your own function (:mod:`nnviz.sweeps.functions`) has ``"base": {"name": "train_one",
"function": "module:qualname", "arguments": {fixed keyword arguments}}``, its grid keys are the
function's keyword names (``"eta"``, ``"lmbd"``) and ``"spec"`` is ``"module:qualname"``.

``status`` is ``pending`` (not run yet), ``complete``, ``diverged``, ``failed`` (the message
says why) or ``interrupted`` (stopped with the sweep). The file is replaced whole, atomically
(:func:`nnviz.safefile.write_atomic`), so a crash or a full disk leaves the previous version;
``sweep.csv`` beside it holds the same table for spreadsheets. Read with ``json`` only.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

__all__ = ["INDEX", "CSV", "FORMAT", "VERSION", "read_index", "write_index", "SweepIndexError", "DONE",
           "find_index"]

INDEX, CSV, FORMAT, VERSION = "sweep.json", "sweep.csv", "nnviz-sweep", 1
#: Statuses of a run that is finished: a resumed sweep keeps these.
DONE = ("complete", "diverged")
_COLUMNS = ("run", "status", "loss", "accuracy", "test_loss", "test_accuracy", "steps", "seconds", "message",
            "trace", "host")


class SweepIndexError(ValueError):
    """A sweep index that cannot be read (damaged, from a newer nnviz, not an index)."""


def find_index(folder) -> Path:
    """The index file of a sweep folder (or the index file itself)."""
    p = Path(folder)
    return p if p.suffix == ".json" else p / INDEX


def read_index(path) -> dict:
    """Read and check a sweep index; damaged or foreign files raise :class:`SweepIndexError`."""
    path = find_index(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SweepIndexError(f"{path.parent} is not a sweep folder: it has no {INDEX} (make one with nnviz sweep)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise SweepIndexError(f"cannot read sweep index {path}: {getattr(e, 'strerror', None) or e}") from None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise SweepIndexError(f"{path} is damaged: not valid JSON ({e})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SweepIndexError(f"{path} is not an nnviz sweep index")
    if not isinstance(data.get("version"), int) or data["version"] > VERSION:
        raise SweepIndexError(f"{path} is from a newer nnviz (index version {data.get('version')!r}); upgrade nnviz")
    ok = (isinstance(data.get("runs"), list) and all(isinstance(r, dict) and isinstance(r.get("run"), str)
                                                     and isinstance(r.get("trace"), str) for r in data["runs"])
          and isinstance(data.get("grid"), list) and all(isinstance(g, list) and len(g) == 2 for g in data["grid"])
          and isinstance(data.get("base"), dict))
    if not ok:
        raise SweepIndexError(f"{path} is damaged: its runs or grid are malformed")
    for r in data["runs"]:  # trace names are file names in the folder, never paths elsewhere
        if Path(r["trace"]).name != r["trace"] or r["trace"].startswith("."):
            raise SweepIndexError(f"{path} is damaged: run {r['run']!r} names a trace outside the folder")
    return data


def _csv(index: dict) -> bytes:
    keys = [k for k, _ in index["grid"]]
    cols = ["run", *keys, "seed", *[c for c in _COLUMNS if c != "run"]]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in index["runs"]:
        w.writerow({c: ("x".join(map(str, r[c])) if isinstance(r.get(c), list) else r.get(c)) for c in cols})
    return buf.getvalue().encode()


def write_index(folder, index: dict) -> None:
    """Replace ``sweep.json`` (and ``sweep.csv``) atomically."""
    from ..safefile import write_atomic

    folder = Path(folder)
    write_atomic(folder / INDEX, json.dumps(index, indent=1, allow_nan=False).encode(), "sweep index")
    write_atomic(folder / CSV, _csv(index), "sweep table")
