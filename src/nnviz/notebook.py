"""Training animations inline in Jupyter, JupyterLab, VS Code and Colab, without ipywidgets.

:func:`show` returns a :class:`Player`: the self-contained HTML player
of :mod:`nnviz.export.html`, shown inline through an ``<iframe srcdoc=...>``. Notebook front ends
treat ``<script>`` in outputs differently (JupyterLab runs it only in trusted outputs, GitHub
strips it, Colab and VS Code sandbox outputs in iframes of their own); a srcdoc iframe carries a
whole document with its own scripts and styles, isolated from the notebook's page and from any
other player on it, so the same output works in all of them (not in static viewers that strip
scripts, such as GitHub's).

:func:`animate` renders a GIF, MP4, WebM or still and returns an :class:`Animation` that shows
itself inline (base64 data in an ``<img>`` or ``<video>``) and is also a path to the file::

    import nnviz
    trace = nnviz.train("moons", trace="moons.h5")
    nnviz.show(trace)                           # scrub through training
    nnviz.animate(trace, "moons.gif")           # a GIF for the slides, shown inline too
"""

from __future__ import annotations

import base64
import html
import logging
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

__all__ = ["Player", "Animation", "show", "animate"]

log = logging.getLogger(__name__)

#: Outputs larger than this (MB) are not embedded in the notebook (as matplotlib's embed_limit).
EMBED_LIMIT_MB = 40.0

_MIME = {".gif": "image/gif", ".png": "image/png", ".svg": "image/svg+xml", ".webp": "image/webp",
         ".mp4": "video/mp4", ".webm": "video/webm", ".pdf": "application/pdf"}


class Player:
    """A self-contained HTML player that displays itself inline in notebooks.

    Parameters
    ----------
    document : str
        The complete player page (as written by the ``.html`` writer).
    size : (int, int)
        Frame width and height in pixels (sets the iframe's initial size).
    n_frames : int
    path : Path, optional
        Where the page was saved, if it was.

    Attributes
    ----------
    html : str
        The player page; :meth:`save` writes it, ``_repr_html_`` embeds it.
    """

    def __init__(self, document: str, size: tuple[int, int], n_frames: int, path: Path | None = None):
        self.html = document
        self.size = (int(size[0]), int(size[1]))
        self.n_frames = int(n_frames)
        self.path = path

    @classmethod
    def from_file(cls, path) -> "Player":
        """Load a player written by ``nnviz animate ... -o run.html``."""
        from .export.html import read_player

        info = read_player(path)
        return cls(Path(path).read_text(encoding="utf-8"), info["size"], info["n_frames"], Path(path))

    def __repr__(self) -> str:
        where = f" {str(self.path)!r}" if self.path else ""
        return (f"<nnviz Player{where}: {self.n_frames} frames of {self.size[0]}x{self.size[1]}, "
                f"{len(self.html) / 1e6:.1f} MB>")

    def save(self, path) -> Path:
        """Write the player page to ``path`` (an ``.html`` file that opens offline)."""
        path = Path(path)
        path.write_text(self.html, encoding="utf-8")
        self.path = path
        return path

    def iframe(self, width: str = "100%") -> str:
        """An ``<iframe srcdoc=...>`` holding the player (what notebooks display).

        The player grows the iframe to its content when it loads (it is same-origin with the
        notebook page); the given height is only the first guess.
        """
        w, h = self.size
        height = h + 175  # frame + controls + label + curve at full size
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="nnviz player" '
                f'style="width:{width};max-width:{w + 16}px;height:{height}px;border:0;display:block" '
                f'frameborder="0" scrolling="no"></iframe>')

    def _repr_html_(self) -> str:
        mb = len(self.html) / 1e6
        if mb > EMBED_LIMIT_MB:
            return _too_big(self.path, mb)
        return self.iframe()


