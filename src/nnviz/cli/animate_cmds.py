"""`nnviz animate`: presets or traces to GIF, MP4, WebM, PNG frames or stills."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli, friendly


def _views_option(f):
    return click.option("--view", "views", default=None, metavar="V1,V2",
                        help="Panels, comma-separated: boundary, neurons, hidden, loss, fit, network, ... "
                             "(default: boundary,loss for 2-D classifiers, fit,loss for 1-D fits).")(f)


def common_render_options(f):
    """Options shared by the commands that render frames."""
    for opt in reversed([
        click.option("--steps", default=None, metavar="SPEC",
                     help="Which recorded steps become frames: a range A:B[:K], a schedule "
                          "(log2, every:K, all) or a list like 0,1,3,7. Default: all recorded, "
                          "thinned to --max-frames."),
        click.option("--fps", type=click.FloatRange(min=0.5, max=60), default=20, show_default=True,
                     help="Frames per second."),
        click.option("--size", default="640x480", show_default=True, metavar="WxH",
                     help="Frame size in pixels (even numbers, for video)."),
        click.option("--theme", type=click.Choice(["light", "dark"]), default="light", show_default=True,
                     help="Colour theme."),
        click.option("--title", default=None, help="Title at the top left (default: the preset name)."),
        click.option("--max-frames", type=click.IntRange(min=1), default=150, show_default=True,
                     help="At most this many frames when --steps is not given."),
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


@cli.command()
@click.argument("sources", nargs=-1, required=True, metavar="PRESET|TRACE...")
@click.option("-o", "--output", required=True, type=click.Path(),
              help="Output: .gif, .mp4, .webm, .html, a directory or a {step} pattern for PNG frames, "
                   "or a single .png/.svg/.pdf still (with --step).")
@_views_option
@common_render_options
@click.option("--step", type=int, default=None, help="For a still: the step to draw (default: the last).")
@click.option("--trace", "trace_path", type=click.Path(dir_okay=False), default=None,
              help="Where to keep the trace when training a preset (default: next to the output).")
@click.option("--log", "log_scale", is_flag=True, help="Logarithmic loss axis.")
@click.option("--hard", is_flag=True, help="Boundary: show only the predicted class (no confidence shading).")
@click.option("--levels", type=click.IntRange(min=0, max=100), default=8, show_default=True,
              help="Boundary: confidence bands per class; 0 for a smooth gradient (GIFs get larger).")
@click.option("--opt", "opts", multiple=True, metavar="VIEW.KEY=VALUE",
              help="A view option, repeatable: e.g. --opt hidden.layer=1 --opt neurons.k=12.")
@friendly
def animate(sources, output, views, steps, fps, size, theme, title, max_frames, quiet, step, trace_path,
            log_scale, hard, levels, opts):
    """Train PRESET (or read TRACE) and render how the network learns.

    Several sources are drawn side by side on a shared step axis, e.g.
    `nnviz animate xor-identity-1 xor-relu-2 -o xor.gif`.
    """
    from ..render import VIEWS, animate as run, parse_size
    from ..render.animate import check_steps_spec
    from ..export import supported_formats
    from .train_cmds import check_output_target

    size = parse_size(size)
    view_list = [v.strip() for v in views.split(",") if v.strip()] if views else None
    for v in view_list or []:
        if v not in VIEWS:
            raise click.ClickException(f"unknown view {v!r}; choose from: {', '.join(sorted(VIEWS))}")
    out = Path(output)
    still = out.suffix.lower() in (".svg", ".pdf") or (out.suffix.lower() == ".png" and "{" not in out.name)
    if step is not None and not still:
        raise click.ClickException("--step draws a single still: use an output ending in .png, .svg or .pdf")
    if step is not None:
        steps = str(step)
    check_steps_spec(steps)
    check_output_target(output, supported_formats)
    options = {"loss": {"log": log_scale}, "boundary": {"hard": hard, "levels": levels}}
    for view, key, value in (parse_view_option(o) for o in opts):
        options.setdefault(view, {})[key] = value
    written = run(list(sources), output, views=view_list, steps=steps, fps=fps, size=size, theme=theme,
                  title=title, trace_path=trace_path, progress=not quiet, max_frames=max_frames,
                  view_options=options)
    if not quiet:
        click.echo(f"wrote {written}")
