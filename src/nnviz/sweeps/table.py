"""A sweep's table: its runs as a list of dicts, read from the index (no training here: the
renderers read sweeps through this module)."""

from __future__ import annotations

import itertools
from pathlib import Path

from .grid import run_name
from .index import DONE, read_index

__all__ = ["SweepTable", "load_sweep", "public_rows"]


class SweepTable(list):
    """A sweep's runs: a list of dicts (one per run, grid order, seeds innermost).

    Each dict has ``run``, ``trace`` (its path), one entry per grid key (dotted, e.g.
    ``train.lr``), ``seed``, ``status``, final ``loss``, ``accuracy``, ``test_loss``,
    ``test_accuracy`` (None when not measured), ``steps``, ``seconds`` and ``message``.

    Attributes
    ----------
    folder : Path
    index : dict
        The whole index (grid, seeds, base config, display).
    """

    def __init__(self, rows, folder: Path, index: dict):
        super().__init__(rows)
        self.folder, self.index = Path(folder), index

    @property
    def keys(self) -> list[str]:
        """The grid keys, in order."""
        return [k for k, _ in self.index["grid"]]

    @property
    def df(self):
        """The table as a pandas DataFrame (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("SweepTable.df needs pandas: pip install pandas") from None
        return pd.DataFrame([{k: v for k, v in r.items()} for r in self])

    def failed(self) -> list[dict]:
        return [r for r in self if r["status"] not in DONE]


def public_rows(rows, out) -> list[dict]:
    """Index rows with each trace as a path (the index stores file names in the folder)."""
    return [{**r, "trace": str(Path(out) / r["trace"])} for r in rows]


def load_sweep(folder) -> SweepTable:
    """The table of a sweep folder, read from its index (the current grid's runs)."""
    folder = Path(folder)
    index = read_index(folder)
    keys = [k for k, _ in index["grid"]]
    grid = [(k, v) for k, v in index["grid"]]
    seeds = index.get("seeds")
    wanted = set()
    for combo in itertools.product(*[v for _, v in grid]):
        for s in (seeds if seeds is not None else [None]):
            wanted.add(run_name(dict(zip(keys, combo)), s, keys))
    rows = [r for r in index["runs"] if r["run"] in wanted]
    return SweepTable(public_rows(rows, folder.absolute() if folder.suffix != ".json" else folder.parent.absolute()),
                      folder, index)
