"""From traces to an animation file: what ``nnviz animate`` draws (frame steps, layout, header).

Renderers take traces (open, or trace files); turning a preset name or a config into a trace is
:func:`nnviz.sources.trace_for`'s job. The frames go through :func:`nnviz.render.pipeline.render`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from .base import view_class
from .layout import Layout
from ..formatting import percent

__all__ = ["select_steps", "story_steps", "build_layout", "animate", "default_views", "header_text", "player_meta",
           "run_labels",
           "check_steps_spec", "as_trace"]

log = logging.getLogger(__name__)


def default_views(trace) -> list[str]:
    """What to show for a trace: boundary + loss for 2-D classifiers, fit + loss for 1-D fits."""
    if getattr(trace, "is_convolutional", False):  # seed 002's CNN (nnviz.nn.conv)
        return ["filters", "featuremaps", "loss"]
    if trace.config.get("train", {}).get("loss") == "ode":  # nnviz.ode (seed 002)
        return ["ode", "loss"]
    if trace.is_classifier and _raw_inputs(trace) == 2:
        return ["boundary", "loss"]
    if trace.is_classifier and trace.data.image_shape:  # digits (seed 002)
        return ["weights", "loss"]
    if not trace.is_classifier and trace.sizes[0] == 1 and trace.sizes[-1] == 1:
        return ["fit", "loss"]
    return ["network", "loss"]


def _raw_inputs(trace) -> int:
    """Inputs before any added features (``data.features``, :mod:`nnviz.data.features`)."""
    if not (trace.config.get("data") or {}).get("features"):
        return trace.sizes[0]
    from ..data.features import input_map

    return input_map(trace.config, trace.sizes[0])[0]


def story_steps(recorded, n: int) -> list[int]:
    """At most ``n`` of the ``recorded`` steps (sorted), where training changes: log-spaced early,
    then evenly spaced.

    Training moves fastest at the start (the first 30 of 400 steps of a deep sigmoid network hold
    its story). The frames' steps start one step apart and their gaps grow geometrically over the
    first half of the frames, then stay at the gap they reached for the second half, which ends
    on the last recorded step (:func:`_story_targets`); each target becomes the nearest recorded
    step. The first and the last recorded steps are always kept.
    """
    rec = np.asarray(recorded, dtype=np.int64)
    n = int(n)
    if len(rec) <= n:
        return [int(s) for s in rec]
    if n <= 2:
        return [int(s) for s in np.unique(rec[[0, -1]])][-n:] if n else []

    def pick(m):
        targets = rec[0] + _story_targets(m, float(rec[-1] - rec[0]))
        i = np.clip(np.searchsorted(rec, targets), 1, len(rec) - 1)
        nearer = np.where(targets - rec[i - 1] <= rec[i] - targets, i - 1, i)  # the nearest recorded step
        return np.unique(np.concatenate([[0, len(rec) - 1], nearer]))

    # where recorded steps are sparse (a log2 schedule) several targets fall on one of them: ask
    # for more targets until the n frames are used
    best, m = pick(n), n
    while len(best) < n and m < 8 * n:
        m = int(m * 1.1) + 1
        more = pick(m)
        if len(more) > n:
            break
        best = more
    return [int(s) for s in rec[best]]


def _story_targets(m: int, span: float) -> np.ndarray:
    """``m`` points from 0 to ``span``: gaps of 1 growing geometrically over the first half, then
    constant (the gap reached) to ``span``. ``t_i = tau (e^(i/tau) - 1)`` up to ``i_s = m // 2``,
    then a straight line of the same slope; ``tau`` is found by bisection."""
    i_s, rest = m // 2, m - 1 - m // 2
    if span <= m - 1:
        return np.linspace(0.0, span, m)

    def end(rate):  # t_(m-1) for 1/tau = rate
        if rate == 0:
            return float(m - 1)
        g = np.exp(min(i_s * rate, 700.0))
        return (g - 1) / rate + g * rest

    lo, hi = 0.0, 1.0
    while end(hi) < span:
        hi *= 2
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if end(mid) < span else (lo, mid)
    rate = (lo + hi) / 2
    i = np.arange(m, dtype=float)
    g = np.exp(i_s * rate)
    early = np.expm1(np.minimum(i, i_s) * rate) / rate if rate > 0 else np.minimum(i, i_s)
    return np.minimum(early + g * np.maximum(i - i_s, 0), span)


def select_steps(trace, spec: str | Sequence[int] | None = None, max_frames: int = 150) -> list[int]:
    """The frame steps: recorded steps chosen by ``spec``.

    ``spec`` is None (the recorded steps, at most ``max_frames`` of them chosen by
    :func:`story_steps`: log-spaced early, then even), a range
    ``"A:B"`` or ``"A:B:K"`` (B inclusive), a schedule (``log2``, ``every:K``, ``all``), or a list
    (``"0,1,3"`` or a sequence of ints). Steps without recorded tensors are dropped; if none is
    left, ValueError says which steps are recorded.
    """
    from ..trace.schedule import parse_schedule

    recorded = np.asarray(trace.steps)
    last = int(trace.all_steps[-1])
    if spec is None or (isinstance(spec, str) and spec.strip() in ("", "recorded")):
        chosen = np.asarray(story_steps(recorded, max_frames), int)
    elif isinstance(spec, str) and ":" in spec and not spec.startswith("every:"):
        parts = spec.split(":")
        try:
            a, b = int(parts[0] or 0), int(parts[1] or last)
            k = int(parts[2]) if len(parts) > 2 else 1
        except ValueError:
            raise ValueError(f"bad --frames {spec!r}: a range is A:B or A:B:K, e.g. 0:100:5") from None
        if k < 1:
            raise ValueError(f"bad --frames {spec!r}: the stride K must be >= 1")
        chosen = np.intersect1d(recorded, np.arange(a, b + 1, k))
    else:
        if isinstance(spec, str) and "," not in spec and not spec.strip().isdigit():
            wanted = parse_schedule(spec, last)  # a schedule: log2, every:K, all (ends at the last step)
        else:  # an explicit list means exactly those steps
            items = spec.replace(" ", "").split(",") if isinstance(spec, str) else list(spec)
            try:
                wanted = np.array([int(x) for x in items if x != ""], int)
            except ValueError:
                raise ValueError(f"bad --frames {spec!r}: a list is like 0,1,3,7") from None
        chosen = np.intersect1d(recorded, wanted)
    if len(chosen) == 0:
        raise no_recorded_step(spec, recorded)
    return [int(s) for s in chosen]


def no_recorded_step(spec, recorded) -> ValueError:
    """The error of a frame selection that picks none of the recorded steps (the first few listed)."""
    recorded = sorted(int(s) for s in recorded)
    shown = ", ".join(map(str, recorded[:8])) + (", ..." if len(recorded) > 8 else "")
    return ValueError(f"--frames {spec!r} selects no recorded step; recorded steps: {shown}")


def check_steps_spec(spec) -> None:
    """Raise ValueError for a malformed ``--steps`` before any training or rendering work."""
    if spec is None or not isinstance(spec, str):
        return
    from ..trace.schedule import parse_schedule

    if ":" in spec and not spec.startswith("every:"):
        parts = spec.split(":")
        try:
            [int(p) for p in parts if p != ""]
        except ValueError:
            raise ValueError(f"bad --frames {spec!r}: a range is A:B or A:B:K, e.g. 0:100:5") from None
        if len(parts) > 3 or (len(parts) == 3 and parts[2] != "" and int(parts[2]) < 1):
            raise ValueError(f"bad --frames {spec!r}: a range is A:B or A:B:K with a stride K >= 1")
    elif spec.strip() not in ("", "recorded"):
        parse_schedule(spec, 10)


def as_trace(source):
    """An open trace from a Trace or a trace file; anything else is refused (renderers never train).

    Raises
    ------
    ValueError
        For a preset name or a config: turn it into a trace first with
        :func:`nnviz.sources.trace_for`.
    """
    from ..trace import Trace, load_trace

    if isinstance(source, Trace):
        return source
    p = Path(str(source))
    if p.suffix.lower() in (".h5", ".hdf5") or (p.is_file() and p.suffix.lower() != ".toml"):
        return load_trace(p)
    raise ValueError(f"{source!r} is not a trace: renderers draw traces; train it first with "
                     "nnviz.sources.trace_for (or `nnviz train`)")


def header_text(trace):
    """``header(step)`` for a single run: step, loss and accuracy from the trace's scalars."""
    width = len(str(int(trace.all_steps[-1])))

    def header(step):
        k = min(int(step), int(trace.all_steps[-1]))
        text = f"step {k:>{width}}   loss {trace.loss[k]:.4g}"
        if trace.is_classifier and np.isfinite(trace.accuracy[k]):
            text += f"   accuracy {percent(trace.accuracy[k])}"
            if np.isfinite(trace.test_accuracy[k]):
                text += f" (test {percent(trace.test_accuracy[k])})"
        return text

    return header


