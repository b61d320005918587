"""``nnviz backprop``'s movie: the phases of real training steps through the network view."""

from __future__ import annotations

import numpy as np

from ...base import view_class
from .phases import SubFrame, backprop_frames

__all__ = ["render_backprop"]


def render_backprop(source, output, *, step=None, steps=None, sample=0, phases=True, detail="layers",
                    later="update", morph_seconds=0.8, phase=None, fps=10, hold=0.0, size=(1280, 720), theme="light",
                    title=None, progress=False, max_frames=150, wide="subset",
                    max_units=16, rank="weight", palette_colors=255):
    """Render the backprop flow of a training run: the phases of one step, or of a sequence.

    Parameters
    ----------
    source : Trace, str or Path
        An open trace or a trace file (a preset is trained first with
        :func:`nnviz.sources.trace_for`).
    output : str or Path
        ``.gif``/``.mp4``/``.webm``, PNG frames (folder or ``{step}`` pattern: numbered by frame),
        or a single still ``.png``/``.svg``/``.pdf`` (of ``phase``, default "grad" of layer 1:
        every value of the step at once).
    step : int, optional
        The training step to show (default: the first recorded step). Must be recorded.
    steps : str or list of int, optional
        Several steps (see :func:`nnviz.render.select_steps`); the first shows every phase, the
        later ones only their update (``later="full"``: every phase).
    sample : int or "mean"
    phases : bool
        False: one frame per step (the forward state), like ``nnviz animate --view network``.
    detail : {"layers", "phases"}
    morph_seconds : float
        Duration of the update morph.
    hold : float
        Seconds the last frame stays on screen, after its own phase hold, before a movie ends or loops.
    phase : str, optional
        The phase of a still: one of :data:`PHASES` (the last layer or t = 1).

    Returns
    -------
    (Path, int)
        The written output and the number of movie frames.
    """
    from pathlib import Path

    from ....export import classify
    from ...animate import as_trace, header_text, select_steps
    from ...layout import Layout
    from ...pipeline import render

    target = classify(output)  # an unknown suffix fails before any work
    trace = as_trace(source)
    recorded = [int(s) for s in trace.steps]
    if step is not None and steps is not None:
        raise ValueError("give either a step or steps, not both")
    if steps is not None:
        chosen = select_steps(trace, steps, max_frames)
    else:
        k = recorded[0] if step is None else int(step)
        if k not in recorded:
            i = int(np.searchsorted(recorded, k))
            near = recorded[max(0, i - 3): i + 3]
            raise ValueError(f"step {k} is not recorded; nearby recorded steps: {', '.join(map(str, near))}")
        chosen = [k]
    view = view_class("network")(trace, theme=theme, sample=sample, wide=wide, max_units=max_units, rank=rank,
                                 equations=True if phases or phase else "auto")
    if title is None:
        name = trace.config.get("name", Path(str(trace.path)).stem)
        who = "batch gradient" if sample == "mean" else f"sample {sample}"  # the caption names the pass's sample
        title = f"{name} · backprop · {who}"
    layout = Layout([[view]], size=size, theme=theme, title=title, header=header_text(trace))
    if target.is_still:
        ph = phase or ("grad" if phases else None)
        if ph is None:
            key = chosen[-1]
        else:
            layer = {"z": trace.L, "a": trace.L, "forward": trace.L, "loss": trace.L, "delta": 1, "backward": 1,
                     "grad": 1, "gradient": 1}.get(ph)
            key = SubFrame(chosen[-1], ph, layer)
        return render(layout, [key], output)
    if phases:
        # PNG frames are slides to step through: the update is one slide, not a morph
        morph = max(1, round(morph_seconds * fps)) if (detail == "layers" and not target.is_frames) else 1
        keys = backprop_frames(trace, chosen, detail=detail, morph=morph, fps=fps, later=later)
    else:
        keys = list(chosen)
    # a movie holds each phase on screen (PNG frames, slides to step through, get one file each);
    # the GIF palette comes from frames that hold every colour: weights, gradients (the last
    # gradient frame shows them in every layer) and the end
    grads = [i for i, k in enumerate(keys) if getattr(k, "phase", None) in ("grad", "gradient")]
    palette = [0] + grads[-1:] + [len(keys) // 2, len(keys) - 1]
    return render(layout, keys, output, fps=fps, holds=[getattr(k, "hold", 1) for k in keys], hold=hold,
                  number="frame",
                  palette=palette, progress=progress,
                  writer_options={"colors": palette_colors} if target.writer == "gif" else None)