class Animation:
    """A written animation or still (GIF, MP4, WebM, PNG, SVG, PDF) that displays itself inline.

    Behaves as a path (``os.fspath(anim)``, ``str(anim)``); ``_repr_html_`` embeds the file as
    base64 data in an ``<img>`` (GIF, PNG, SVG) or a looping, muted ``<video>`` (MP4, WebM).

    Parameters
    ----------
    path : Path or None
        The file (None if only ``data`` is kept).
    data : bytes, optional
        The file's bytes (read from ``path`` when needed if not given).
    suffix : str, optional
        Format suffix (default: from ``path``).
    """

    def __init__(self, path: Path | None, data: bytes | None = None, suffix: str | None = None):
        self.path = Path(path) if path is not None else None
        self._data = data
        self.suffix = (suffix or (self.path.suffix if self.path else "")).lower()

    @property
    def data(self) -> bytes:
        """The file's bytes."""
        if self._data is None:
            if self.path is None:
                raise ValueError("this animation has neither a file nor data")
            return self.path.read_bytes()
        return self._data

    @property
    def mime(self) -> str:
        return _MIME.get(self.suffix, "application/octet-stream")

    def __fspath__(self) -> str:
        if self.path is None:
            raise TypeError("this animation was rendered in memory; save() it to get a path")
        return os.fspath(self.path)

    def __str__(self) -> str:
        return str(self.path) if self.path else f"<in-memory {self.suffix[1:]}>"

    def __repr__(self) -> str:
        return f"<nnviz Animation {str(self)!r} ({len(self.data) / 1e6:.2f} MB)>"

    def save(self, path) -> Path:
        """Write the bytes to ``path`` (same format) and return it."""
        path = Path(path)
        if path.suffix.lower() != self.suffix:
            raise ValueError(f"this is a {self.suffix} file; save it under a name ending in {self.suffix}")
        path.write_bytes(self.data)
        self.path = path
        return path

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """The file as its own type (``image/gif``, ``image/png``, ``image/svg+xml``, ``video/mp4``)
        with the HTML embedding as the richer alternative: static viewers (GitHub, nbconvert to
        PDF) that drop HTML still show the GIF or the still."""
        bundle = {"text/plain": repr(self)}
        rich = self._repr_html_()
        if rich:
            bundle["text/html"] = rich
        if self.suffix in (".gif", ".png", ".mp4", ".webm") and len(self.data) / 1e6 <= EMBED_LIMIT_MB:
            bundle[self.mime] = base64.b64encode(self.data).decode("ascii")
        elif self.suffix == ".svg":
            bundle[self.mime] = self.data.decode("utf-8")
        return bundle

    def _repr_html_(self) -> str | None:
        if self.suffix not in _MIME or self.suffix == ".pdf":
            where = html.escape(str(self.path)) if self.path else "memory"
            return f"<p>nnviz: wrote <code>{where}</code> ({self.suffix[1:].upper()} is not shown inline)</p>"
        data = self.data
        mb = len(data) / 1e6
        if mb > EMBED_LIMIT_MB:
            return _too_big(self.path, mb)
        uri = f"data:{self.mime};base64,{base64.b64encode(data).decode('ascii')}"
        if self.mime.startswith("video/"):
            return (f'<video src="{uri}" controls autoplay loop muted playsinline '
                    f'style="max-width:100%;height:auto"></video>')
        return f'<img src="{uri}" alt="nnviz animation" style="max-width:100%;height:auto">'


def _too_big(path, mb: float) -> str:
    where = f" Open <code>{html.escape(str(path))}</code> instead." if path else ""
    return (f"<p>nnviz: {mb:.0f} MB is too large to embed in the notebook (limit "
            f"nnviz.notebook.EMBED_LIMIT_MB = {EMBED_LIMIT_MB:g}).{where}</p>")


def _open(source, trace, tmp: str):
    """Traces for ``source`` (one or a list): trace files are opened, presets/configs trained.

    Returns (traces, labels, opened) where ``opened`` are the traces to close afterwards.
    """
    from .sources import is_trace_file, trace_for
    from .trace import Trace

    sources = list(source) if isinstance(source, (list, tuple)) else [source]
    traces, labels, opened = [], [], []
    for s in sources:
        if isinstance(s, Trace):
            traces.append(s)
            labels.append(s.path.stem)
            continue
        if not isinstance(s, (str, os.PathLike)):
            raise ValueError(f"cannot show {type(s).__name__}: give a Trace, a trace file, a preset name "
                             "or a config (dict or .toml)" if not isinstance(s, dict) else
                             "cannot show a config dict directly: train it first with nnviz.train(config, trace=...)")
        stem = Path(os.fspath(s)).stem
        if is_trace_file(s):
            tr = trace_for(s)
        else:
            tp = Path(trace) if (trace and len(sources) == 1) else Path(tmp) / f"{stem}.h5"
            tr = trace_for(s, tp)
        traces.append(tr)
        labels.append(stem)
        opened.append(tr)
    return traces, labels, opened