def build_layout(traces, views=None, labels=None, size=(640, 480), theme="light", title=None,
                 view_options=None) -> Layout:
    """A layout for one run (its views side by side) or several: a row per view with a panel per run,
    except views that draw every run in one panel (``shares_runs``: the loss curves in a strip at
    the bottom, the landscape on one plane)."""
    traces = list(traces)
    view_options = {k: dict(o) for k, o in (view_options or {}).items()}
    views = list(views or default_views(traces[0]))
    for v in views:
        view_class(v)
    if "boundary" in views:  # a grid as fine as the frame (unless asked otherwise)
        from .views.boundary import resolution_for

        view_options.setdefault("boundary", {}).setdefault("resolution", resolution_for(size))
    if len(traces) == 1:
        tr = traces[0]
        row = [view_class(v)(tr, theme=theme, **view_options.get(v, {})) for v in views]
        if len(row) >= 3 and "loss" in views and size[0] < 1.5 * size[1]:
            # three or more panels in a 4:3 frame: the loss curve becomes a full-width strip
            # below the others, which keep the height they need (16:9 frames keep one row)
            strip = [v for v in row if v.name == "loss"]
            main = [v for v in row if v.name != "loss"]
            return Layout([main, strip], size=size, theme=theme, title=title, header=header_text(tr),
                          row_heights=[1.0, 0.42])
        return Layout([row], size=size, theme=theme, title=title, header=header_text(tr))
    labels = run_labels(traces, labels)
    runs = list(zip(labels, traces))
    rows = []
    for v in views:
        if v == "loss":
            continue
        cls = view_class(v)
        if cls.shares_runs:  # one panel for all runs (the landscape: one plane, a path each)
            rows.append([cls(traces[0], theme=theme, runs=runs, **view_options.get(v, {}))])
        else:
            rows.append([cls(tr, theme=theme, label=f"{lab}", **view_options.get(v, {})) for lab, tr in runs])
    heights = [1.0] * len(rows)
    if "loss" in views:
        rows.append([view_class("loss")(traces[0], theme=theme, runs=runs, **view_options.get("loss", {}))])
        heights.append(0.6)
    longest = max(traces, key=lambda t: int(t.all_steps[-1]))
    width = len(str(int(longest.all_steps[-1])))
    return Layout(rows, size=size, theme=theme, title=title, row_heights=heights,
                  header=lambda s: f"step {min(int(s), int(longest.all_steps[-1])):>{width}}")


