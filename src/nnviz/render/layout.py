"""Layouts: views composed into a frame, and the fast frame loop.

The loop draws the static figure once on matplotlib's Agg canvas, keeps it as a background, and
for each frame restores it and draws only the artists the views changed (blitting). Frames are
copied out of the canvas buffer as (H, W, 3) uint8 arrays and streamed to a writer; the movie is
never held in memory and ``savefig`` is never called per frame.
"""

from __future__ import annotations

from typing import Iterator, Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..nn.threads import one_blas_thread
from .base import View
from .artists.text import FastText
from .style import get_theme, hex_to_rgb, rc_params

__all__ = ["Layout", "parse_size"]


def rgba_to_rgb(buffer) -> np.ndarray:
    """An (H, W, 3) uint8 copy of an RGBA canvas buffer.

    Pillow's raw packer drops the alpha bytes in one pass: 0.15 ms a 640x480 frame, against
    1 ms for a numpy slice copy and 1.8 ms for ``np.asarray(img.convert("RGB"))`` (which
    converts, then encodes the image again in chunks for numpy).
    """
    from PIL import Image

    arr = np.asarray(buffer)
    h, w = arr.shape[:2]
    img = Image.frombuffer("RGBA", (w, h), arr, "raw", "RGBA", 0, 1)
    return np.frombuffer(bytearray(img.tobytes("raw", "RGB")), np.uint8).reshape(h, w, 3)


def parse_size(text: str) -> tuple[int, int]:
    """``"640x480"`` -> (640, 480); both even and at least 64 (H.264 needs even sizes)."""
    try:
        w, h = (int(v) for v in str(text).lower().split("x"))
    except ValueError:
        raise ValueError(f"bad size {text!r}: write WIDTHxHEIGHT, e.g. 640x480") from None
    if w < 64 or h < 64 or w > 7680 or h > 4320:
        raise ValueError(f"bad size {text!r}: width and height must be between 64 and 7680x4320")
    if w % 2 or h % 2:
        raise ValueError(f"size {w}x{h} is odd; video needs even sizes, e.g. {w + w % 2}x{h + h % 2}")
    return w, h


