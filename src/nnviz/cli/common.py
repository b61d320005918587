"""What the commands share: output checks, options that mean one thing everywhere, ParamTypes,
and the way a command turns its PRESET|TRACE argument into a trace."""

from __future__ import annotations

import contextlib
import functools
import importlib
import logging
from pathlib import Path

import click

from .._version import __version__

__all__ = ["cli", "friendly", "muted_logs", "USER_ERRORS", "check_writable", "make_parent", "check_output_target",
           "record_option", "views_option", "training_options", "training_overrides", "save_trace_option",
           "common_render_options", "PLAYER_SIZE", "hold_option", "fps_option", "parse_view_option", "parse_views",
           "source_trace", "SIZE", "SizeType"]


class SizeType(click.ParamType):
    """``WIDTHxHEIGHT`` -> (width, height), even and within 64..7680x4320."""

    name = "WxH"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        from ..render.layout import parse_size

        try:
            return parse_size(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


SIZE = SizeType()


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


#: command -> the module of this package that defines it (``nnviz animate`` imports that one only)
COMMAND_MODULES = {"presets": "train_cmds", "train": "train_cmds", "info": "train_cmds", "animate": "animate_cmds",
                   "bumps": "approx_cmds", "step": "approx_cmds", "towers": "approx_cmds", "versus": "approx_cmds",
                   "backprop": "backprop_cmds", "frames": "player_cmds", "scene": "scene_cmds",
                   "gallery": "gallery_cmds", "sweep": "sweep_cmds"}


def load_command_module(name: str) -> None:
    """Import ``nnviz.cli.<name>``, whose ``@cli.command()`` functions add themselves to :data:`cli`."""
    importlib.import_module(f"{__package__}.{name}")


class _Commands(click.Group):
    """The command group; a command's module is imported when that command is asked for."""

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            load_command_module(COMMAND_MODULES[cmd_name])
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        for module in sorted(set(COMMAND_MODULES.values())):
            load_command_module(module)
        return super().list_commands(ctx)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nnviz")
@click.option("-v", "--verbose", is_flag=True, help="Show log messages from the library.")
def cli(verbose):
    """nnviz: see a neural network learn.

    Train a small numpy network while recording every step, then turn the recording (a trace
    file) into animations. Start with `nnviz presets` and `nnviz animate moons -o moons.gif`.
    """
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s: %(message)s")


def check_writable(path: Path, what="output"):
    """Fail early, before any work, if ``path`` cannot be written."""
    import os

    from ..safefile import check_output

    path = check_output(path, what)  # a directory, device, FIFO or socket is refused, never opened
    make_parent(path, what)
    target = path if path.exists() else path.parent  # nothing is created or opened here
    if not os.access(target, os.W_OK) or (target is path.parent and not os.access(target, os.X_OK)):
        raise click.ClickException(f"cannot write {what} {path}: permission denied")


def make_parent(path: Path, what="output"):
    """Create the folder an output goes into (``-o out/moons.gif`` just works)."""
    parent = Path(path).parent
    if parent.exists():
        if not parent.is_dir():
            raise click.ClickException(f"cannot write {what} {path}: {parent} is a file, not a directory")
        return
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise click.ClickException(f"cannot write {what} {path}: cannot create folder {parent} ({e.strerror})") from None


def complete_sources(ctx, param, incomplete):
    """Shell completion of a PRESET|TRACE|CSV argument: preset names, then matching files."""
    from click.shell_completion import CompletionItem

    from ..presets import PRESETS

    items = [CompletionItem(n) for n in PRESETS if n.startswith(incomplete)]
    return items + [CompletionItem(incomplete, type="file")]


def complete_views(ctx, param, incomplete):
    """Shell completion of ``--view a,b,...``: the registered view names after the last comma."""
    from click.shell_completion import CompletionItem

    from ..render.base import view_names

    head, _, last = incomplete.rpartition(",")
    prefix = head + "," if head else ""
    return [CompletionItem(prefix + n) for n in view_names() if n.startswith(last)]


def record_option(f):
    return click.option("--record", default=None, metavar="SCHEDULE",
                        help="When to store full tensors: all, every:K, log2, auto, none, or a list "
                             "like 0,1,5. Loss and accuracy are stored every step.")(f)


def check_output_target(out) -> "Target":
    """Fail early, before training or rendering, on an unsupported or unwritable output; return
    what the output is (:func:`nnviz.export.classify`)."""
    import os

    from ..export import FormatError, classify, supported_outputs

    try:
        target = classify(out)
    except FormatError:
        out = Path(out)
        raise click.ClickException(
            f"cannot write {out}: unsupported output type '{out.suffix.lower() or out.name}'. Supported: "
            + "; ".join(supported_outputs())) from None
    frames = target.is_frames
    out = Path(out)
    if not frames:
        from ..safefile import check_output

        check_output(out)  # a device, FIFO or socket is refused at once, never opened or replaced
    elif "{" in out.name:
        from ..safefile import check_step_pattern

        try:
            check_step_pattern(out.name)
        except ValueError as e:
            raise click.ClickException(str(e)) from None
    # the nearest existing folder must be a writable directory
    probe = out.parent if not frames else out
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise click.ClickException(f"cannot write {out}: {probe} is a file, not a directory")
    if not os.access(probe, os.W_OK):
        raise click.ClickException(f"cannot write {out}: directory {probe} is not writable")
    if not frames:
        make_parent(out)
    return target


def views_option(f):
    return click.option("--view", "views", default=None, metavar="V1,V2", shell_complete=complete_views,
                        help="Panels, comma-separated: boundary, neurons, hidden, loss, fit, network, ... "
                             "(default: boundary,loss for 2-D classifiers, fit,loss for 1-D fits).")(f)


class TrainingStepsType(click.ParamType):
    """``--steps N``: the number of training steps, in every command (frames are ``--frames``)."""

    name = "N"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        try:
            n = int(value)
        except (TypeError, ValueError):
            self.fail(f"--steps is the number of training steps, got {value!r}; to pick frames, "
                      f"use --frames {value}", param, ctx)
        if n < 0:
            self.fail(f"--steps must be >= 0, got {n}", param, ctx)
        return n


class HiddenType(click.ParamType):
    """``--hidden 8,8`` -> [8, 8]."""

    name = "N,N,..."

    def convert(self, value, param, ctx):
        if isinstance(value, list):
            return value
        try:
            sizes = [int(v) for v in str(value).replace(" ", "").split(",") if v]
        except ValueError:
            sizes = []
        if not sizes or min(sizes) < 1:
            self.fail(f"--hidden takes layer widths like 8 or 16,16, got {value!r}", param, ctx)
        return sizes


def training_options(f):
    """How a PRESET, CONFIG.toml or CSV file is trained (ignored for a recorded TRACE)."""
    for opt in reversed([
        click.option("--steps", type=TrainingStepsType(), default=None, help="Number of training steps."),
        click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=None, help="Learning rate."),
        click.option("--seed", type=int, default=None, help="Seed of the weight initialisation."),
        record_option,
        click.option("--hidden", type=HiddenType(), default=None, help="Hidden layer widths, e.g. 8 or 16,16."),
        click.option("--activation", default=None, metavar="NAME", help="Hidden activation, e.g. tanh or relu."),
        click.option("--target", default=None, metavar="COLUMN",
                     help="For a CSV file: the target column, by header name or index (default: the last)."),
    ]):
        f = opt(f)
    return f


