"""`nnviz animate`: presets or traces to GIF, MP4, WebM, PNG frames or stills."""

from __future__ import annotations

from pathlib import Path

import click

from .common import cli, complete_sources, friendly
from .common import (PLAYER_SIZE, check_output_target, common_render_options, parse_view_option, parse_views,
                     save_trace_option, source_trace, training_options, views_option)


@cli.command()
@click.argument("sources", nargs=-1, required=True, metavar="PRESET|TRACE|CSV...|SWEEP_DIR", shell_complete=complete_sources)
@click.option("-o", "--output", required=True, type=click.Path(),
              help="Output: .gif, .mp4, .webm, .html, a directory or a {step} pattern for PNG frames, "
                   "or a single .png/.svg/.pdf still (with --step).")
@views_option
@common_render_options(size=None)
@click.option("--step", type=int, default=None, help="For a still: the step to draw (default: the last).")
@save_trace_option
@training_options
@click.option("--log", "log_scale", is_flag=True, help="Logarithmic loss axis.")
@click.option("--hard", is_flag=True, help="Boundary: show only the predicted class (no confidence shading).")
@click.option("--levels", type=click.IntRange(min=0, max=100), default=8, show_default=True,
              help="Boundary: confidence bands per class; 0 for a smooth gradient (GIFs get larger).")
@click.option("--opt", "opts", multiple=True, metavar="VIEW.KEY=VALUE",
              help="A view option, repeatable: e.g. --opt hidden.layer=1 --opt neurons.k=12.")
@friendly
def animate(sources, output, views, frames, fps, hold, size, theme, title, max_frames, quiet, step, save_trace,
            log_scale, hard, levels, opts, **training):
    """Train PRESET (or a CONFIG.toml, or your own CSV file) or read TRACE, and render how the
    network learns.

    Several sources are drawn side by side on a shared step axis, e.g.
    `nnviz animate xor-identity-1 xor-relu-2 -o xor.gif`. A CSV file has columns x1, x2[, ...],
    label (or --target COLUMN): `nnviz animate points.csv --hidden 8,8 -o points.gif`.
    A sweep folder (`nnviz sweep -o DIR`) is drawn as a grid of its runs beside its heat map:
    --view grid (boundaries or fits) or --view curves.
    """
    from ..render import animate as run, parse_size
    from ..render.animate import check_steps_spec

    if len(sources) == 1 and Path(sources[0]).is_dir():  # a sweep folder (nnviz sweep -o DIR)
        from .sweep_cmds import animate_sweep_folder

        return animate_sweep_folder(sources[0], output, views, fps, size or "640x480", theme, title, max_frames,
                                    quiet, hold=hold)
    view_list = parse_views(views)
    target = check_output_target(output)
    size = parse_size(size or (PLAYER_SIZE if target.is_player else "640x480"))
    if step is not None and not target.is_still:
        raise click.ClickException("--step draws a single still: use an output ending in .png, .svg or .pdf")
    if step is not None:
        frames = str(step)  # checked against each run's recorded steps once the runs are loaded
    check_steps_spec(frames)
    options = {"loss": {"log": log_scale}, "boundary": {"hard": hard, "levels": levels}}
    for view, key, value in (parse_view_option(o) for o in opts):
        options.setdefault(view, {})[key] = value
    one = len(sources) == 1
    if save_trace and not one:
        raise click.ClickException("--save-trace keeps the trace of one source; give one PRESET, or save each "
                                   "with nnviz train PRESET -o FILE")
    traces = [source_trace(s, save_trace, quiet, **training) for s in sources]
    if step is not None:
        _check_still_step(step, traces)
    labels = [Path(str(s)).stem for s in sources]
    written = run(traces, output, views=view_list, steps=frames, fps=fps, hold=hold, size=size, theme=theme,
                  title=title,
                  progress=not quiet, max_frames=max_frames, view_options=options, labels=labels)
    if not quiet:
        click.echo(f"wrote {written}")


def _check_still_step(step: int, traces) -> None:
    """``--step K`` must be a step some run recorded in full; else one line naming the nearest ones."""
    import numpy as np

    if any(step in set(int(s) for s in tr.steps) for tr in traces):
        return
    rec = np.asarray(traces[0].steps, int)
    last = max(int(tr.all_steps[-1]) for tr in traces)
    if step > last or step < 0:
        raise click.ClickException(f"--step {step} is outside the run: its steps are 0 to {last}")
    i = int(np.searchsorted(rec, step))
    near = sorted({int(rec[j]) for j in (i - 1, i) if 0 <= j < len(rec)})
    raise click.ClickException(f"--step {step} is not a recorded step (the nearest: {' and '.join(map(str, near))}); "
                               "to draw every step, record them all: --record all")

