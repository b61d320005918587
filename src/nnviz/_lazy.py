"""Names of a package that load their modules when first used (PEP 562 module ``__getattr__``).

``import nnviz`` then loads neither numpy nor h5py, and reading a trace does not load the
Recorder: each public name is looked up in a table, name -> the module that defines it.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["lazy_names"]


def lazy_names(package: str, home: dict[str, str]):
    """The ``__getattr__`` and ``__dir__`` of ``package`` for the names in ``home`` (name ->
    relative module, e.g. ``{"load_trace": ".trace"}``); a name, once loaded, is kept in the package."""

    def __getattr__(name):
        if name in home:
            value = getattr(importlib.import_module(home[name], package), name)
            setattr(sys.modules[package], name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(set(vars(sys.modules[package])) | set(home))

    return __getattr__, __dir__
