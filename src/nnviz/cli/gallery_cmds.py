"""`nnviz gallery`: regenerate every gallery file (media/) in one command."""

from __future__ import annotations

from pathlib import Path

import click

from .common import cli, friendly


def _size(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


@cli.command()
@click.option("-o", "--output", default="media", show_default=True, type=click.Path(file_okay=False),
              help="The gallery folder.")
@click.option("--only", "only", multiple=True, metavar="NAME",
              help="Render only this entry (file name with or without suffix, or a seed such as 002); repeatable.")
@click.option("--list", "list_", is_flag=True, help="List the entries (file, seed, what it shows) and exit.")
@click.option("--markdown", is_flag=True, help="Print the README's gallery section and exit.")
@click.option("--work", type=click.Path(file_okay=False), default=None,
              help="Keep the training traces in this folder (default: a temporary folder, removed).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no per-file lines, only the summary.")
@friendly
def gallery(output, only, list_, markdown, work, quiet):
    """Render every gallery file: each seed exercise as a small GIF or PNG.

    Entries whose module is not installed (manim for the scenes) are skipped and reported; a
    failed entry leaves its previous file in place and makes the exit status 1.

    \b
    nnviz gallery -o media/
    nnviz gallery --list
    nnviz gallery --only seed002_ode --only seed000_activations -o media/
    nnviz gallery --only 001 -o media/
    """
    from ..gallery import find_entries, gallery_markdown, render_gallery

    entries = find_entries(list(only) or None)
    if list_:
        width = max(len(e.name) for e in entries)
        for e in entries:
            click.echo(f"{e.name:<{width}}  seed {e.seed}  {e.title}")
        return
    if markdown:
        click.echo(gallery_markdown(Path(output).as_posix().rstrip("/") or "media", entries), nl=False)
        return

    def report(r):
        if quiet:
            return
        if r.status == "written":
            frames = f"{r.frames} frame{'s' if r.frames != 1 else ''}"
            line = f"wrote   {r.entry.name}  {_size(r.size)}, {frames}, {r.seconds:.1f} s"
        else:
            line = f"{r.status:<7} {r.entry.name}: {r.message}"
        from tqdm import tqdm

        tqdm.write(line)  # above the progress bar, not through it

    results = render_gallery(output, [e.name for e in entries], work=work, progress=not quiet, on_result=report)
    written = [r for r in results if r.status == "written"]
    skipped = [r for r in results if r.status == "skipped"]
    failed = [r for r in results if r.status == "failed"]
    total = sum(p.stat().st_size for p in Path(output).iterdir() if p.is_file() and p.suffix in (".gif", ".png"))
    click.echo(f"{len(written)} written, {len(skipped)} skipped, {len(failed)} failed; "
               f"the gallery folder {output} holds {_size(total)}")
    for r in failed:
        click.echo(f"failed: {r.entry.name}: {r.message}", err=True)
    if failed:
        raise SystemExit(1)
