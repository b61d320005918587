"""`nnviz bumps`, `nnviz step`, `nnviz towers`: universal-approximation constructions, animated."""

from __future__ import annotations

from pathlib import Path

import click

from .common import cli, friendly
from .common import check_output_target, check_writable, fps_option, hold_option


def _render_options(f):
    """The options of `nnviz animate` that apply to constructions (there are no training steps)."""
    for opt in reversed([
        fps_option(default=12),
        click.option("--size", default="640x480", show_default=True, metavar="WxH",
                     help="Frame size in pixels (even numbers, for video)."),
        click.option("--theme", type=click.Choice(["light", "dark"]), default="light", show_default=True,
                     help="Colour theme."),
        click.option("--title", default=None, help="Title at the top left (default: the function)."),
        click.option("--max-frames", type=click.IntRange(min=1, max=1000), default=100, show_default=True,
                     help="At most this many frames (a range of N is thinned, a range of w log-spaced)."),
        hold_option,
        click.option("-q", "--quiet", is_flag=True, help="No progress bar."),
    ]):
        f = opt(f)
    return f


_OUTPUT_HELP = ("Output: .gif, .mp4, .webm, a directory or {step} pattern for PNG frames, or a still "
                ".png/.svg/.pdf of the last frame.")


def _floats(text: str, count: int, what: str, example: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in str(text).split(","))
    except ValueError:
        values = ()
    if len(values) != count:
        raise click.ClickException(f"bad {what} {text!r}: write {example}")
    return values


def _prepare_output(output: str) -> Path:
    check_output_target(output)
    return Path(output)


def _finish(sweep, out, size, fps, theme, title, hold, quiet, views=None, view_options=None):
    from ..render import parse_size
    from ..render.sweeps import render_sweep

    written = render_sweep(sweep, out, views=views, fps=fps, size=parse_size(size), theme=theme, title=title,
                           hold=hold, progress=not quiet, view_options=view_options)
    if not quiet:
        sup, mean = sweep.errors()
        last = f"; last frame: sup error {sup[-1]:.4g}, mean {mean[-1]:.4g}" if sup[-1] == sup[-1] else ""
        click.echo(f"wrote {written} ({len(sweep)} construction{'s' if len(sweep) > 1 else ''}{last})")


@cli.command()
@click.option("-f", "--function", "function", default="seed004", show_default=True, metavar="F",
              help="f(x): a formula in x such as \"0.2+0.4*x**2+0.3*x*sin(15*x)+0.05*cos(50*x)\" "
                   "(numbers, x, + - * / **, sin cos tan exp log sqrt abs tanh, pi, e) or a target name "
                   "(sin2x, sin10x, seed004).")
@click.option("--interval", default=None, metavar="A,B",
              help="The interval [a, b] (default: the target's, -1,1 for a formula).")
@click.option("-n", "--neurons", "n", default=None, metavar="N",
              help="Number of bumps: a number, a list 1,2,4,8 or a range 1..64 (one frame each). "
                   "Default 1..64, or 10 when --weight is a range.")
@click.option("-w", "--weight", "w", default="500", show_default=True, metavar="W",
              help="Steepness of the step neurons: a number or a range 1..500 (log-spaced frames).")
@click.option("--inverse-sigmoid", is_flag=True,
              help="Sigmoid output neuron (seed 004): the bumps follow sigma^-1(f); needs 0 < f < 1.")
@click.option("--relu", is_flag=True, help="ReLU hats: piecewise-linear interpolation with N + 1 ReLUs.")
@click.option("--halved-ends", is_flag=True,
              help="Put the outer steps exactly at a and b: the output is only half the height there.")
@click.option("--collapsed", is_flag=True, help="N + 1 neurons (one per edge) instead of 2N (same output).")
@click.option("--example", is_flag=True,
              help="Draw seed 004's own example network (steps 0,.2,.2,...,1, w = 500) against sigma^-1(f).")
