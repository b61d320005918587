"""`nnviz scene`: render a manim scene (lecture video) from a trace, a preset, or a construction."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import cli, friendly, hold_option
from ..scenes_lib import FORMATS, QUALITIES, SCENES


def _check_output(out: Path):
    """Fail before any work on an unsupported or unwritable output (without creating it)."""
    if out.suffix.lower() not in FORMATS:
        raise click.ClickException(f"cannot write {out}: unsupported output type '{out.suffix or out.name}'; "
                                   f"use one of {', '.join(FORMATS)} (.png: the last frame)")
    if out.is_dir():
        raise click.ClickException(f"output {out} is a directory; give a file name")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise click.ClickException(f"cannot write {out}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise click.ClickException(f"cannot write {out}: directory {parent} is not writable")


_LIST = "\n".join(f"  {name:<21} {SCENES[name][1]}" for name in SCENES)


@cli.command(epilog="\b\nScenes:\n" + _LIST)
@click.argument("name", metavar="SCENE", type=click.Choice(list(SCENES)))
@click.option("--trace", "trace_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Trace file to draw (default: the scene trains its own small network).")
@click.option("--preset", default=None, metavar="PRESET|CONFIG.toml",
              help="Train this preset (or TOML config) first and draw its trace.")
@click.option("--quality", type=click.Choice(list(QUALITIES)), default="m", show_default=True,
              help="l 480p15, m 720p30, h 1080p60, p 1440p60, k 2160p60.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output file: .mp4, .mov, .webm, .gif, or .png for the last frame only. Default: SCENE.mp4")
@click.option("--duration", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds of animation (default: each scene's own, 12 to 28 s).")
@click.option("--fps", type=click.IntRange(min=1, max=120), default=None,
              help="Frames per second (default: the quality's).")
@hold_option(default=None)
@friendly
def scene(name, trace_file, preset, quality, output, duration, fps, hold):
    """Render a manim SCENE as a lecture video, driven by a real training trace.

    Needs manim: pip install 'nnviz[manim]'. Plain `manim scenes/backprop.py BackpropFlow` works
    too, with the trace in NNVIZ_TRACE (see the README).
    """
    from ..scenes_lib import render_scene

    if trace_file and preset:
        raise click.UsageError("give --trace or --preset, not both")
    if (trace_file or preset) and not SCENES[name][2]:
        raise click.UsageError(f"{name} draws a construction and reads no trace; leave out --trace/--preset")
    out = Path(output or f"{name}.mp4")
    _check_output(out)
    render_scene(name, out, trace=trace_file, preset=preset, quality=quality, duration=duration, fps=fps, hold=hold)
    click.echo(f"wrote {out}", err=True)
