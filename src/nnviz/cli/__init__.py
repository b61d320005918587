"""The ``nnviz`` command line: a thin click front door over the library.

Library errors are Python exceptions; they become one readable line (``Error: ...``) and a
non-zero exit here and only here. Each command lives in its own module of this package, imported
when the command runs (:data:`~nnviz.cli.common.COMMAND_MODULES`).
"""

from __future__ import annotations

from .common import USER_ERRORS, cli, friendly, muted_logs

__all__ = ["main", "cli", "friendly", "muted_logs", "USER_ERRORS"]


def main():
    """Entry point of the ``nnviz`` console script."""
    from . import startup

    startup.begin()  # the collector and matplotlib's import tuned for a short-lived process
    try:
        cli(prog_name="nnviz")  # click ends quietly on a closed pipe (`nnviz info run.h5 | head -3`)
    except SystemExit as e:  # click's way out, also on success
        if not e.code:
            startup.end()
        else:
            startup.end_failed(e.code)
        raise