def animate(source, output, *, views=None, steps=None, fps=None, hold=0.0, size=(640, 480), theme="light",
            title=None, progress=False, max_frames=150, view_options=None, labels=None,
            writer_options=None) -> Path:
    """Render an animation (or a still) of one or several training runs.

    Parameters
    ----------
    source : Trace, str or Path, or a list of them
        Open traces or trace files (a preset is trained first with
        :func:`nnviz.sources.trace_for`). Several sources are shown side by side on a shared
        step axis.
    output : str or Path
        ``.gif``, ``.mp4``, ``.webm``, ``.html``, a ``{step}`` pattern or a directory (PNG
        frames), or a single ``.png``/``.svg``/``.pdf`` still (of the last selected step); see
        :func:`nnviz.export.classify`.
    views : list of str, optional
        Names from :data:`nnviz.render.VIEWS`; default from :func:`default_views`.
    steps : str or list of int, optional
        Which recorded steps become frames (see :func:`select_steps`).
    fps : float, optional
        Frames per second; None: :func:`~nnviz.render.pipeline.movie_fps` (20, or slower so that
        a short movie lasts at least :data:`~nnviz.render.pipeline.MIN_SECONDS`).
    hold : float
        Seconds the last frame stays on screen before a movie ends or loops.
    size : (int, int)
        Frame size in pixels.
    theme : {"light", "dark"}
    title : str, optional
    progress : bool
        Show a progress bar.
    max_frames : int
        Thin the recorded steps to at most this many frames when ``steps`` is None.
    view_options : dict, optional
        ``{view name: {option: value}}``.
    labels : list of str, optional
        Names of the runs (default: the trace files' stems).
    writer_options : dict, optional
        Extra options for the writer (e.g. ``{"autoplay": True}`` for ``.html``).

    Returns
    -------
    Path of the written output.
    """
    from ..export import classify
    from .pipeline import movie_fps, render

    target = classify(output)  # an unknown suffix fails before any work
    sources = list(source) if isinstance(source, (list, tuple)) else [source]
    traces = [as_trace(s) for s in sources]
    named = labels is not None and len(set(labels)) == len(labels)
    labels = run_labels(traces, labels)
    frame_steps = select_steps(traces[0], steps, max_frames) if len(traces) == 1 else _shared_steps(traces, steps, max_frames)
    if title is None:
        title = comparison_title(labels) if len(traces) > 1 else traces[0].config.get("name", labels[0])
        presets = {tr.config.get("name") for tr in traces}
        if len(traces) > 1 and not named and len(presets) == 1 and None not in presets:  # one preset, two settings
            title = f"{presets.pop()}: {title}"
    if views is None and target.is_player:  # the player draws its own loss curve
        views = [v for v in default_views(traces[0]) if v != "loss"] or None
    layout = build_layout(traces, views, labels, size=size, theme=theme, title=title, view_options=view_options)
    opts = {}
    if target.is_player:  # the HTML player's label and loss curve
        opts["meta"] = player_meta(traces, labels, title, log=(view_options or {}).get("loss", {}).get("log", False))
    opts.update(writer_options or {})
    fps = movie_fps(len(frame_steps), fps, hold)
    if target.kind == "movie":
        _warn_if_short(traces, frame_steps, fps)
    written, _ = render(layout, frame_steps, output, fps=fps, hold=hold, progress=progress, writer_options=opts)
    return written