class Layout:
    """Views arranged in rows, rendered into frames.

    Parameters
    ----------
    rows : list of list of View
        Panels, row by row; a view's ``width`` sets its share of its row.
    size : (int, int)
        Frame size in pixels, (width, height).
    theme : str
    title : str, optional
        Shown at the top left of every frame.
    header : callable, optional
        ``header(step) -> str`` shown at the top right (e.g. step, loss and accuracy).
    dpi : int
        Dots per inch at a 480-pixel-high frame. The figure is drawn at ``dpi * scale`` (see
        :attr:`scale`), so that everything sized in points (text, line widths, markers) grows
        with the frame: a 1920x1080 frame is the 640x480 picture, 2.25 times as large.
    """

    #: ``frames(steps, rgba=True)`` yields the canvas uncopied (see :func:`nnviz.render.pipeline.render`)
    frames_as_rgba = True

    def __init__(self, rows: Sequence[Sequence[View]], size=(640, 480), theme="light", title=None,
                 header=None, dpi=100, row_heights=None):
        self.rows = [list(r) for r in rows if r]
        self.views = [v for r in self.rows for v in r]
        if not self.views:
            raise ValueError("a layout needs at least one view")
        self.size = (int(size[0]), int(size[1]))
        self.theme = get_theme(theme)
        self.title = title
        self.header = header
        self.dpi = dpi
        self.row_heights = row_heights
        self.fig = None

    # ------------------------------------------------------------------ figure
    @property
    def scale(self) -> float:
        """Size scale of text, lines and markers: 1 at 480 pixels high, growing with the frame."""
        return max(0.7, min(self.size[1] / 480, self.size[0] / 560))

    @property
    def figure_dpi(self) -> float:
        """The figure's dots per inch: :attr:`dpi` times :attr:`scale` (points grow with the frame)."""
        return self.dpi * self.scale

    def _build(self, animated=True, header_sample=None):
        w, h = self.size
        fs = 11
        with mpl.rc_context(rc_params(self.theme)):
            dpi = self.figure_dpi
            fig = Figure(figsize=(w / dpi, h / dpi), dpi=dpi, layout="constrained")
            canvas = FigureCanvasAgg(fig)
            # constrained layout places panels so that no label is clipped; the top strip is
            # kept free for the title and the header line, or two lines where they would meet
            # (a long run name beside a long header at 640x480)
            two_lines = self._title_meets_header(canvas, fs, header_sample)
            band = (0.085 * (480 / h) ** 0.5) if (self.title or self.header) else 0.0
            line = fs * 1.45 * dpi / 72 / h  # one line of the strip, as a fraction of the height
            if two_lines:
                band += line
            fig.get_layout_engine().set(rect=(0.0, 0.0, 1.0, 1.0 - band), w_pad=0.06, h_pad=0.06,
                                        wspace=0.04, hspace=0.05)
            gs = fig.add_gridspec(len(self.rows), 1, height_ratios=self.row_heights)
            for i, row in enumerate(self.rows):
                sub = gs[i].subgridspec(1, len(row), width_ratios=[v.width for v in row])
                for j, view in enumerate(row):
                    view.setup(fig, sub[0, j])
            if self.title:
                fig.text(0.015, 0.985, self.title, ha="left", va="top", fontsize=fs, weight="bold",
                         color=self.theme.text)
            self._header = None
            if self.header:
                y = 0.985 - (line if two_lines else 0.0)
                if animated:  # redrawn every frame: the fast path
                    self._header = FastText(fig, 0.985, y, "", fontsize=fs, color=self.theme.text,
                                            ha="right", va="top")
                    self._header.set_animated(True)
                    fig.add_artist(self._header)
                else:  # stills (SVG/PDF): real text
                    self._header = fig.text(0.985, y, "", ha="right", va="top", fontsize=fs,
                                            color=self.theme.text, family="DejaVu Sans Mono")
        self.fig, self.canvas = fig, canvas
        return fig

    def _title_meets_header(self, canvas, fs, header_sample) -> bool:
        """Whether the title and the header (as ``header_sample``, its widest text) would run
        into each other on one line, in a frame of the lecture sizes (640x480 and larger)."""
        if not (self.title and self.header and header_sample) or self.size[1] < 480:
            return False  # (below 480 px high the panels have no line to spare: the strip stays one line)
        from matplotlib.font_manager import FontProperties

        r = canvas.get_renderer()
        title = r.get_text_width_height_descent(self.title, FontProperties(size=fs, weight="bold"), False)[0]
        header = r.get_text_width_height_descent(header_sample, FontProperties(size=fs, family="DejaVu Sans Mono"),
                                                 False)[0]
        return title + header + 0.05 * self.size[0] > self.size[0]  # margins 1.5 % each side, a 2 % gap

    def _update(self, step) -> list:
        changed = []
        for v in self.views:
            changed += v.update(step)
        if self._header is not None:
            self._header.set_text(self.header(step))
            changed.append(self._header)
        return changed

    # ------------------------------------------------------------------ frames
    def frames(self, steps: Sequence[int], rgba: bool = False) -> Iterator[tuple[int, np.ndarray]]:
        """Yield ``(step, frame)`` for each step; frame is an (H, W, 3) uint8 array.

        A step may be an ``int`` subclass carrying more (e.g. the network view's ``SubFrame``,
        a phase of a training step); it is passed to the views as it is.

        With ``rgba=True`` each frame is the canvas itself, (H, W, 4) RGBA: no copy, and valid
        only until the next frame is drawn (for a writer that copies it at once, such as MP4).
        """
        steps = [s if isinstance(s, int) else int(s) for s in steps]
        with one_blas_thread():
            yield from self._frames(steps, rgba)

    def _frames(self, steps, rgba=False):
        for v in self.views:
            v.prepare(steps)
        with mpl.rc_context(rc_params(self.theme)):
            self._build(animated=True, header_sample=self.header(steps[-1]) if self.header and steps else None)
            self.canvas.draw()
            background = self.canvas.copy_from_bbox(self.fig.bbox)
            renderer = self.canvas.get_renderer()
            for step in steps:
                self.canvas.restore_region(background)
                for artist in self._update(step):
                    artist.draw(renderer)
                buffer = self.canvas.buffer_rgba()
                yield step, (np.asarray(buffer) if rgba else rgba_to_rgb(buffer))

    def palette_frame(self) -> np.ndarray | None:
        """An image made of every colour the views declare they may draw (after prepare).

        Given to the GIF writer with the first frame, so its one palette also holds colours that
        appear only later in the movie (e.g. confident bands at the end of training).
        """
        colors = [v.palette_colors() for v in self.views if hasattr(v, "palette_colors")]
        if not colors:
            return None
        colors = np.unique(np.concatenate(colors), axis=0)
        reps = max(1, 4096 // len(colors))  # enough pixels each to count as a common colour
        return np.repeat(colors, reps, axis=0)[None].astype(np.uint8)

    def reserved_colors(self) -> np.ndarray:
        """The colours a GIF keeps exactly: the theme's meaningful ones and their anti-aliasing.

        The theme's :meth:`~nnviz.render.style.Theme.reserved_colors` (class, sign, status and run
        colours, text) and the views' own (a view's ``reserved_colors()``, e.g. the gradient
        view's layer colours), and for each the blends a quarter, half and three quarters of the
        way to the background, which the edges of text, thin lines and small markers are made of.
        """
        own = [v.reserved_colors() for v in getattr(self, "views", ()) if hasattr(v, "reserved_colors")]
        base = np.vstack([self.theme.reserved_colors()] + own).astype(np.float64)
        bg = hex_to_rgb(self.theme.background) * 255
        blends = [base] + [base + t * (bg - base) for t in (0.25, 0.5, 0.75)]
        return np.vstack(blends).round().astype(np.uint8)

    def render(self, step: int) -> np.ndarray:
        """One frame, (H, W, 3) uint8."""
        return next(iter(self.frames([step])))[1]

    def savefig(self, path, step: int, **kwargs):
        """Save the frame at ``step`` as a still (PNG, SVG or PDF by suffix), vector where possible."""
        for v in self.views:
            v.prepare([step])
        with mpl.rc_context(rc_params(self.theme)):
            self._build(animated=False, header_sample=self.header(step) if self.header else None)
            for artist in self._update(step):
                artist.set_animated(False)
            self.fig.savefig(path, dpi=self.figure_dpi, **kwargs)

    def close(self):
        self.fig = None