def show(source, *, views: Sequence[str] | None = None, steps=None, fps: float = 10,
         size: tuple[int, int] = (640, 480), theme: str = "light", title: str | None = None,
         max_frames: int = 150, autoplay: bool = False, loop: bool = False,
         view_options: dict | None = None, labels: Sequence[str] | None = None,
         trace=None, image_format: str = "webp", quality: int = 80) -> Player:
    """An HTML player of a training run, displayed inline in notebooks.

    Parameters
    ----------
    source : Trace, str or Path, or a list of them
        An open trace, a trace file, or a preset name / TOML config (trained first). Several
        sources are compared side by side.
    views : list of str, optional
        Panels (see ``nnviz.render.VIEWS``); default: the main view of the run (its loss curve
        is part of the player).
    steps : str or list of int, optional
        Which recorded steps become frames (``"log2"``, ``"0:100:5"``, ``[0, 1, 3, 7]``, ...).
    fps : float, default 10
        Playback frames per second at speed 1x.
    size : (int, int)
        Frame size in pixels.
    theme : {"light", "dark"}
    title : str, optional
    max_frames : int
        At most this many frames when ``steps`` is not given.
    autoplay, loop : bool
        Start playing at once; start again after the last frame.
    view_options : dict, optional
        ``{view name: {option: value}}``, e.g. ``{"boundary": {"hard": True}}``.
    labels : list of str, optional
        Names of the runs when comparing several.
    trace : str or Path, optional
        Where to keep the trace when ``source`` is a preset (default: a temporary file that is
        removed afterwards; the player holds everything it needs).
    image_format : {"webp", "png"}
    quality : int
        WebP quality 1..100.

    Returns
    -------
    Player
        Displays inline (``_repr_html_``); ``.save("run.html")`` writes the page.
    """
    from .export.html import read_player
    from .render.animate import animate as render

    with tempfile.TemporaryDirectory(prefix="nnviz-player-") as tmp:
        traces, default_labels, opened = _open(source, trace, tmp)
        try:
            out = Path(tmp) / "player.html"
            render(traces, out, views=views, steps=steps, fps=fps, size=size, theme=theme, title=title,
                   max_frames=max_frames, view_options=view_options, labels=list(labels or default_labels),
                   writer_options={"autoplay": autoplay, "loop": loop, "image_format": image_format,
                                   "quality": quality})
            info = read_player(out)
            doc = out.read_text(encoding="utf-8")
        finally:
            for tr in opened:
                tr.close()
    return Player(doc, info["size"], info["n_frames"])


def animate(source, output=None, *, format: str = "gif", views: Sequence[str] | None = None, steps=None,
            fps: float = 20, size: tuple[int, int] = (640, 480), theme: str = "light",
            title: str | None = None, max_frames: int = 150, view_options: dict | None = None,
            labels: Sequence[str] | None = None, trace=None, progress: bool = False,
            **writer_options: Any) -> Animation | Player:
    """Render an animation (or a still) and return it ready to display in a notebook.

    Parameters
    ----------
    source : Trace, str or Path, or a list of them
        As for :func:`show`.
    output : str or Path, optional
        File to write: ``.gif``, ``.mp4``, ``.webm``, ``.html`` (player), ``.png``/``.svg``/``.pdf``
        (a still of the last selected step). Default: rendered in a temporary file of type
        ``format`` and kept in memory.
    format : {"gif", "mp4", "webm", "png", "svg", "html"}, default "gif"
        Output type when ``output`` is not given.
    views, steps, fps, size, theme, title, max_frames, view_options, labels, trace
        As for :func:`show` and ``nnviz animate``.
    progress : bool
        Show a progress bar.
    **writer_options
        Passed to the writer (e.g. ``crf=23`` for MP4, ``autoplay=True`` for HTML).

    Returns
    -------
    Animation or Player
        Displays inline; an :class:`Animation` is also a path (``os.fspath``) to ``output``.
    """
    from .export import classify
    from .render.animate import animate as render

    suffix = Path(os.fspath(output)).suffix.lower() if output is not None else "." + str(format).lower().lstrip(".")
    if output is None and suffix not in _MIME and suffix != ".html":
        raise ValueError(f"unknown format {format!r}; choose one of: gif, mp4, webm, png, svg, pdf, html")
    with tempfile.TemporaryDirectory(prefix="nnviz-anim-") as tmp:
        traces, default_labels, opened = _open(source, trace, tmp)
        try:
            out = Path(output) if output is not None else Path(tmp) / f"animation{suffix}"
            written = render(traces, out, views=views, steps=steps, fps=fps, size=size, theme=theme,
                             title=title, max_frames=max_frames, view_options=view_options,
                             labels=list(labels or default_labels), progress=progress,
                             writer_options=writer_options or None)
            if classify(out).is_player:
                player = Player.from_file(written)
                player.path = Path(output) if output is not None else None
                return player
            if output is None:
                return Animation(None, data=Path(written).read_bytes(), suffix=suffix)
            return Animation(Path(written))
        finally:
            for tr in opened:
                tr.close()