@click.option("--no-error", is_flag=True, help="Leave out the error-against-N panel.")
@click.option("--save-trace", "trace_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the constructions as a trace file (frame k = step k), for `nnviz animate`.")
@click.option("-o", "--output", required=True, type=click.Path(), help=_OUTPUT_HELP)
@_render_options
@friendly
def bumps(function, interval, n, w, inverse_sigmoid, relu, halved_ends, collapsed, example, no_error, trace_path,
          output, fps, size, theme, title, max_frames, hold, quiet):
    """Approximate f(x) with N bumps of steep sigmoid neurons (or ReLU hats) and animate N or w.

    \b
    nnviz bumps --function "0.2+0.4*x**2+0.3*x*sin(15*x)+0.05*cos(50*x)" --interval 0,1 -n 1..64 -o bumps.gif
    nnviz bumps -n 10 -w 1..2000 -o steepness.gif
    nnviz bumps --relu -n 1..40 -o hats.gif
    nnviz bumps --example -o seed004.png
    """
    from ..approx import Sweep, bump_sweep, relu_sweep, seed004_example

    if inverse_sigmoid and relu:
        raise click.ClickException("--inverse-sigmoid and --relu exclude each other: choose one output")
    out = _prepare_output(output)
    if example:
        net = seed004_example()
        sweep = Sweep([net], "n", [5], title="seed 004's example")
        title = title or "seed 004's example"
    else:
        iv = _floats(interval, 2, "--interval", "A,B, e.g. 0,1") if interval else None
        w_is_range = ".." in str(w) or "," in str(w)
        n = n or ("10" if w_is_range else "1..64")
        if relu:
            if w_is_range:
                raise click.ClickException("--relu has no steepness: drop the --weight range")
            sweep = relu_sweep(function, n, interval=iv, max_frames=max_frames)
        else:
            sweep = bump_sweep(function, n, interval=iv, w=w, output="inverse-sigmoid" if inverse_sigmoid else "linear",
                               form="collapsed" if collapsed else "2n", halved_ends=halved_ends,
                               max_frames=max_frames)
        if title is None:
            what = "ReLU hats" if relu else ("bumps, σ⁻¹ trick" if inverse_sigmoid else "bumps")
            title = f"{what}: {_short(function if function in _TARGET_NAMES else sweep.construction.name, 16)}"
    if trace_path:
        check_writable(Path(trace_path), "trace")
        sweep.to_trace(trace_path).close()
    views = ["bumps"] if (no_error or len(sweep) == 1) else None   # (narrow frames drop it too)
    _finish(sweep, out, size, fps, theme, title, hold, quiet, views)


_TARGET_NAMES = ("sin2x", "sin10x", "seed004")


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@cli.command()
@click.option("--step-at", "s", type=float, default=0.5, show_default=True, help="Where the step sits: s = -b/w.")
@click.option("-w", "--weight", "w", default="1..500", show_default=True, metavar="W",
              help="The neuron's weight: a range (log-spaced frames) or a number.")
@click.option("--interval", default="0,1", show_default=True, metavar="A,B", help="The x range drawn.")
@click.option("-o", "--output", required=True, type=click.Path(), help=_OUTPUT_HELP)
@_render_options
@friendly
def step(s, w, interval, output, fps, size, theme, title, max_frames, hold, quiet):
    """One sigmoid neuron sigma(w x + b), b = -w s, becoming a step at s as w grows."""
    from ..approx import step_sweep

    iv = _floats(interval, 2, "--interval", "A,B, e.g. 0,1")
    if not iv[0] < s < iv[1]:
        raise click.ClickException(f"--step-at {s:g} must lie inside the interval [{iv[0]:g}, {iv[1]:g}]")
    out = _prepare_output(output)
    sweep = step_sweep(s, w, interval=iv, max_frames=max_frames)
    _finish(sweep, out, size, fps, theme, title or "a sigmoid neuron becomes a step", hold, quiet)


@cli.command()
@click.option("-f", "--function", "function", default="sin(3*x)*cos(3*y)", show_default=True, metavar="F",
              help="f(x, y): a formula in x and y (numbers, + - * / **, sin cos tan exp log sqrt abs tanh, pi, e).")
@click.option("--domain", default="0,1,0,1", show_default=True, metavar="AX,BX,AY,BY",
              help="The rectangle [ax, bx] x [ay, by].")
@click.option("-n", "--neurons", "n", default=None, metavar="N",
              help="Cells per axis: a number, a list or a range 1..16. Default 1..16, or 8 when --weight is a range.")
@click.option("-w", "--weight", "w", default="500", show_default=True, metavar="W",
              help="Steepness of the step neurons: a number or a range (log-spaced frames).")
@click.option("--height", "h", type=click.FloatRange(min=0, min_open=True), default=20.0, show_default=True,
              help="Weight of the tower neurons; their bias is -3h/2 (Nielsen's threshold).")