def training_overrides(steps=None, lr=None, seed=None, record=None, hidden=None, activation=None, target=None,
                       **_) -> dict:
    """The training options a command was given, as ``resolve_config`` overrides (unset ones left out)."""
    given = dict(steps=steps, lr=lr, seed=seed, record=record, hidden=hidden, activation=activation, target=target)
    return {k: v for k, v in given.items() if v is not None}


def save_trace_option(f):
    return click.option("--save-trace", "save_trace", type=click.Path(dir_okay=False), default=None,
                        help="Keep the trace of a trained PRESET, CONFIG or CSV here (default: nnviz's "
                             "cache, reused when the same run is drawn again; no file is left beside "
                             "the output).")(f)


def hold_option(f=None, *, default=1.5):
    """``--hold SECONDS``: the pause on the last frame of a movie, in every command that writes one
    (``default``: this command's)."""
    if f is None:
        return lambda g: hold_option(g, default=default)
    help = ("Seconds the last frame stays on screen before the movie ends or loops (GIF, MP4, WebM; PNG "
            "frames and the HTML player are not held)" + (", default: the scene's own." if default is None else "."))
    return click.option("--hold", type=click.FloatRange(min=0, max=60), default=default,
                        show_default=default is not None, metavar="SECONDS", help=help)(f)


