"""The one text artist for numbers that change every frame, drawn without matplotlib's text layout.

``matplotlib.text.Text`` spends milliseconds per draw on layout; a header like
"step 40   loss 0.009289   accuracy 94.0%" or the dozens of values on a network diagram change
every frame, so that cost would be paid per frame. :class:`FastText` is a ``Text``: in a still
(not animated; SVG, PDF) it is drawn as real text, so vector output keeps text. Animated (movie
frames) it renders its one line straight with FreeType (the same rasteriser Agg uses) into a
cached bitmap and hands the renderer one small RGBA image:

* a monospace font and printable ASCII (plus a few symbols): cells cut from a glyph atlas drawn
  once per size (hinted monospace glyphs all advance by the same whole number of pixels);
* anything else: cached glyphs placed side by side at their advances (no kerning, like a
  terminal; FreeType lays out a whole string in about 1 ms, a cached glyph costs microseconds).

One line, no math text, no rotation. ``box=(colour, alpha)`` paints a background behind it. A
line that would run over the frame's edge (a caption centred over a panel at the frame's side)
is moved inside it, never cut.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib import font_manager
from matplotlib.colors import to_rgb
from matplotlib.ft2font import FT2Font, LoadFlags
from matplotlib.text import Text

__all__ = ["FastText", "axes_text"]


class FastText(Text):
    """One line of text, cheap to redraw.

    Parameters
    ----------
    fig : Figure
    x, y : float
        Anchor: figure fractions, axes fractions (with ``ax``), or in ``transform``'s coordinates.
    text : str
    fontsize : float
        In points.
    color : color
    ha : {"left", "right", "center"}
    va : {"top", "bottom", "center", "baseline"}
    family : str
        Font family (a monospace font keeps columns of numbers still).
    weight : str
    ax : Axes, optional
        Anchor to this axes: ``x, y`` are then fractions of the axes box.
    box : (color, float), optional
        Background colour and opacity behind the text.
    transform : Transform, optional
        Coordinates of ``x, y`` (instead of figure or axes fractions).
    **kwargs
        Other :class:`matplotlib.text.Text` properties (``gid``, ``zorder``, ``animated``, ...).
    """

    _fonts: dict = {}  # font path -> FT2Font
    _glyphs: dict = {}  # (font path, size, dpi) -> {char: (alpha, descent, bearing, advance)}
    _atlases: dict = {}  # (font path, size, dpi) -> atlas or None
    _CHARSET = "".join(chr(c) for c in range(32, 127)) + "·−×→₁₂₃δσ"

    def __init__(self, fig, x, y, text="", fontsize=10, color="black", ha="left", va="top",
                 family="DejaVu Sans Mono", weight="normal", ax=None, box=None, transform=None, **kwargs):
        if transform is None:
            transform = ax.transAxes if ax is not None else fig.transFigure
        super().__init__(x, y, text, fontsize=fontsize, color=color, ha=ha, va=va, family=family,
                         weight=weight, transform=transform, **kwargs)
        self.set_figure(fig)
        self.set_in_layout(False)
        self._box = box
        if box is not None:
            self.set_bbox(dict(boxstyle="square,pad=0.15", facecolor=box[0], edgecolor="none", alpha=box[1]))
        self._cache: dict = {}

    # ------------------------------------------------------------------ glyphs
    def _font(self):
        path = font_manager.findfont(self.get_fontproperties())
        if path not in FastText._fonts:
            FastText._fonts[path] = FT2Font(path)
        return path, FastText._fonts[path]

    def _atlas(self, dpi):
        """Every character of ``_CHARSET`` rendered once, for a monospace font, or None.

        The atlas puts a space between characters, so a glyph's ink that overhangs its cell
        comes along, and none of its neighbour's does.
        """
        path, f = self._font()
        key = (path, float(self.get_fontsize()), dpi, self._CHARSET)
        if key not in FastText._atlases:
            f.set_size(self.get_fontsize(), dpi)
            pos = f.set_text(" ".join(self._CHARSET), 0.0, flags=LoadFlags.FORCE_AUTOHINT)
            steps = np.diff(np.asarray(pos)[:, 0]) if len(self._CHARSET) > 1 else np.zeros(0)
            atlas = None
            if len(steps) and np.all(steps == steps[0]) and steps[0] % 64 == 0:
                f.draw_glyphs_to_bitmap(antialiased=True)
                alpha = np.asarray(f.get_image())
                advance = int(steps[0] // 64)
                shift = int(round(f.get_bitmap_offset()[0] / 64.0))  # bitmap column 0 sits here
                atlas = (alpha, advance, shift, f.get_descent() / 64.0)
            FastText._atlases[key] = atlas
        return FastText._atlases[key]

    def _glyph_mask(self, text, dpi):
        """Alpha mask of ``text`` composed from cached glyphs; (mask, descent)."""
        path, f = self._font()
        size = self.get_fontsize()
        f.set_size(size, dpi)
        px = size * dpi / 72.0 / f.units_per_EM
        asc, desc = f.ascender * px, -f.descender * px
        glyphs = FastText._glyphs.setdefault((path, size, dpi), {})
        for c in text:
            if c not in glyphs:
                f.set_text(c, 0.0, flags=LoadFlags.FORCE_AUTOHINT)
                f.draw_glyphs_to_bitmap(antialiased=True)
                a = np.asarray(f.get_image())
                g = f.load_char(ord(c), flags=LoadFlags.FORCE_AUTOHINT)
                glyphs[c] = (a, f.get_descent() / 64.0, g.horiBearingX / 64.0, g.horiAdvance / 64.0)
        width = sum(glyphs[c][3] for c in text)
        base = int(round(asc)) + 1
        out = np.zeros((int(math.ceil(asc + desc)) + 2, int(math.ceil(width)) + 2), np.uint8)
        pen = 0.0
        for c in text:
            a, d, bx, adv = glyphs[c]
            h, w = a.shape
            x0, y0 = int(round(pen + bx)), int(round(base + d)) - h
            pen += adv
            if not (h and w):
                continue
            ys, xs = max(y0, 0), max(x0, 0)
            ye, xe = min(y0 + h, out.shape[0]), min(x0 + w, out.shape[1])
            if ye > ys and xe > xs:
                np.maximum(out[ys:ye, xs:xe], a[ys - y0: ye - y0, xs - x0: xe - x0], out=out[ys:ye, xs:xe])
        return out, float(out.shape[0] - base)

    def _mask(self, dpi):
        """Alpha mask (uint8) of the current text and its descent in pixels."""
        text = self.get_text()
        atlas = self._atlas(dpi) if len(self._CHARSET) > 1 else None
        if atlas is not None and all(c in self._CHARSET for c in text):
            alpha, adv, shift, descent = atlas
            pad = adv // 2  # room for overhanging ink on either side of a cell
            out = np.zeros((alpha.shape[0], adv * len(text) + 2 * pad), np.uint8)
            for j, c in enumerate(text):
                left = 2 * adv * self._CHARSET.index(c) - shift - pad  # cell start, with the margin
                a0, a1 = max(0, left), min(alpha.shape[1], left + adv + 2 * pad)
                dst = out[:, j * adv + a0 - left: j * adv + a1 - left]
                np.maximum(dst, alpha[:, a0:a1], out=dst)
            cols = np.flatnonzero(out.any(axis=0))
            return (out[:, cols[0]:cols[-1] + 1] if cols.size else out[:, :1]), descent
        return self._glyph_mask(text, dpi)

    def _rgba(self, dpi):
        """The text as an RGBA bitmap (top row first) and its descent in pixels (cached)."""
        color = to_rgb(self.get_color())
        key = (self.get_text(), float(self.get_fontsize()), dpi, color, self._box)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if len(self._cache) > 512:
            self._cache.clear()
        alpha, descent = self._mask(dpi)
        fg = np.array(color, np.float32)
        if self._box is not None:
            pad = int(round(0.15 * self.get_fontsize() * dpi / 72.0))
            a = np.pad(alpha, pad).astype(np.float32) / 255.0
            bg = np.array(to_rgb(self._box[0]), np.float32)
            a_bg = float(self._box[1])
            out_a = a + a_bg * (1 - a)
            rgb = (fg * a[..., None] + bg * a_bg * (1 - a)[..., None]) / np.maximum(out_a, 1e-6)[..., None]
            rgba = np.dstack([rgb * 255, out_a * 255]).round().astype(np.uint8)
            descent += pad
        else:
            rgba = np.empty(alpha.shape + (4,), np.uint8)
            rgba[..., :3] = (fg * 255).astype(np.uint8)
            rgba[..., 3] = alpha
        hit = (rgba, descent)
        self._cache[key] = hit
        return hit

    # ------------------------------------------------------------------ drawing
    def _placed(self):
        """(rgba, x, y, shift): the bitmap, its lower-left corner in pixels (inside the figure) and
        how far it was moved to be inside."""
        fig = self.get_figure(root=True)
        rgba, descent = self._rgba(fig.dpi)
        h, w = rgba.shape[:2]
        x, y = self.get_transform().transform(self.get_unitless_position())
        x -= {"left": 0.0, "center": w / 2, "right": w}[self.get_horizontalalignment()]
        va = self.get_verticalalignment()
        y -= {"bottom": 0.0, "center": h / 2, "center_baseline": h / 2, "top": h, "baseline": descent}[va]
        W, H = fig.bbox.width, fig.bbox.height
        # moved inside the frame rather than cut at its edge
        x0, y0 = max(min(x, W - w), 0.0), max(min(y, H - h), 0.0)
        return rgba, x0, y0, (x0 - x, y0 - y)

    def get_window_extent(self, renderer=None, dpi=None):
        """The text's box; in a movie frame moved as the drawing is (inside the frame)."""
        box = super().get_window_extent(renderer, dpi)
        if not self.get_animated() or not self.get_text() or dpi is not None:
            return box
        return box.translated(*self._placed()[3])

    def draw(self, renderer):
        if not self.get_visible() or not self.get_text():
            return
        if not self.get_animated():  # a still: real text (vector in SVG/PDF)
            return super().draw(renderer)
        rgba, x, y, _ = self._placed()
        gc = renderer.new_gc()
        # draw_image takes the image top row first and its lower-left corner in pixels
        renderer.draw_image(gc, round(x), round(y), rgba[::-1])
        gc.restore()


def axes_text(ax, x, y, text="", **kwargs) -> FastText:
    """A :class:`FastText` at axes fractions ``(x, y)`` of ``ax``, animated, above the axes."""
    t = FastText(ax.figure, x, y, text, ax=ax, **kwargs)
    t.set_animated(True)
    t.set_zorder(10)  # above the axes when a still draws the figure in zorder
    ax.figure.add_artist(t)
    return t
