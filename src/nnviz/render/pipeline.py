"""The one render loop: a sequence of frame keys, drawn by a frame source, written to any target.

Every command, the gallery and the notebook helpers end here. :func:`render` asks
:func:`nnviz.export.classify` what the output is, then

* a **vector still** (``.svg``, ``.pdf``) is drawn by the source (``source.savefig``) into a hidden
  file beside the target and moved into place when it is complete; a ``.png`` still is the movie's
  own frame (same pixels as the GIF or MP4), written like any frame;
* a **movie**, the **HTML player** or **PNG frames** get their writer from
  :func:`nnviz.export.open_writer`, which writes beside the target and moves the result into
  place on success (an exception or Ctrl-C removes the partial output and leaves an older file
  untouched).

A frame source is anything with ``frames(keys) -> iterator of (key, frame)`` and
``savefig(path, key)``, such as :class:`nnviz.render.Layout`; ``palette_frame()`` is optional. A
source with ``frames_as_rgba = True`` also takes ``frames(keys, rgba=True)`` and then yields its
RGBA canvas uncopied, which writers that take RGBA (``takes_rgba``: MP4, WebM) are given.
The loop draws each frame once: the frames that choose a GIF's palette are drawn first and kept
until their turn, and a key repeated in a row is drawn once and written again.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any, Sequence

__all__ = ["render", "hold_frames", "movie_fps", "DEFAULT_FPS", "MIN_SECONDS"]

#: Frames per second of a movie when none is asked for.
DEFAULT_FPS = 20.0
#: The shortest movie the default frame rate makes (seconds, the hold included): a lecture needs
#: time to see the run.
MIN_SECONDS = 4.0

log = logging.getLogger(__name__)


def _same(a, b) -> bool:
    # frame keys may be int subclasses carrying more (a phase of a step): only identical objects,
    # or plain equal ints, are the same frame
    return a is b or (type(a) is int and type(b) is int and a == b)


def render(source, keys: Sequence, output, *, fps: float = 20, holds: Sequence[int] | None = None,
           hold: float = 0.0, still=None, number: str = "step", palette: Sequence[int] | None = None,
           progress: bool = False, desc: str | None = None,
           writer_options: dict[str, Any] | None = None) -> tuple[Path, int]:
    """Draw ``keys`` with ``source`` and write them to ``output``.

    Parameters
    ----------
    source : frame source
        ``frames(keys)`` yielding ``(key, frame)`` with frames of shape (H, W, 3) uint8, and
        ``savefig(path, key)``; e.g. a :class:`~nnviz.render.Layout`.
    keys : sequence
        Frame keys in movie order (training steps, sweep indices, backprop sub-frames).
    output : str or Path
        Any target :func:`nnviz.export.classify` knows.
    fps : float
    holds : sequence of int, optional
        How many movie frames each key stays on screen (default 1 each); PNG frames get one file
        per key whatever the hold.
    hold : float
        Seconds the last key stays on screen after its own frames, before a movie ends or loops
        (:func:`hold_frames` of them, repeated); ignored by PNG frames and the HTML player.
    still : frame key, optional
        The key a still shows (default: the last key).
    number : {"step", "frame"}
        What names PNG frames and labels player frames: the key (a training step) or the running
        frame number.
    palette : sequence of int, optional
        Indices into ``keys`` of the frames a GIF's palette is built from (default: the first),
        together with the source's ``palette_frame()``; ignored when ``writer_options`` gives
        ``palette_frames``.
    progress : bool
        A progress bar on the terminal.
    desc : str, optional
        Its label (default: ``"rendering NAME"``).
    writer_options : dict, optional
        Passed to the writer (e.g. ``{"colors": 64}`` for a GIF, ``{"meta": ...}`` for the player).

    Returns
    -------
    (Path, int)
        The written output and the number of frames written (1 for a still).
    """
    from ..export import WRITERS, classify, open_writer

    target = classify(output)
    keys = list(keys)
    if not keys:
        raise ValueError("nothing to render: no frames were selected")
    if target.is_still:
        key = keys[-1] if still is None else still
        if target.vector:
            return _still(source, key, target.path), 1
        keys, holds, palette = [key], None, None  # a PNG still is that movie frame, pixel for pixel
    if number not in ("step", "frame"):
        raise ValueError(f"number must be 'step' or 'frame', got {number!r}")
    holds = [1] * len(keys) if holds is None or target.is_frames else [max(1, int(h)) for h in holds]
    if len(holds) != len(keys):
        raise ValueError(f"{len(holds)} holds for {len(keys)} frame keys")
    if target.kind == "movie":
        holds[-1] += hold_frames(hold, fps)
    # runs of one key become one drawing written several times
    runs: list[list] = []  # [key, movie frames]
    for k, h in zip(keys, holds):
        if runs and _same(runs[-1][0], k) and not target.is_frames:
            runs[-1][1] += h
        else:
            runs.append([k, h])
    opts = dict(writer_options or {})
    picks: list[int] = []
    if target.writer == "gif" and "palette_frames" not in opts:
        wanted = [0] if palette is None else [int(i) for i in palette]
        run_of = _run_index(keys, holds, runs)
        picks = sorted({run_of[i] for i in wanted if -len(keys) <= i < len(keys)})
    order = picks + [i for i in range(len(runs)) if i not in set(picks)]
    order_keys = [runs[i][0] for i in order]
    if not picks and target.writer is not None and WRITERS[target.writer].takes_rgba \
            and getattr(source, "frames_as_rgba", False):
        drawn = source.frames(order_keys, rgba=True)  # the canvas itself, copied by the writer at once
    else:
        drawn = source.frames(order_keys)
    if progress:
        from tqdm import tqdm

        drawn = tqdm(drawn, total=len(order), desc=desc or f"rendering {Path(target.path).name}",
                     unit="frame", leave=False, disable=None)  # disable=None: only on a terminal
    drawn = iter(drawn)
    kept = {}
    for i in picks:  # the palette's frames: drawn first, written in their turn
        kept[i] = next(drawn)[1]
    if target.writer == "gif" and "palette_frames" not in opts:
        extra = source.palette_frame() if hasattr(source, "palette_frame") else None
        samples = [kept[i] for i in picks] + ([] if extra is None else [extra])
        if samples:
            opts["palette_frames"] = samples
    if target.writer == "gif" and "reserved_colors" not in opts and hasattr(source, "reserved_colors"):
        opts["reserved_colors"] = source.reserved_colors()
    n = 0
    with open_writer(target.path, fps=fps, **opts) as w:
        for i, (key, count) in enumerate(runs):
            frame = kept.pop(i) if i in kept else next(drawn)[1]
            for _ in range(count):
                w.write(frame, step=int(key) if number == "step" else n)
                n += 1
    return Path(target.path), n


def movie_fps(n_frames: int, fps: float | None = None, hold: float = 0.0) -> float:
    """The frame rate of a movie of ``n_frames`` frames and a ``hold`` s pause at the end.

    An asked-for ``fps`` is kept; None gives :data:`DEFAULT_FPS`, lowered (to no less than 1)
    so that the movie lasts at least :data:`MIN_SECONDS`.
    """
    if fps is not None:
        return float(fps)
    play = MIN_SECONDS - float(hold)
    if play <= 0 or n_frames / DEFAULT_FPS >= play:
        return DEFAULT_FPS
    return max(1.0, n_frames / play)


def hold_frames(hold: float, fps: float) -> int:
    """Movie frames that show a pause of ``hold`` seconds at ``fps`` (0 for no pause).

    Raises
    ------
    ValueError
        For a negative or non-finite hold.
    """
    hold = float(hold)
    if not (hold >= 0 and hold != float("inf")):
        raise ValueError(f"the hold must be >= 0 seconds, got {hold}")
    return int(round(hold * float(fps)))


def _run_index(keys, holds, runs) -> list[int]:
    """For each key, the index of the run it belongs to."""
    out, r, left = [], 0, runs[0][1]
    for h in holds:
        if left <= 0:
            r += 1
            left = runs[r][1]
        out.append(r)
        left -= h
    return out


def _still(source, key, path: str) -> Path:
    """Draw one still beside ``path`` and move it into place when it is complete."""
    out = Path(path)
    if out.is_dir():
        raise OSError(f"output path {out} is a folder; give a file name such as {out / 'still.png'}")
    from ..safefile import claim_output

    out.parent.mkdir(parents=True, exist_ok=True)
    lock = claim_output(out, f".{out.stem}.nnviz-tmp-*{out.suffix}", what="still")
    tmp = out.parent / f".{out.stem}.nnviz-tmp-{secrets.token_hex(4)}{out.suffix}"
    try:
        source.savefig(tmp, key)
        os.replace(tmp, out)
    except BaseException:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
        raise
    finally:
        lock.release()
    log.info("wrote %s", out)
    return out