@click.option("--halved-ends", is_flag=True, help="Put the outer steps exactly on the border.")
@click.option("-o", "--output", required=True, type=click.Path(), help=_OUTPUT_HELP)
@_render_options
@friendly
def towers(function, domain, n, w, h, halved_ends, output, fps, size, theme, title, max_frames, hold, quiet):
    """Approximate f(x, y) with a grid of towers (Nielsen's 2-D construction) and animate N or w.

    \b
    nnviz towers --function "sin(3*x)*cos(3*y)" -n 1..16 -o towers.gif
    """
    from ..approx import towers_sweep

    ax, bx, ay, by = _floats(domain, 4, "--domain", "AX,BX,AY,BY, e.g. 0,1,0,1")
    out = _prepare_output(output)
    w_is_range = ".." in str(w) or "," in str(w)
    n = n or ("8" if w_is_range else "1..16")
    sweep = towers_sweep(function, n, domain=((ax, bx), (ay, by)), w=w, h=h, halved_ends=halved_ends,
                         max_frames=max_frames)
    _finish(sweep, out, size, fps, theme, title or f"towers: {_short(function, 14)}", hold, quiet)


@cli.command()
@click.option("-f", "--function", "function", default="seed004", show_default=True, metavar="F",
              help="f(x): a formula in x or a target name (sin2x, sin10x, seed004).")
@click.option("--interval", default=None, metavar="A,B", help="The interval (default: the target's).")
@click.option("-n", "--neurons", "n", type=click.IntRange(min=1, max=1000), default=10, show_default=True,
              help="Bins of the construction; the trained network gets as many hidden neurons.")
@click.option("-w", "--weight", "w", type=click.FloatRange(min=0, min_open=True), default=500.0, show_default=True,
              help="Steepness of the constructed steps.")
@click.option("--relu", is_flag=True, help="Compare with ReLU hats (and train a ReLU network).")
@click.option("--collapsed/--two-n", default=True, show_default=True,
              help="Collapsed construction (N + 1 neurons) or 2N neurons.")
@click.option("--from-construction", is_flag=True, help="Start training from the constructed weights.")
@click.option("--steps", "steps", type=click.IntRange(min=1, max=1_000_000), default=3000, show_default=True,
              help="Training steps (full-batch Adam).")
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=0.01, show_default=True,
              help="Learning rate.")
@click.option("--save-trace", "trace_path", type=click.Path(dir_okay=False), default=None,
              help="Keep the training trace here (default: nnviz's cache; no file beside the output).")
@click.option("-o", "--output", required=True, type=click.Path(), help=_OUTPUT_HELP)
@fps_option(default=20)
@hold_option
@click.option("--size", default="640x480", show_default=True, metavar="WxH", help="Frame size in pixels.")
@click.option("--theme", type=click.Choice(["light", "dark"]), default="light", show_default=True, help="Colour theme.")
@click.option("--title", default=None, help="Title at the top left.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@friendly
def versus(function, interval, n, w, relu, collapsed, from_construction, steps, lr, trace_path, output, fps, hold,
           size, theme, title, quiet):
    """Constructed vs trained: a construction and a gradient-trained network of the same width.

    \b
    nnviz versus -n 10 -o versus.gif
    nnviz versus -n 10 --from-construction -o refine.gif
    """
    from ..approx import bump_network, relu_network
    from ..versus import train_alongside
    from ..render import parse_size
    from ..render.sweeps import render_versus

    out = _prepare_output(output)
    iv = _floats(interval, 2, "--interval", "A,B, e.g. 0,1") if interval else None
    net = relu_network(function, n, interval=iv) if relu else \
        bump_network(function, n, interval=iv, w=w, form="collapsed" if collapsed else "2n")
    trace = Path(trace_path) if trace_path else None
    if trace is not None:
        if trace.resolve() == out.resolve():
            raise click.ClickException(f"the trace and the output would both be {out}; give another --save-trace")
        check_writable(trace, "trace")
    cmp = train_alongside(net, trace=trace, steps=steps, lr=lr, from_construction=from_construction)
    written = render_versus(cmp, out, fps=fps, hold=hold, size=parse_size(size), theme=theme, progress=not quiet,
                            title=title or "constructed vs trained")
    if not quiet:
        click.echo(f"wrote {written} (trace {cmp.trace.path}): constructed sup {cmp.constructed_error[0]:.4g} "
                   f"mean {cmp.constructed_error[1]:.4g}; trained sup {cmp.trained_error[0]:.4g} "
                   f"mean {cmp.trained_error[1]:.4g}")
