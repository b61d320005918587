"""The ``nnviz`` command line: a thin click front door over the library.

Library errors are Python exceptions; they become one readable line (``Error: ...``) and a
non-zero exit here and only here. Each command lives in its own module of this package.
"""

from __future__ import annotations

from .common import USER_ERRORS, cli, friendly, muted_logs

__all__ = ["main", "cli", "friendly", "muted_logs", "USER_ERRORS"]


def _register():
    # Each module adds its commands to `cli`; a command whose optional dependency is missing
    # still registers and explains what to install when run.
    from . import train_cmds  # noqa: F401
    for name in ("animate_cmds", "approx_cmds", "backprop_cmds", "player_cmds", "scene_cmds", "gallery_cmds",
                 "sweep_cmds"):
        try:
            __import__(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise


_register()


def main():
    """Entry point of the ``nnviz`` console script."""
    cli(prog_name="nnviz")  # click ends quietly on a closed pipe (`nnviz info run.h5 | head -3`)
