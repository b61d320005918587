"""`nnviz sweep`: many runs of one config over a grid of settings, locally or on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import click

from .common import cli, friendly, training_options, training_overrides


class GridParam(click.ParamType):
    """``KEY=VALUES`` of ``--grid``: the key and its text (typed against the config later)."""

    name = "KEY=VALUES"

    def convert(self, value, param, ctx):
        from ..sweeps.grid import parse_grid_option

        try:
            return parse_grid_option(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


class SeedsParam(click.ParamType):
    """``N`` (init seeds 0..N-1) or a list like ``0,3,7``."""

    name = "N|LIST"

    def convert(self, value, param, ctx):
        if isinstance(value, (int, list)):
            return value
        text = str(value).strip()
        try:
            if "," in text:
                return [int(s) for s in text.split(",") if s.strip()]
            n = int(text)
            if n < 1:
                raise ValueError
            return n
        except ValueError:
            self.fail(f"{value!r} is not a number of seeds (e.g. 5) or a list of seeds (e.g. 0,3,7)", param, ctx)


def _cell(row, keys) -> str:
    from ..sweeps.grid import cell_text

    return cell_text({k: row[k] for k in keys}, row.get("seed")) or row["run"]


@cli.command()
@click.argument("spec", metavar="PRESET|CONFIG.toml|CSV")
@click.option("--grid", "grid", type=GridParam(), multiple=True,
              help="A config key and its values, repeatable: lr=1e-3,1e-2 | lr=1e-4..1:9log | hidden=4,8,16x16 | "
                   "activation=tanh,relu | train.batch_size=10,100 (dotted names for any key). The first "
                   "--grid is the heat map's rows, the second its columns.")
@click.option("--seeds", type=SeedsParam(), default=None,
              help="Init seeds per cell: N for 0..N-1, or a list like 0,3,7 (default: the config's seed).")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="The sweep's folder: one trace per run, sweep.json, sweep.csv, summary.png. Running the "
                   "same sweep again resumes it. Default: sweep-PRESET/")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: every core; 1 runs one after another in this process).")
@click.option("--backend", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool on this machine; dask: a Dask cluster (pip install 'nnviz[dask]').")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="With --backend dask: the scheduler, e.g. tcp://host:8786 (default: a local cluster of "
                   "--jobs workers). Traces are written into -o when the workers see that folder, else "
                   "shipped back.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10, show_default=True,
              help="With --scheduler: seconds to wait for the scheduler to answer.")
@training_options
@click.option("--metric", type=click.Choice(["test_accuracy", "accuracy", "test_loss", "loss"]), default=None,
              help="The heat map's number (default: test accuracy when there is a test set, else loss).")
@click.option("--no-figure", is_flag=True, help="Do not draw summary.png.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar, no summary.")
@friendly
def sweep(spec, grid, seeds, output, jobs, backend, scheduler, timeout, metric, no_figure, quiet, **training):
    """Train PRESET (or a TOML config, or a CSV file) for every combination of --grid values and
    seeds. The training options (--steps, --lr, --hidden, ...) set every run; --grid varies one.

    Sweep presets: seed002-grid (seed 002's eta x lambda grid search on the digits) and
    seed000-lr-study (seed 000's learning rates); --grid then changes their values.
    """
    from ..sweeps import SweepError
    from ..sweeps import sweep as run
    from ..sweeps.core import DONE

    if scheduler is not None and backend != "dask":
        raise click.ClickException("--scheduler needs --backend dask")
    if not grid and str(spec) not in _sweep_presets():
        raise click.ClickException("give at least one --grid KEY=VALUES (or a sweep preset: "
                                   f"{', '.join(_sweep_presets())})")
    out = Path(output or f"sweep-{Path(str(spec)).stem}")
    messages = []
    try:
        table = run(spec, grid=list(grid), seeds=seeds, out=out, jobs=jobs, backend=backend, scheduler=scheduler,
                    connect_timeout=timeout,
                    metric=metric, progress=not quiet, **training_overrides(**training),
                    notify=lambda m: (messages.append(m), click.echo(f"warning: {m}", err=True)))
    except SweepError as e:
        raise click.ClickException(str(e)) from None
    except KeyboardInterrupt:
        click.echo(f"interrupted; the finished runs are kept in {out}/: run the same command again to resume",
                   err=True)
        raise SystemExit(130) from None
    done = [r for r in table if r["status"] in DONE]
    if not no_figure and done:
        from ..render.sweep_figures import summary_figure

        summary_figure(table, out / "summary.png")
    if not quiet:
        _report(table, out, no_figure or not done)
    failed = table.failed()
    if failed:
        first = failed[0]
        raise click.ClickException(
            f"{len(failed)} of {len(table)} runs failed ({_cell(first, table.keys)}: {first['message']}); "
            f"the {len(done)} finished runs are kept in {out}/, run the same command again to retry")


def _sweep_presets():
    from ..sweeps import SWEEP_PRESETS

    return list(SWEEP_PRESETS)


def _report(table, out: Path, no_figure: bool):
    from ..sweeps.summary import summary_lines

    n = len(table)
    div = sum(r["status"] == "diverged" for r in table)
    click.echo(f"{n} runs in {out}/ ({div} diverged)" if div else f"{n} runs in {out}/")
    for line in summary_lines(table):
        click.echo(line)
    click.echo(f"index: {out / 'sweep.json'} (and sweep.csv)" + ("" if no_figure else f"; figure: {out / 'summary.png'}"))


def animate_sweep_folder(folder, output, views, fps, size, theme, title, max_frames, quiet, hold=1.5):
    """``nnviz animate SWEEP_DIR``: the runs of a sweep evolving in step, beside the heat map."""
    from ..render import parse_size
    from ..render.sweep_movie import SWEEP_VIEWS, animate_sweep
    from .common import check_output_target

    view = (views or "grid").strip()
    if view not in SWEEP_VIEWS:
        raise click.ClickException(f"a sweep folder is drawn with --view {' or --view '.join(SWEEP_VIEWS)}, "
                                   f"not {view!r}")
    check_output_target(output)
    from ..sweeps import load_sweep

    written = animate_sweep(load_sweep(folder), output, view=view, size=parse_size(size), fps=fps or 12, theme=theme,
                            title=title, max_frames=max_frames, hold=hold, progress=not quiet)
    if not quiet:
        click.echo(f"wrote {written}")
