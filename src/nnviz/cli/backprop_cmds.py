"""`nnviz backprop`: the forward pass, the backward pass and the update of real training steps."""

from __future__ import annotations

import click

from .common import cli, complete_sources, friendly
from .common import check_output_target, common_render_options, save_trace_option, source_trace, training_options

DEFAULT_SIZE = "1280x720"
_STILL_PHASES = ["z", "a", "forward", "loss", "delta", "backward", "grad", "gradient", "update"]


def _sample(value: str):
    if value == "mean":
        return "mean"
    try:
        i = int(value)
    except ValueError:
        raise click.ClickException(f"--sample must be a probe sample index or 'mean', got {value!r}") from None
    if i < 0:
        raise click.ClickException(f"--sample must be >= 0 or 'mean', got {i}")
    return i


@cli.command()
@click.argument("source", metavar="PRESET|TRACE|CSV", shell_complete=complete_sources)
@click.option("-o", "--output", required=True, type=click.Path(),
              help="Output: .gif, .mp4, .webm, a folder or {step} pattern for PNG frames (numbered by frame), "
                   "or a single .png/.svg/.pdf still.")
@click.option("--step", "step", type=int, default=None,
              help="The training step to show (default: the first recorded step).")
@click.option("--sample", default="0", show_default=True, metavar="i|mean",
              help="Which probe sample the passes show, or 'mean' for the batch-mean gradient on the edges "
                   "and biases (beside probe sample 0's forward pass, loss and deltas).")
@click.option("--phases/--no-phases", default=True, show_default=True,
              help="Show the phases of each step (forward, loss, backward, gradients, update), or one frame "
                   "per step.")
@click.option("--detail", type=click.Choice(["layers", "phases"]), default="layers", show_default=True,
              help="Phases layer by layer, or six coarse phases per step.")
@click.option("--later", type=click.Choice(["update", "full"]), default="update", show_default=True,
              help="With --frames: what the steps after the first show (only their update, or every phase).")
@click.option("--phase", type=click.Choice(_STILL_PHASES), default=None,
              help="For a still: the phase to draw (default: gradients of every layer, every value at once).")
@click.option("--wide", type=click.Choice(["subset", "strips"]), default="subset", show_default=True,
              help="Layers wider than --max-units: the most important units with a '… +N' marker, or every "
                   "unit with weight-matrix heat strips.")
@click.option("--max-units", type=click.IntRange(min=2), default=16, show_default=True,
              help="Units drawn per wide layer (--wide subset).")
@click.option("--rank", type=click.Choice(["weight", "gradient"]), default="weight", show_default=True,
              help="How the units of a wide layer are chosen: by |weight| or by |gradient|.")
@save_trace_option
@training_options
@common_render_options(size=DEFAULT_SIZE)
@friendly
def backprop(source, output, step, sample, phases, detail, later, phase, wide, max_units, rank, save_trace,
             frames, fps, hold, size, theme, title, max_frames, quiet, **training):
    """Draw backpropagation on real numbers: forward, loss, deltas, gradients, update.

    Every number on screen comes from the trace of SOURCE (a preset is trained first). For
    example `nnviz backprop sample131 -o backprop.gif` (seed 000's 1-3-1 network),
    `nnviz backprop moons --sample mean -o moons_backprop.gif`, or a sequence of steps with
    `--frames 0,1,2,3` (the later steps show only their update).

    The frame size defaults to 1280x720 here. Each phase stays on screen for about a second
    whatever the --fps (a higher fps only makes the update's morph smoother).
    """
    from ..render import parse_size
    from ..render.views.network import render_backprop

    sample = _sample(sample)
    size = parse_size(size)  # 1280x720 by default: the diagram and its equations want a slide-sized frame
    if step is not None and frames is not None:
        raise click.ClickException("give either --step K or --frames SPEC, not both")
    target = check_output_target(output)
    if phase is not None and not target.is_still:
        raise click.ClickException("--phase draws a single still: use an output ending in .png, .svg or .pdf")
    trace = source_trace(source, save_trace, quiet, **training)
    written, n = render_backprop(trace, output, step=step, steps=frames, sample=sample, phases=phases, detail=detail,
                                 later=later, phase=phase, fps=fps or 20, hold=hold, size=size, theme=theme,
                                 title=title, progress=not quiet, max_frames=max_frames, wide=wide, max_units=max_units,
                                 rank=rank)
    if not quiet:
        click.echo(f"wrote {written} ({n} frame{'s' if n != 1 else ''})")
