"""The ``nnviz`` command line: a thin click front door over the library.

Library errors are Python exceptions; they become one readable line (``Error: ...``) and a
non-zero exit here and only here. Each command lives in its own module of this package.
"""

from __future__ import annotations

import contextlib
import functools
import logging

import click

from .. import __version__

__all__ = ["main", "cli", "friendly", "muted_logs"]

#: Exceptions that carry a message meant for the user (bad input, unreadable files, ...).
USER_ERRORS = (ValueError, OSError, KeyError, ImportError)


def friendly(func):
    """Turn library errors into a one-line ``click.ClickException`` (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (click.ClickException, BrokenPipeError):
            raise
        except USER_ERRORS as e:
            msg = e.args[0] if isinstance(e, KeyError) and e.args else str(e)
            raise click.ClickException(str(msg).splitlines()[0] if str(msg) else type(e).__name__) from None

    return wrapper


@contextlib.contextmanager
def muted_logs(*names: str):
    """Silence the library's warnings from these loggers while a command reports them itself."""
    loggers = [logging.getLogger(n) for n in names]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nnviz")
@click.option("-v", "--verbose", is_flag=True, help="Show log messages from the library.")
def cli(verbose):
    """nnviz: see a neural network learn.

    Train a small numpy network while recording every step, then turn the recording (a trace
    file) into animations. Start with `nnviz presets` and `nnviz animate moons -o moons.gif`.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s: %(message)s")


def _register():
    # Each module adds its commands to `cli`; a command whose optional dependency is missing
    # still registers and explains what to install when run.
    from . import train_cmds  # noqa: F401
    for name in ("animate_cmds", "approx_cmds", "backprop_cmds", "player_cmds", "scene_cmds", "gallery_cmds"):
        try:
            __import__(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise


_register()


def main():
    """Entry point of the ``nnviz`` console script."""
    cli(prog_name="nnviz")  # click ends quietly on a closed pipe (`nnviz info run.h5 | head -3`)
