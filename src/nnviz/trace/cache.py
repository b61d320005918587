"""The trace cache: where a run trained only to be drawn keeps its trace.

``nnviz animate moons -o moons.gif`` must not leave a ``moons.h5`` nobody asked for, and rendering
the same preset again should not train it again. Such traces live in a per-user cache folder,
one file per complete config (the file name holds a SHA-256 of the config and the nnviz version),
so a run is reused exactly when it would be trained the same way::

    $NNVIZ_CACHE, else $XDG_CACHE_HOME/nnviz, else ~/.cache/nnviz

``nnviz cache`` (the CLI) shows and clears it; removing the folder is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

__all__ = ["cache_dir", "cache_path"]


def cache_dir() -> Path:
    """The cache folder (not created here)."""
    if os.environ.get("NNVIZ_CACHE"):
        return Path(os.environ["NNVIZ_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nnviz"


def cache_path(config: dict) -> Path:
    """The cached trace of a complete config (and of the bytes of a CSV file it reads)."""
    from .._version import __version__

    key = json.dumps(config, sort_keys=True, default=str) + "|" + _data_fingerprint(config) + "|" + __version__
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(config.get("name", "run")))[:40] or "run"
    return cache_dir() / f"{name}-{digest}.h5"


def _data_fingerprint(cfg: dict) -> str:
    """What a run depends on beyond its config: the bytes of a CSV file it reads."""
    data = cfg.get("data", {})
    p = data.get("path")
    if data.get("name") == "csv" and p and Path(p).is_file():
        return hashlib.sha256(Path(p).read_bytes()).hexdigest()
    return ""
