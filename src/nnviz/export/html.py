"""A self-contained HTML player: every frame in one file, scrubbable, with a clickable loss curve.

The output is ONE ``.html`` file with no network access at all (no CDN, no fonts, no
``http(s)://`` URL anywhere): it opens from ``file://``, in any browser, offline, and embeds in
reveal.js or other HTML slides through an ``<iframe>``.

Frames are stored once each (identical frames are deduplicated) as base64 WebP (lossy, about
15-25 kB for a 640x480 frame) or PNG, inside a
``<script type="application/json">`` block; a small script draws the current frame on a canvas.

Controls: a scrub slider, play/pause, playback speed, first/back/forward/last buttons, the
keyboard (left/right arrows step, space plays or pauses, Home/End jump to the ends), a label
with the training step, loss and accuracy of the frame shown, and a small loss (and accuracy)
curve whose cursor follows the frame; clicking or dragging on the curve jumps there.

The writer never knows what a network is: the label and the curve come from the ``meta=``
option, per-step scalars handed over by the caller (``nnviz.render.animate`` does this)::

    with open_writer("run.html", fps=20, meta={"steps": steps, "loss": loss,
                                               "accuracy": acc, "title": "moons"}) as w:
        for step, frame in frames:
            w.write(frame, step=step)
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import math
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
from PIL import Image

from .base import PathLike, Writer, register_writer

__all__ = ["HtmlWriter", "read_player", "player_document", "PLAYER_FORMATS"]

logger = logging.getLogger(__name__)

#: Frame image formats: name -> (MIME type, Pillow format).
PLAYER_FORMATS = {"webp": ("image/webp", "WEBP"), "png": ("image/png", "PNG")}

#: The loss curve is thinned to about this many points (min/max per bin, so spikes survive).
_CURVE_POINTS = 1200

_FITS = ("auto", "viewport", "width")


def _encode(frame: np.ndarray, fmt: str, quality: int) -> str:
    """One frame as a base64 string in ``fmt``."""
    buf = io.BytesIO()
    im = Image.fromarray(frame)
    if fmt == "webp":
        im.save(buf, "WEBP", quality=quality, method=2)  # method 2: 2.5x faster than 4, 3% larger
    else:
        im.save(buf, "PNG", compress_level=6)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _finite_or_none(values) -> list:
    """Floats rounded to 6 significant digits, NaN/inf as None (JSON null)."""
    out = []
    for v in np.asarray(values, dtype=float).ravel():
        out.append(float(f"{v:.6g}") if math.isfinite(v) else None)
    return out


def _as_series(value, name: str, n: int) -> dict[str, np.ndarray] | None:
    """``meta[name]`` as {label: float array of length n}; a list becomes {"": array}."""
    if value is None:
        return None
    items = value.items() if isinstance(value, Mapping) else [("", value)]
    out = {}
    for label, v in items:
        a = np.asarray(v, dtype=float).ravel()
        if len(a) > n:
            raise ValueError(
                f"meta[{name!r}]{'[' + repr(label) + ']' if label else ''} has {len(a)} values "
                f"but meta['steps'] has {n}; give one value per step")
        if len(a) < n:  # a shorter run in a comparison: nothing after its end
            if not label:
                raise ValueError(f"meta[{name!r}] has {len(a)} values but meta['steps'] has {n}; "
                                 "give one value per step")
            a = np.concatenate([a, np.full(n - len(a), np.nan)])
        out[str(label)] = a
    return out


def _check_meta(meta: Mapping[str, Any] | None) -> dict[str, Any]:
    """Validate ``meta=`` and return it normalised (arrays, series dicts)."""
    if meta is None:
        return {}
    if not isinstance(meta, Mapping):
        raise ValueError(f"meta must be a dict like {{'steps': [...], 'loss': [...]}}, got {type(meta).__name__}")
    known = {"steps", "loss", "accuracy", "test_loss", "test_accuracy", "title", "log"}
    unknown = set(meta) - known
    if unknown:
        raise ValueError(f"meta has unknown key(s) {sorted(unknown)}; known: {', '.join(sorted(known))}")
    out: dict[str, Any] = {"title": str(meta["title"]) if meta.get("title") is not None else None,
                           "log": bool(meta.get("log", False))}
    if meta.get("steps") is None:
        if any(meta.get(k) is not None for k in ("loss", "accuracy", "test_loss", "test_accuracy")):
            raise ValueError("meta has per-step values but no meta['steps'] saying which steps they belong to")
        return out
    steps = np.asarray(meta["steps"]).ravel()
    if steps.size == 0 or not np.issubdtype(steps.dtype, np.number) or np.any(np.diff(steps) <= 0):
        raise ValueError("meta['steps'] must be a non-empty increasing list of step numbers")
    out["steps"] = steps.astype(np.int64)
    for key in ("loss", "accuracy", "test_loss", "test_accuracy"):
        out[key] = _as_series(meta.get(key), key, len(steps))
    return out


def _fmt_loss(v: float) -> str:
    return f"{v:.4g}"


def _thin(steps: np.ndarray, primary: np.ndarray, max_points: int = _CURVE_POINTS) -> np.ndarray:
    """Indices of a curve's points to keep: all, or per bin the first, min and max of ``primary``."""
    n = len(steps)
    if n <= max_points:
        return np.arange(n)
    bins = np.linspace(0, n, max_points // 3 + 1).astype(int)
    keep = [0, n - 1]
    y = np.where(np.isfinite(primary), primary, np.nan)
    for a, b in zip(bins[:-1], bins[1:]):
        if b <= a:
            continue
        keep.append(a)
        seg = y[a:b]
        if np.isfinite(seg).any():
            keep += [a + int(np.nanargmin(seg)), a + int(np.nanargmax(seg))]
    return np.unique(keep)


def _theme_colors(rgb: np.ndarray) -> dict[str, str]:
    """Page colours matching a frame whose corner pixel is ``rgb``."""
    r, g, b = (int(c) for c in rgb[:3])
    dark = 0.2126 * r + 0.7152 * g + 0.0722 * b < 128
    bg = f"#{r:02x}{g:02x}{b:02x}"
    if dark:
        return {"bg": bg, "fg": "#eeeeee", "muted": "#9a9a9a", "grid": "#3a3d45", "cursor": "#ffd166",
                "accuracy": "#7bd389", "test": "#ff6b6b", "button": "#2a2d34"}
    return {"bg": bg, "fg": "#222222", "muted": "#777777", "grid": "#dddddd", "cursor": "#d62728",
            "accuracy": "#2ca02c", "test": "#d62728", "button": "#f3f3f3"}


#: Colours of several runs in one curve (the class colours after blue and orange).
_RUN_COLORS = ["#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#17BECF", "#BCBD22", "#7F7F7F"]


@register_writer("html", (".html", ".htm"))
class HtmlWriter(Writer):
    """One self-contained HTML file that plays, scrubs and steps through the frames.

    Parameters
    ----------
    path : str or os.PathLike
        Output ``.html`` file.
    fps : float, default 20
        Frames per second at speed 1x.
    meta : dict, optional
        Per-step scalars for the label and the loss curve, all lists of the same length:
        ``steps`` (increasing step numbers, e.g. every training step), ``loss`` and optionally
        ``accuracy``, ``test_loss``, ``test_accuracy`` (one value per entry of ``steps``; NaN
        for "not available"); ``loss``/``accuracy`` may also be dicts ``{run label: values}``
        to compare runs. ``title`` (str) names the page; ``log`` (bool) draws the loss on a
        log axis. A frame written with ``step=k`` shows the values at the last entry of
        ``steps`` that is <= k. Without ``meta`` the label shows only the step.
    image_format : {"webp", "png"}, default "webp"
        How frames are stored. WebP (lossy) is 4-5x smaller than PNG.
    quality : int, default 80
        WebP quality 1..100.
    autoplay : bool, default False
        Start playing when the page opens.
    loop : bool, default False
        Start again after the last frame (else playback stops there).
    fit : {"auto", "viewport", "width"}, default "auto"
        "viewport" scales the player to fit the window (or iframe) in both width and height,
        for slides; "width" fits the width only and grows the enclosing iframe to the content,
        for notebooks; "auto" is "width" inside an ``<iframe srcdoc=...>`` (how
        :mod:`nnviz.notebook` embeds players) and "viewport" everywhere else.
    """

    description = "self-contained HTML player (scrub, play, step; opens offline)"
    kind = "player"

    def __init__(self, path: PathLike, fps: float = 20, *, meta: Mapping[str, Any] | None = None,
                 image_format: str = "webp", quality: int = 80, autoplay: bool = False,
                 loop: bool = False, fit: str = "auto") -> None:
        fmt = str(image_format).lower()
        if fmt not in PLAYER_FORMATS:
            raise ValueError(f"unknown image_format {image_format!r}; choose one of: {', '.join(PLAYER_FORMATS)}")
        if isinstance(quality, bool) or not 1 <= int(quality) <= 100:
            raise ValueError(f"quality must be in 1..100, got {quality!r}")
        if fit not in _FITS:
            raise ValueError(f"unknown fit {fit!r}; choose one of: {', '.join(_FITS)}")
        self.meta = _check_meta(meta)
        self.image_format, self.quality = fmt, int(quality)
        self.autoplay, self.loop, self.fit = bool(autoplay), bool(loop), fit
        super().__init__(path, fps)
        self._images: list[Future | str] = []  # unique frames, encoded in worker threads
        self._index: dict[bytes, int] = {}  # frame digest -> index into _images
        self._frame_image: list[int] = []
        self._frame_step: list[int | None] = []
        self._corner: np.ndarray | None = None
        self._pool: ThreadPoolExecutor | None = None

    def _write(self, frame: np.ndarray, step: int | None) -> None:
        if self._corner is None:
            self._corner = frame[0, 0].copy()
        key = hashlib.blake2b(frame.tobytes(), digest_size=16).digest()
        i = self._index.get(key)
        if i is None:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=max(1, min(4, (os.cpu_count() or 2) - 1)))
            i = self._index[key] = len(self._images)
            self._images.append(self._pool.submit(_encode, frame, self.image_format, self.quality))
            self._collect(keep=8)
        self._frame_image.append(i)
        self._frame_step.append(None if step is None else int(step))

    def _collect(self, keep: int = 0) -> None:
        """Wait for encoded frames, leaving at most ``keep`` in flight (bounds the memory)."""
        pending = [j for j, f in enumerate(self._images) if isinstance(f, Future)]
        for j in pending[: max(0, len(pending) - keep)]:
            self._images[j] = self._images[j].result()

    def _finish(self) -> None:
        self._collect()
        self._shutdown()
        assert self._tmp is not None and self.size is not None
        doc = player_document(
            images=[str(s) for s in self._images], frame_image=self._frame_image,
            labels=self._labels(), steps=self._frame_step, curve=self._curve(),
            size=self.size, fps=self.fps, mime=PLAYER_FORMATS[self.image_format][0],
            title=self.meta.get("title") or self.path.stem, colors=_theme_colors(self._corner),
            autoplay=self.autoplay, loop=self.loop, fit=self.fit)
        self._tmp.write_text(doc, encoding="utf-8")
        logger.info("HTML player: %d frames, %d unique, %.2f MB", self.frame_count, len(self._images),
                    len(doc) / 1e6)

    def _discard(self) -> None:
        self._shutdown(cancel=True)

    def _shutdown(self, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None

    # -- label and curve from meta -----------------------------------------
    def _row(self, step: int | None) -> int | None:
        steps = self.meta.get("steps")
        if steps is None or step is None:
            return None
        i = int(np.searchsorted(steps, step, side="right")) - 1
        return i if i >= 0 else None

    def _labels(self) -> list[str]:
        m = self.meta
        out = []
        for f, step in enumerate(self._frame_step):
            if step is None:
                out.append(f"frame {f + 1}")
                continue
            text = f"step {step}"
            i = self._row(step)
            if i is not None and m.get("loss"):
                acc = m.get("accuracy") or {}
                for name, values in m["loss"].items():
                    parts = []
                    if math.isfinite(values[i]):
                        parts.append(f"loss {_fmt_loss(values[i])}")
                    a = acc.get(name)
                    if a is not None and math.isfinite(a[i]):
                        parts.append(f"accuracy {a[i]:.1%}")
                    if parts:  # one run: "step 7 · loss … · accuracy …"; several: a line each
                        text += f"\n{name}: " + ", ".join(parts) if name else " · " + " · ".join(parts)
            out.append(text)
        return out

    def _curve(self) -> dict | None:
        m = self.meta
        if not m.get("loss"):
            return None
        steps = m["steps"]
        losses = m["loss"]
        primary = next(iter(losses.values()))
        keep = _thin(steps, primary)
        multi = len(losses) > 1
        series = []
        for j, (name, values) in enumerate(losses.items()):
            series.append({"name": f"{name} loss" if name else "loss", "axis": "left",
                           "color": _RUN_COLORS[j % len(_RUN_COLORS)] if multi else "fg",
                           "values": _finite_or_none(values[keep])})
        if not multi:
            if m.get("test_loss"):
                tl = m["test_loss"][""]
                if np.isfinite(tl).any():
                    series.append({"name": "test loss", "axis": "left", "color": "test", "dash": True,
                                   "values": _finite_or_none(tl[keep])})
            for key, name, dash in (("accuracy", "accuracy", False), ("test_accuracy", "test accuracy", True)):
                if m.get(key) and np.isfinite(m[key][""]).any():
                    series.append({"name": name, "axis": "right", "color": "accuracy", "dash": dash,
                                   "values": _finite_or_none(m[key][""][keep])})
        return {"steps": [int(s) for s in steps[keep]], "series": series, "log": m["log"]}


# ----------------------------------------------------------------------------- the document

def _json_for_script(obj: Any) -> str:
    """JSON safe inside ``<script>``: no ``</``, no ``<!--`` and no U+2028/9 line breaks."""
    s = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return (s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def player_document(*, images: Sequence[str], frame_image: Sequence[int], labels: Sequence[str],
                    steps: Sequence[int | None], curve: dict | None, size: tuple[int, int],
                    fps: float, mime: str, title: str, colors: Mapping[str, str],
                    autoplay: bool = False, loop: bool = False, fit: str = "auto") -> str:
    """The player page as a string (see :class:`HtmlWriter`, which builds the arguments).

    Parameters
    ----------
    images : list of str
        Base64 images, one per distinct frame.
    frame_image : list of int
        For each frame, its index into ``images``.
    labels : list of str
        Label text of each frame.
    steps : list of int or None
        Training step of each frame (None if unknown).
    curve : dict or None
        ``{"steps": [...], "series": [{"name", "axis", "color", "values", "dash"}], "log"}``.
    size : (int, int)
        Frame width and height in pixels.
    fps : float
    mime : str
        MIME type of ``images``.
    title : str
    colors : dict
        Page colours (``bg``, ``fg``, ``muted``, ``grid``, ``cursor``, ``accuracy``, ``test``,
        ``button``).
    autoplay, loop : bool
    fit : {"auto", "viewport", "width"}

    Returns
    -------
    str
        A complete HTML document.
    """
    w, h = size
    data = {
        "version": 1, "fps": fps, "width": w, "height": h, "mime": mime, "images": list(images),
        "image": list(frame_image), "label": list(labels), "step": list(steps), "curve": curve,
        "autoplay": autoplay, "loop": loop, "fit": fit, "colors": dict(colors),
    }
    # Controls + label + curve take about 165 px; "viewport" keeps everything in the window.
    css_values = {k.upper(): v for k, v in colors.items()}
    css_values.update(W=str(w), H=str(h),
                      MAXW_VIEW=f"min({w}px, max(320px, calc((100vh - 165px) * {w / h:.5f})))")
    values = {"TITLE": _escape(title), "CSS": _fill(_CSS, css_values), "FIT": json.dumps(fit),
              "W": str(w), "H": str(h), "N1": str(len(frame_image) - 1), "JS": _JS,
              "DATA": _json_for_script(data)}
    return _fill(_TEMPLATE, values)


def _fill(template: str, values: Mapping[str, str]) -> str:
    """Replace ``__NAME__`` placeholders in one pass (inserted text is never scanned again)."""
    return re.sub(r"__([A-Z][A-Z0-9_]*?)__", lambda m: values[m.group(1)], template)


def read_player(path: PathLike) -> dict[str, Any]:
    """The data embedded in a player written by :class:`HtmlWriter` (for tests and tools).

    Parameters
    ----------
    path : str or os.PathLike
        A player ``.html`` file.

    Returns
    -------
    dict
        ``n_frames``, ``n_images`` (distinct frames), ``size`` ((width, height)), ``fps``,
        ``mime``, ``steps`` (list, per frame), ``labels`` (list, per frame), ``curve`` (dict or
        None), ``images`` (list of bytes, the encoded distinct frames) and ``frame_image``.

    Raises
    ------
    ValueError
        If the file holds no nnviz player data.
    """
    text = Path(path).read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="nnviz-data">(.*?)</script>', text, re.S)
    if m is None:
        raise ValueError(f"{path} is not an nnviz HTML player (no embedded frame data)")
    d = json.loads(m.group(1))
    return {
        "n_frames": len(d["image"]), "n_images": len(d["images"]), "size": (d["width"], d["height"]),
        "fps": d["fps"], "mime": d["mime"], "steps": d["step"], "labels": d["label"],
        "curve": d["curve"], "images": [base64.b64decode(s) for s in d["images"]],
        "frame_image": d["image"],
    }


_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="nnviz">
<title>__TITLE__</title>
<style>__CSS__</style>
<script>(function(){var f=__FIT__;if(f==="width"||(f==="auto"&&location.href==="about:srcdoc"))document.documentElement.className+=" nnviz-fit-width";})();</script>
</head>
<body>
<div class="nnviz-player" id="nnviz-player" data-frame="0" data-playing="false">
<canvas id="nnviz-frame" width="__W__" height="__H__" role="img" aria-label="__TITLE__"></canvas>
<div class="nnviz-bar">
<button type="button" id="nnviz-first" title="First frame (Home)" aria-label="first frame"><svg viewBox="0 0 16 16"><path d="M3 3h2v10H3zM13 3v10L6 8z"/></svg></button>
<button type="button" id="nnviz-prev" title="Step back (left arrow)" aria-label="step back"><svg viewBox="0 0 16 16"><path d="M12 3v10L4 8z"/></svg></button>
<button type="button" id="nnviz-play" class="nnviz-play" title="Play / pause (space)" aria-label="play"><svg viewBox="0 0 16 16"><path class="nnviz-icon-play" d="M4 2.5v11L13 8z"/><path class="nnviz-icon-pause" d="M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z"/></svg></button>
<button type="button" id="nnviz-next" title="Step forward (right arrow)" aria-label="step forward"><svg viewBox="0 0 16 16"><path d="M4 3v10l8-5z"/></svg></button>
<button type="button" id="nnviz-last" title="Last frame (End)" aria-label="last frame"><svg viewBox="0 0 16 16"><path d="M11 3h2v10h-2zM3 3v10l7-5z"/></svg></button>
<input type="range" id="nnviz-slider" min="0" max="__N1__" step="1" value="0" aria-label="frame">
<select id="nnviz-speed" title="Playback speed" aria-label="playback speed">
<option value="0.25">0.25&times;</option><option value="0.5">0.5&times;</option><option value="1" selected>1&times;</option><option value="2">2&times;</option><option value="4">4&times;</option>
</select>
</div>
<div class="nnviz-info"><span id="nnviz-label" aria-live="polite"></span><span id="nnviz-counter"></span></div>
<svg id="nnviz-curve" class="nnviz-curve" role="img" aria-label="loss curve; click to jump"></svg>
</div>
<script type="application/json" id="nnviz-data">__DATA__</script>
<script>__JS__</script>
</body>
</html>
"""

_CSS = """
html,body{margin:0;padding:0;background:__BG__;color:__FG__;}
body{font:14px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;}
.nnviz-player{max-width:__MAXW_VIEW__;margin:0 auto;padding:4px 6px 6px;box-sizing:border-box;outline:none;}
html.nnviz-fit-width .nnviz-player{max-width:__W__px;}
#nnviz-frame{display:block;width:100%;height:auto;aspect-ratio:__W__/__H__;image-rendering:auto;}
.nnviz-bar{display:flex;align-items:center;gap:4px;margin-top:6px;}
.nnviz-bar button{flex:none;width:32px;height:28px;padding:0;border:1px solid __GRID__;border-radius:5px;
  background:__BUTTON__;color:__FG__;cursor:pointer;display:flex;align-items:center;justify-content:center;}
.nnviz-bar button:hover{border-color:__MUTED__;}
.nnviz-bar button:focus-visible,#nnviz-slider:focus-visible,#nnviz-speed:focus-visible{outline:2px solid __CURSOR__;outline-offset:1px;}
.nnviz-bar button svg{width:14px;height:14px;fill:currentColor;}
.nnviz-bar button.nnviz-play{width:40px;}
.nnviz-icon-pause{display:none;}
.nnviz-player[data-playing="true"] .nnviz-icon-pause{display:inline;}
.nnviz-player[data-playing="true"] .nnviz-icon-play{display:none;}
#nnviz-slider{flex:1;min-width:60px;margin:0 6px;accent-color:__CURSOR__;cursor:pointer;}
#nnviz-speed{flex:none;height:28px;border:1px solid __GRID__;border-radius:5px;background:__BUTTON__;color:__FG__;font:inherit;font-size:13px;}
.nnviz-info{display:flex;justify-content:space-between;align-items:baseline;gap:12px;margin:6px 2px 2px;
  font-family:"DejaVu Sans Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:14px;font-variant-numeric:tabular-nums;}
#nnviz-label{white-space:pre-wrap;}
#nnviz-counter{color:__MUTED__;font-size:12px;white-space:nowrap;}
.nnviz-curve{display:block;width:100%;height:100px;cursor:pointer;touch-action:none;user-select:none;-webkit-user-select:none;}
.nnviz-curve text{font:10.5px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:__MUTED__;}
"""

_JS = r"""
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("nnviz-data").textContent);
  var C = D.colors, n = D.image.length;
  var root = document.getElementById("nnviz-player");
  var canvas = document.getElementById("nnviz-frame"), ctx = canvas.getContext("2d");
  var slider = document.getElementById("nnviz-slider"), speedSel = document.getElementById("nnviz-speed");
  var label = document.getElementById("nnviz-label"), counter = document.getElementById("nnviz-counter");
  var playBtn = document.getElementById("nnviz-play"), svg = document.getElementById("nnviz-curve");
  var SVGNS = svg.namespaceURI;  // the HTML parser puts inline <svg> in the SVG namespace
  var cur = 0, playing = false, speed = 1, lastTime = 0;

  // Frames: decoded lazily by the browser from the embedded data URIs.
  var imgs = D.images.map(function (b64) {
    var im = new Image();
    im.src = "data:" + D.mime + ";base64," + b64;
    return im;
  });

  function draw() {
    var im = imgs[D.image[cur]];
    if (im.complete && im.naturalWidth) {
      ctx.drawImage(im, 0, 0, canvas.width, canvas.height);
    } else {
      im.addEventListener("load", function () { if (imgs[D.image[cur]] === im) draw(); }, {once: true});
    }
  }

  function show(i) {
    i = Math.max(0, Math.min(n - 1, Math.round(i)));
    cur = i;
    draw();
    slider.value = String(i);
    label.textContent = D.label[i];
    counter.textContent = "frame " + (i + 1) + " / " + n;
    root.setAttribute("data-frame", String(i));
    root.setAttribute("data-step", D.step[i] === null ? "" : String(D.step[i]));
    moveCursor();
  }

  function setPlaying(p) {
    playing = p;
    root.setAttribute("data-playing", p ? "true" : "false");
    playBtn.setAttribute("aria-label", p ? "pause" : "play");
  }
  function play() {
    if (n < 2) return;
    if (cur >= n - 1) show(0);
    setPlaying(true);
    lastTime = performance.now();
    requestAnimationFrame(tick);
  }
  function pause() { setPlaying(false); }
  function toggle() { if (playing) pause(); else play(); }
  function tick(t) {
    if (!playing) return;
    var dt = 1000 / (D.fps * speed);
    if (t - lastTime >= dt) {
      lastTime = (t - lastTime > 4 * dt) ? t : lastTime + dt;  // keep time, but never race to catch up
      if (cur + 1 >= n) {
        if (D.loop) show(0); else { pause(); return; }
      } else {
        show(cur + 1);
      }
    }
    requestAnimationFrame(tick);
  }
  function stepBy(k) { pause(); show(cur + k); }

  document.getElementById("nnviz-first").addEventListener("click", function () { pause(); show(0); });
  document.getElementById("nnviz-prev").addEventListener("click", function () { stepBy(-1); });
  document.getElementById("nnviz-next").addEventListener("click", function () { stepBy(1); });
  document.getElementById("nnviz-last").addEventListener("click", function () { pause(); show(n - 1); });
  playBtn.addEventListener("click", toggle);
  slider.addEventListener("input", function () { pause(); show(+slider.value); });
  speedSel.addEventListener("change", function () { speed = +speedSel.value || 1; });

  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var tag = e.target && e.target.tagName;
    if (tag === "SELECT" || tag === "TEXTAREA" || (tag === "INPUT" && e.target !== slider)) return;
    switch (e.key) {
      case "ArrowRight": case "ArrowUp": stepBy(1); break;
      case "ArrowLeft": case "ArrowDown": stepBy(-1); break;
      case " ": case "Spacebar": case "k": if (!e.repeat) toggle(); break;
      case "Home": pause(); show(0); break;
      case "End": pause(); show(n - 1); break;
      default: return;
    }
    e.preventDefault();
  });
  // a focused button would also "click" on the space key's release
  document.addEventListener("keyup", function (e) { if (e.key === " " || e.key === "Spacebar") e.preventDefault(); });

  // ---------------------------------------------------------------- loss curve
  var CV = D.curve, geom = null, cursorLine = null, cursorDot = null;
  function color(c) { return C[c] || c; }
  function el(name, attrs, parent) {
    var e = document.createElementNS(SVGNS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v) {
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace("e+", "e");
    return String(+v.toPrecision(3));
  }
  function bsearch(xs, x) {  // index of the last xs[i] <= x (0 if none)
    var lo = 0, hi = xs.length - 1;
    if (x <= xs[0]) return 0;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (xs[mid] <= x) lo = mid; else hi = mid - 1; }
    return lo;
  }
  function buildCurve() {
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    geom = null;
    if (!CV || !CV.steps.length) { svg.style.display = "none"; return; }  // no scalars: no curve
    var W = svg.clientWidth || canvas.clientWidth || D.width, H = svg.clientHeight || 100;
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    var hasRight = CV && CV.series.some(function (s) { return s.axis === "right"; });
    var m = {l: 44, r: hasRight ? 38 : 10, t: 8, b: 17};
    var x0 = m.l, x1 = W - m.r, y0 = H - m.b, y1 = m.t;
    var steps = CV.steps;
    var smin = Math.min(steps[0], D.step[0] || 0), smax = Math.max(steps[steps.length - 1], 1);
    var xs = function (s) { return x0 + (x1 - x0) * (s - smin) / Math.max(smax - smin, 1e-9); };
    // left axis: loss
    var lo = Infinity, hi = -Infinity, log = CV && CV.log;
    (CV ? CV.series : []).forEach(function (s) {
      if (s.axis !== "left") return;
      s.values.forEach(function (v) { if (v !== null && (!log || v > 0)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } });
    });
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (!log) { lo = Math.min(lo, 0); if (hi <= lo) hi = lo + 1; }
    else { if (hi <= lo) hi = lo * 10; }
    var tr = log ? function (v) { return Math.log10(Math.max(v, lo)); } : function (v) { return v; };
    var tlo = tr(lo), thi = tr(hi);
    var ysL = function (v) { return y0 - (y0 - y1) * (tr(v) - tlo) / (thi - tlo); };
    var ysR = function (v) { return y0 - (y0 - y1) * v; };
    // frame grid and axes
    el("rect", {x: x0, y: y1, width: Math.max(0, x1 - x0), height: Math.max(0, y0 - y1), fill: "none", stroke: C.grid}, svg);
    if (D.step.length > 1 && (x1 - x0) / D.step.length >= 5) {  // where the frames are, if sparse enough to see
      var ticks = el("path", {stroke: C.muted, "stroke-width": 1, opacity: 0.55}, svg), d = "";
      D.step.forEach(function (s) { if (s !== null) d += "M" + xs(s).toFixed(1) + " " + y0 + "v4"; });
      ticks.setAttribute("d", d);
    }
    el("text", {x: x0 - 4, y: y1 + 8, "text-anchor": "end"}, svg).textContent = fmt(hi);
    el("text", {x: x0 - 4, y: y0, "text-anchor": "end"}, svg).textContent = fmt(lo);
    el("text", {x: x0 - 4, y: (y0 + y1) / 2 + 4, "text-anchor": "end"}, svg).textContent = "loss";
    el("text", {x: x0, y: H - 2, "text-anchor": "start"}, svg).textContent = "step " + smin;
    el("text", {x: x1, y: H - 2, "text-anchor": "end"}, svg).textContent = String(smax);
    if (hasRight) {
      el("text", {x: x1 + 4, y: y1 + 8, fill: C.accuracy, style: "fill:" + C.accuracy}, svg).textContent = "100%";
      el("text", {x: x1 + 4, y: y0, style: "fill:" + C.accuracy}, svg).textContent = "0%";
      el("text", {x: x1 + 4, y: (y0 + y1) / 2 + 4, style: "fill:" + C.accuracy}, svg).textContent = "acc";
    }
    // series, with a legend centred in the bottom row
    var legend = [];
    (CV ? CV.series : []).forEach(function (s) {
      var ys = s.axis === "right" ? ysR : ysL, d = "", pen = false;
      for (var i = 0; i < CV.steps.length; i++) {
        var v = s.values[i];
        if (v === null || (log && s.axis === "left" && !(v > 0))) { pen = false; continue; }
        d += (pen ? "L" : "M") + xs(CV.steps[i]).toFixed(1) + " " + ys(v).toFixed(1);
        pen = true;
      }
      var a = {d: d, fill: "none", stroke: color(s.color), "stroke-width": s.axis === "right" ? 1.2 : 1.5,
               "stroke-linejoin": "round", opacity: s.axis === "right" ? 0.85 : 1};
      if (s.dash) a["stroke-dasharray"] = "4 3";
      el("path", a, svg);
      var t = el("text", {x: 0, y: H - 2, style: "fill:" + color(s.color)}, svg);
      t.textContent = (s.dash ? "- - " : "\u2014 ") + s.name;
      legend.push(t);
    });
    if (legend.length > 1) {
      var widths = legend.map(function (t) { return t.getComputedTextLength ? t.getComputedTextLength() : 6 * t.textContent.length; });
      var total = widths.reduce(function (a, b) { return a + b; }, 0) + 14 * (legend.length - 1);
      var lx = (x0 + x1) / 2 - total / 2;
      legend.forEach(function (t, i) { t.setAttribute("x", lx.toFixed(1)); lx += widths[i] + 14; });
    } else {
      legend.forEach(function (t) { t.parentNode.removeChild(t); });
    }
    cursorLine = el("line", {y1: y1, y2: y0, stroke: C.cursor, "stroke-width": 1.5}, svg);
    cursorDot = el("circle", {r: 3.5, fill: C.cursor}, svg);
    geom = {xs: xs, ysL: ysL, x0: x0, x1: x1, smin: smin, smax: smax, log: log, lo: lo};
    moveCursor();
  }
  function moveCursor() {
    if (!geom || !cursorLine) return;
    var s = D.step[cur];
    if (s === null) { cursorLine.setAttribute("visibility", "hidden"); cursorDot.setAttribute("visibility", "hidden"); return; }
    var x = Math.max(geom.x0, Math.min(geom.x1, geom.xs(s))).toFixed(1);
    cursorLine.setAttribute("x1", x); cursorLine.setAttribute("x2", x);
    cursorLine.setAttribute("visibility", "visible");
    var v = null;
    if (CV && CV.series.length && CV.series[0].axis === "left") v = CV.series[0].values[bsearch(CV.steps, s)];
    if (v === null || (geom.log && !(v > 0))) { cursorDot.setAttribute("visibility", "hidden"); return; }
    cursorDot.setAttribute("cx", x); cursorDot.setAttribute("cy", geom.ysL(v).toFixed(1));
    cursorDot.setAttribute("visibility", "visible");
  }
  function frameAtX(clientX) {
    var r = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;
    var x = (clientX - r.left) * (vb && vb.width ? vb.width / r.width : 1);
    var s = geom.smin + (geom.smax - geom.smin) * (x - geom.x0) / Math.max(geom.x1 - geom.x0, 1);
    var best = 0, bd = Infinity;
    for (var i = 0; i < n; i++) {
      if (D.step[i] === null) continue;
      var dd = Math.abs(D.step[i] - s);
      if (dd < bd) { bd = dd; best = i; }
    }
    return best;
  }
  var dragging = false;
  svg.addEventListener("pointerdown", function (e) {
    if (!geom) return;
    dragging = true;
    try { svg.setPointerCapture(e.pointerId); } catch (err) {}
    pause(); show(frameAtX(e.clientX));
    e.preventDefault();
  });
  svg.addEventListener("pointermove", function (e) { if (dragging && geom) show(frameAtX(e.clientX)); });
  svg.addEventListener("pointerup", function () { dragging = false; });
  svg.addEventListener("pointercancel", function () { dragging = false; });

  // ------------------------------------------------------------------ sizing
  function reserveLabel() {  // room for the longest label, so nothing below jumps while playing
    var longest = D.label.reduce(function (a, b) { return b.length > a.length ? b : a; }, "");
    label.style.minHeight = "";
    label.textContent = longest;
    var h = label.offsetHeight;
    label.textContent = D.label[cur];
    if (h) label.style.minHeight = h + "px";
  }
  function fitFrame() {  // notebooks: grow the enclosing iframe to the player
    if (document.documentElement.className.indexOf("nnviz-fit-width") < 0) return;
    try {
      var fe = window.frameElement;
      if (fe) fe.style.height = Math.ceil(root.getBoundingClientRect().bottom + window.scrollY + 2) + "px";
    } catch (err) { /* cross-origin parent: keep the given height */ }
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { reserveLabel(); buildCurve(); fitFrame(); }, 60);
  });

  buildCurve();
  show(0);
  reserveLabel();
  fitFrame();
  if (D.autoplay) play();
  window.nnvizPlayer = {show: show, play: play, pause: pause, get frame() { return cur; }, get n() { return n; }};
})();
"""