def fps_option(f=None, *, default=None):
    """``--fps``: frames per second; with no ``default``, nnviz's (20, lowered for a short movie so
    that it lasts at least :data:`nnviz.render.pipeline.MIN_SECONDS`)."""
    if f is None:
        return lambda g: fps_option(g, default=default)
    if default is None:
        return click.option("--fps", type=click.FloatRange(min=0.5, max=60), default=None,
                            help="Frames per second (default: 20, or slower so that a short movie lasts at "
                                 "least 4 s).")(f)
    return click.option("--fps", type=click.FloatRange(min=0.5, max=60), default=default, show_default=True,
                        help="Frames per second.")(f)


#: Frames of an HTML player by default: the player fills its window, and 960 pixels high stay sharp
#: on a 1920x1080 projector (the frame shows about 915 of them there).
PLAYER_SIZE = "1280x960"


def common_render_options(f=None, *, size="640x480"):
    """Options shared by the commands that render frames (``size``: this command's default; None:
    640x480, or :data:`PLAYER_SIZE` for an HTML player, resolved by the command)."""
    if f is None:
        return lambda g: common_render_options(g, size=size)
    for opt in reversed([
        click.option("--frames", "frames", default=None, metavar="SPEC",
                     help="Which recorded steps become frames: a range A:B[:K], a schedule "
                          "(log2, every:K, all) or a list like 0,1,3,7. Default: the recorded steps, "
                          "at most --max-frames of them, log-spaced early (where training changes "
                          "fastest), then evenly spaced."),
        fps_option,
        hold_option,
        click.option("--size", default=size, show_default=size is not None, metavar="WxH",
                     help="Frame size in pixels (even numbers, for video)" + (
                         "." if size is not None else f"; default 640x480, {PLAYER_SIZE} for an .html "
                                                      "player (sharp on a 1080p projector).")),
        click.option("--theme", type=click.Choice(["light", "dark"]), default="light", show_default=True,
                     help="Colour theme."),
        click.option("--title", default=None, help="Title at the top left (default: the preset name)."),
        click.option("--max-frames", type=click.IntRange(min=1), default=150, show_default=True,
                     help="At most this many frames when --frames is not given."),
        click.option("-q", "--quiet", is_flag=True, help="No progress bars."),
    ]):
        f = opt(f)
    return f


def parse_view_option(text: str):
    """``"hidden.layer=1"`` -> ("hidden", "layer", 1): numbers and true/false are converted,
    anything else stays a string (never evaluated)."""
    name, sep, raw = text.partition("=")
    view, dot, key = name.partition(".")
    if not sep or not dot or not view or not key:
        raise click.ClickException(f"bad --opt {text!r}: write VIEW.KEY=VALUE, e.g. hidden.layer=1")
    value: object = raw
    for convert in (int, float):
        try:
            value = convert(raw)
            break
        except ValueError:
            pass
    if raw.lower() in ("true", "false"):
        value = raw.lower() == "true"
    return view.strip(), key.strip(), value


def parse_views(text):
    """``"boundary,loss"`` -> ["boundary", "loss"] (None for no text); an unknown name is a one-line
    error listing the views."""
    if not text:
        return None
    from ..render import view_class

    names = [v.strip() for v in text.split(",") if v.strip()]
    for v in names:
        try:
            view_class(v)
        except ValueError as e:
            raise click.ClickException(str(e)) from None
    return names


def source_trace(source, save_trace=None, quiet=False, **training):
    """The trace of a command's PRESET|TRACE|CSV argument: a recorded trace is opened; anything
    else is trained (``training``: the command's training options), its trace kept at
    ``save_trace`` or, by default, in nnviz's cache (reused next time)."""
    from ..sources import is_trace_file, trace_for

    overrides = training_overrides(**training)
    if is_trace_file(source):
        if overrides or save_trace:
            given = ", ".join("--" + k.replace("_", "-") for k in sorted(overrides)) or "--save-trace"
            raise click.ClickException(f"{source} is a recorded trace: {given} only apply to a PRESET, "
                                       "CONFIG.toml or CSV that is trained")
        return trace_for(source)
    record = overrides.pop("record", None)
    if save_trace is not None:
        check_writable(Path(save_trace), "trace")
    return trace_for(source, save_trace, record=record, progress=not quiet, **overrides)