def _warn_if_short(traces, frame_steps, fps):
    """One line when a movie would be over before anyone sees it, and why."""
    sparse = [t for t in traces if len(t.steps) <= 2 < len(t.all_steps)]
    if sparse:
        log.warning("%s holds tensors for %d step(s) only (recorded with --record %s): re-train with "
                    "--record auto for a movie", sparse[0].path.name, len(sparse[0].steps),
                    sparse[0].config.get("train", {}).get("record", "?"))
    elif len(frame_steps) / fps < 2:
        log.warning("the movie has %d frames at %g fps: %.2g s; lower --fps or record more steps (--record auto)",
                    len(frame_steps), fps, len(frame_steps) / fps)


def player_meta(traces, labels=None, title=None, log=False) -> dict:
    """Per-step scalars for the HTML player (the ``meta=`` option of its writer).

    One run: ``steps``, ``loss``, ``accuracy`` (classifiers) and test curves if recorded; several
    runs: ``loss`` (and ``accuracy``) as ``{label: values}`` on the longest run's steps.
    """
    traces = list(traces)
    if len(traces) == 1:
        tr = traces[0]
        meta = {"steps": tr.all_steps, "loss": tr.loss, "title": title, "log": bool(log)}
        if np.isfinite(tr.test_loss).any():
            meta["test_loss"] = tr.test_loss
        if tr.is_classifier:
            meta["accuracy"] = tr.accuracy
            if np.isfinite(tr.test_accuracy).any():
                meta["test_accuracy"] = tr.test_accuracy
        return meta
    labels = run_labels(traces, labels)
    longest = max(traces, key=lambda t: len(t.all_steps))
    meta = {"steps": longest.all_steps, "loss": {lab: tr.loss for lab, tr in zip(labels, traces)},
            "title": title, "log": bool(log)}
    if all(tr.is_classifier for tr in traces):
        meta["accuracy"] = {lab: tr.accuracy for lab, tr in zip(labels, traces)}
    return meta


