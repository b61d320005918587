"""`nnviz presets`, `nnviz train`, `nnviz info`."""

from __future__ import annotations

from pathlib import Path

import click

from .common import cli, complete_sources, friendly, muted_logs
from .common import check_writable, training_options, training_overrides


@cli.command()
def presets():
    """List the named experiments, grouped by the seed exercise they come from."""
    from ..presets import PRESETS

    groups: dict[str, list] = {}
    for p in PRESETS.values():
        groups.setdefault(p.seed, []).append(p)
    width = max(len(n) for n in PRESETS)
    for seed in sorted(groups):
        click.echo(f"seed {seed}")
        for p in groups[seed]:
            click.echo(f"  {p.name:<{width}}  {p.description}")


@cli.command()
@click.argument("spec", metavar="PRESET|CONFIG.toml|CSV", shell_complete=complete_sources)
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default=None,
              help="Trace file to write (HDF5). Default: PRESET.h5")
@training_options
@click.option("--dump-config", is_flag=True, help="Print the complete config as editable TOML and exit.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary.")
@friendly
def train(spec, output, dump_config, quiet, **training):
    """Train PRESET (or a TOML config, or your own CSV file) and record every step into a trace file.

    Tensors are recorded on the config's own schedule ('auto' unless it says otherwise), exactly as
    `nnviz animate PRESET` records them, so `nnviz train moons -o m.h5 && nnviz animate m.h5 -o
    m.gif` is the same movie.
    """
    from ..config import dump_toml
    from ..trace.schedule import parse_schedule
    from ..train import resolve_config
    from ..train import train as run

    cfg = resolve_config(spec, **training_overrides(**training))
    if dump_config:
        click.echo(dump_toml(cfg), nl=False)
        return
    parse_schedule(cfg["train"]["record"], cfg["train"]["steps"])  # bad --record fails before work
    output = Path(output or f"{Path(str(spec)).stem}.h5")
    check_writable(output, "trace")
    with muted_logs("nnviz.trace"):  # a divergence is reported below, as the error
        trace = run(cfg, trace=output, progress=not quiet)
    with trace:
        if trace.diverged:
            raise click.ClickException(f"{trace.message} (the trace up to there is in {output})")
        if not quiet:
            _print_summary(trace)


def _print_summary(trace):
    s = trace.summary()
    for key, value in s.items():
        if isinstance(value, float):
            value = f"{value:.6g}"
        if key == "size_bytes":
            key, value = "size", f"{s['size_bytes'] / 1e6:.2f} MB"
        click.echo(f"{key.replace('_', ' '):>16}: {value}")


@cli.command()
@click.argument("trace_file", type=click.Path(exists=True, dir_okay=False), metavar="TRACE")
@friendly
def info(trace_file):
    """Summarise a trace file: architecture, steps, final loss and accuracy, size."""
    from ..trace import load_trace

    with load_trace(trace_file) as trace:
        _print_summary(trace)
