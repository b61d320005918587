"""A self-contained HTML player: every frame in one file, scrubbable, with a clickable loss curve.

The output is ONE ``.html`` file with no network access at all (no CDN, no fonts, no
``http(s)://`` URL anywhere): it opens from ``file://``, in any browser, offline, and embeds in
reveal.js or other HTML slides through an ``<iframe>``.

Frames are stored once each (identical frames are deduplicated) as base64 WebP (lossy, about
15-25 kB for a 640x480 frame) or PNG, inside a
``<script type="application/json">`` block; a small script draws the current frame on a canvas.
The page, its style sheet and its script are package data files beside this module
(``player/player.html``, ``player.css``, ``player.js``), filled in with :func:`player_document`.

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
from importlib import resources
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
from PIL import Image

from .base import PathLike, Writer, register_writer
from ..formatting import percent

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
                        parts.append(f"accuracy {percent(a[i])}")
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
    # Controls + label + curve take about 11.8 em (165 px at the smallest font, which grows with
    # the window's height: player.css); "viewport" fills the window with the frame (as
    # wide as the window, as tall as leaves room for them), scaled up beyond its own pixels on a
    # large screen: a lecture hall's projector shows the frame, not a 640-pixel stamp in its middle.
    css_values = {k.upper(): v for k, v in colors.items()}
    css_values.update(W=str(w), H=str(h), ASPECT=f"{w / h:.5f}",
                      MAXW_VIEW=f"max(320px, calc((100vh - 11.8em) * {w / h:.5f}))")
    values = {"TITLE": _escape(title), "CSS": _fill(_asset("player.css"), css_values), "FIT": json.dumps(fit),
              "W": str(w), "H": str(h), "N1": str(len(frame_image) - 1), "JS": _asset("player.js"),
              "DATA": _json_for_script(data)}
    return _fill(_asset("player.html"), values)


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


def _asset(name: str) -> str:
    """A file of the player (``player.html``, ``.css``, ``.js``), shipped as package data."""
    return (resources.files(__package__) / "player" / name).read_text(encoding="utf-8")