def _shared_steps(traces, spec, max_frames):
    """Frame steps for several runs: the union of their selections, thinned (:func:`story_steps`)."""
    chosen, error = [], None
    for t in traces:  # a step that only the longer runs recorded (e.g. --step 300 of a run that stopped at 96)
        try:
            chosen.append(select_steps(t, spec, 10**9))
        except ValueError as e:
            error = e
    if not chosen:
        raise error
    allsteps = np.unique(np.concatenate(chosen))
    if spec is None:
        return story_steps(allsteps, max_frames)
    return [int(s) for s in allsteps]


#: Config settings that never tell two runs apart in a label (bookkeeping, not training).
_NOT_A_DIFFERENCE = {"name", "description", "record", "probe", "max_trace_gb"}
#: How a setting is named in a label: "lr 0.003", "λ 0.01", "hidden 8x8".
_SHORT_NAMES = {"train.l2": "λ", "train.batch_size": "batch", "init.seed": "init seed", "train.seed": "seed",
                "model.activation": "", "train.optimizer": "", "train.loss": "loss"}


def _flat(d, prefix=""):
    out = {}
    for k, v in (d or {}).items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _setting(key, value) -> str:
    name = _SHORT_NAMES.get(key, key.split(".")[-1])
    if isinstance(value, (list, tuple)):
        text = "x".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    return f"{name} {text}".strip()


def comparison_title(labels) -> str:
    """The title of compared runs: ``"a vs b"``; runs whose names share a family prefix say it once,
    ``["moons-gd", "moons-adam"]`` -> ``"moons: gd vs adam"`` (a title that fits beside the header)."""
    labels = [str(x) for x in labels]
    prefix = os.path.commonprefix(labels)
    prefix = prefix[: prefix.rfind("-") + 1]  # up to a whole "family-" part
    if len(labels) > 1 and prefix and all(len(x) > len(prefix) for x in labels):
        return f"{prefix[:-1]}: " + " vs ".join(x[len(prefix):] for x in labels)
    return " vs ".join(labels)


def run_labels(traces, labels=None, by_settings=True) -> list[str]:
    """Names for compared runs that tell them apart.

    ``labels`` (default: the traces' file names, without the cache's key) are kept when they
    differ. Runs that share a name (one preset trained with other settings) are named by what
    differs in their configs, e.g. ``["lr 0.0001", "lr 0.003"]``, never "left" and "right";
    ``by_settings=False`` only numbers them ("moons (1)", "moons (2)").
    """
    import re

    traces = list(traces)
    labels = [str(x) for x in labels] if labels else \
        [re.sub(r"-[0-9a-f]{16}$", "", Path(str(tr.path)).stem) for tr in traces]
    if len(set(labels)) == len(labels):
        return labels
    if by_settings:
        flat = [_flat(tr.config) for tr in traces]
        keys = sorted({k for f in flat for k in f if k.split(".")[-1] not in _NOT_A_DIFFERENCE})
        differ = [k for k in keys if len({repr(f.get(k)) for f in flat}) > 1]
        if differ and len(differ) <= 3:
            named = [", ".join(_setting(k, f.get(k)) for k in differ) for f in flat]
            if len(set(named)) == len(named):
                return named
    return [lab if labels.count(lab) == 1 else f"{lab} ({i + 1})" for i, lab in enumerate(labels)]
