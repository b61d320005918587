"""`nnviz frames`: stills of chosen steps for slides, one file per step or one snapshot grid.

(The HTML player itself is written by `nnviz animate ... -o run.html`.)
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import cli, complete_sources, friendly
from .common import parse_views, save_trace_option, source_trace, training_options



def _explicit(spec) -> list[int] | None:
    """The steps of an explicit list such as ``0,1,3,7`` (None if ``spec`` is not one)."""
    try:
        wanted = [int(x) for x in str(spec).replace(" ", "").split(",") if x != ""]
    except ValueError:
        return None
    return wanted or None


def still_steps(trace, spec) -> tuple[list[int], list[int]]:
    """The steps to draw and the requested ones that have no recorded tensors.

    Unlike a recording schedule, an explicit list (``0,1,3,7``) and ``log2`` (0, 1, 3, ...,
    2^k - 1) give exactly those steps: the last step is not added.
    """
    from ..render import select_steps
    from ..render.animate import no_recorded_step

    recorded = set(int(s) for s in trace.steps)
    last = int(trace.all_steps[-1])
    wanted = _explicit(spec)
    if wanted is None and str(spec).strip().lower() == "log2":
        wanted = [2**k - 1 for k in range(0, int(last + 1).bit_length()) if 2**k - 1 <= last]
    if wanted is None:
        return select_steps(trace, spec, max_frames=10**9), []
    if any(s < 0 for s in wanted):
        raise ValueError(f"bad --frames {spec!r}: steps are >= 0")
    chosen = sorted({s for s in wanted if s in recorded})
    missing = [s for s in wanted if s not in recorded]
    if not chosen:
        raise no_recorded_step(spec, recorded)
    return chosen, missing


def _check_pattern(output: str, n_steps: int, grid: bool) -> str:
    """The output's suffix, after checking the name fits the request; raises ValueError."""
    name = os.path.basename(output.rstrip("/" + os.sep)) if not output.endswith(("/", os.sep)) else ""
    suffix = os.path.splitext(name)[1].lower()
    if output.endswith(("/", os.sep)) or os.path.isdir(output):
        raise ValueError(f"{output} is a folder; give a file name such as "
                         f"{os.path.join(output, 'moons-{step:03d}.png')}")
    from ..export import STILL_SUFFIXES

    if suffix not in STILL_SUFFIXES:
        raise ValueError(f"cannot write stills as {name!r}: the name must end in .png, .svg or .pdf")
    has_field = "{step" in name
    if "{" in os.path.dirname(output):
        raise ValueError(f"the {{step}} field must be in the file name, not the folder: {output!r}")
    if grid and has_field:
        raise ValueError("--grid draws ONE figure: give a plain file name such as moons-grid.png")
    if not grid and not has_field and n_steps > 1:
        raise ValueError(f"{n_steps} steps need a {{step}} field in the file name, e.g. "
                         f"{os.path.splitext(output)[0]}-{{step:03d}}{suffix} (or --grid for one figure)")
    if has_field:
        from ..safefile import check_step_pattern

        check_step_pattern(name)
    return suffix


@cli.command()
@click.argument("source", metavar="PRESET|TRACE|CSV", shell_complete=complete_sources)
@click.option("-o", "--output", required=True,
              help="File name with a {step} field, e.g. 'moons-{step:03d}.png' (PNG, SVG or PDF by the "
                   "suffix); with --grid a single file such as moons-grid.pdf.")
@click.option("--frames", "frames", default="log2", show_default=True, metavar="SPEC",
              help="Recorded steps to draw: a list like 0,1,3,7,15,31,63,127, a range A:B[:K] or a "
                   "schedule (log2, every:K).")
@click.option("--grid", is_flag=True,
              help="One figure with a small panel per step, titled 'step 7, loss 0.001' (as in the "
                   "moons homework).")
@click.option("--view", "views", default=None, metavar="V1,V2",
              help="Panels of each still (default: as nnviz animate); with --grid one view "
                   "(default: boundary for 2-D classifiers, fit for 1-D fits).")
@click.option("--cols", type=click.IntRange(min=1, max=20), default=None,
              help="--grid: panels per row (default: up to 4).")
@click.option("--size", default="640x480", show_default=True, metavar="WxH",
              help="Size of each still in pixels (not for --grid).")
@click.option("--dpi", type=click.IntRange(min=50, max=600), default=150, show_default=True,
              help="--grid: resolution of a PNG grid.")
@click.option("--theme", type=click.Choice(["light", "dark"]), default="light", show_default=True,
              help="Colour theme.")
@click.option("--title", default=None, help="Title (stills: top left, default the preset name; --grid: "
                                            "above the grid, default none).")
@click.option("--hard", is_flag=True, help="Boundary: show only the predicted class (no confidence shading).")
@save_trace_option
@training_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary.")
@friendly
def frames(source, output, frames, grid, views, cols, size, dpi, theme, title, hard, save_trace, quiet, **training):
    """Stills of PRESET (trained first) or TRACE at chosen steps, for slides and handouts.

    \b
    nnviz frames moons --frames 0,1,3,7,15,31,63,127 -o 'moons-{step:03d}.png'
    nnviz frames moons --frames log2 -o moons-{step:03d}.pdf
    nnviz frames moons --grid -o moons-grid.png
    """
    from ..render import build_layout, parse_size, render
    from ..render.grid import save_grid

    size = parse_size(size)
    view_list = parse_views(views)
    if grid and view_list and len(view_list) > 1:
        raise click.ClickException("--grid shows one view per panel: give a single --view")
    _check_pattern(output, 1, grid)  # fail on a bad name before any training
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    trace = source_trace(source, save_trace, quiet, **training)
    chosen, missing = still_steps(trace, frames)
    if missing:
        what = f"step {missing[0]} has" if len(missing) == 1 else f"steps {', '.join(map(str, missing))} have"
        click.echo(f"warning: {what} no recorded tensors, skipped (re-train with --record log2 or all)",
                   err=True)
    suffix = _check_pattern(output, len(chosen), grid)
    label = trace.config.get("name", Path(str(source)).stem)
    if grid:
        options = {"hard": hard} if hard and (view_list or ["boundary"])[0] == "boundary" else {}
        save_grid(trace, chosen, out, view=view_list[0] if view_list else None, cols=cols, theme=theme,
                  title=title, view_options=options, dpi=dpi)
        written = [out]
    else:
        view_options = {"boundary": {"hard": hard}} if hard else None
        layout = build_layout([trace], view_list, size=size, theme=theme, title=title or label,
                              view_options=view_options)
        names = [Path(output.format(step=s)) if "{step" in out.name else out for s in chosen]
        if len(set(names)) < len(names):
            raise click.ClickException(f"the pattern {out.name!r} gives the same name to several steps; "
                                       "use e.g. {step:05d}")
        if suffix == ".png":  # the animation's own frames: same pixels as the GIF/MP4, fast
            render(layout, chosen, output)
        else:  # vector stills, one figure each
            for step, name in zip(chosen, names):
                render(layout, [step], name)
        written = names
    if not quiet:
        shown = ", ".join(str(p) for p in written[:3]) + (f", ... ({len(written)} files)" if len(written) > 3 else "")
        click.echo(f"wrote {shown}")
