"""A field on a grid, drawn straight into an axes' pixels: the fast path for heat maps.

``imshow`` resamples its data (and, for scalar data, a mask) on every draw, a few milliseconds
per frame. :class:`RasterField` upsamples a grid of values to the axes' exact pixel size with a
precomputed separable bilinear interpolation, colours it through a lookup table, and hands the
renderer one RGBA image: no resampling left for matplotlib to do. Works in vector outputs too
(the image is embedded at the figure's dpi).
"""

from __future__ import annotations

import numpy as np
from matplotlib.artist import Artist

__all__ = ["RasterField", "bilinear_weights"]


def bilinear_weights(n_grid: int, n_pixels: int):
    """Indices and weights sampling ``n_grid`` grid points at ``n_pixels`` pixel centres.

    The grid's first and last points sit at the edges of the pixel span (the axes limits).
    Returns ``i0`` (int, shape (n_pixels,)) and ``w`` (float32): value = f[i0] (1-w) + f[i0+1] w.
    """
    pos = (np.arange(n_pixels) + 0.5) / n_pixels * (n_grid - 1)
    i0 = np.clip(np.floor(pos).astype(np.intp), 0, n_grid - 2)
    return i0, (pos - i0).astype(np.float32)


class RasterField(Artist):
    """Values on a grid covering an axes' limits, drawn as pixels.

    Parameters
    ----------
    ax : Axes
        The field covers exactly this axes' view limits (set them to the grid's extent).
    lut : ndarray of shape (n, 4), uint8, optional
        Colour lookup table for scalar fields with values in [-1, 1]; row 0 is -1, row n-1 is +1.
        Without it, fields must be RGB arrays of shape (ny, nx, 3).
    """

    def __init__(self, ax, lut=None):
        super().__init__()
        self.ax = ax
        self.set_figure(ax.figure)
        self.lut = None if lut is None else np.asarray(lut, np.uint8)
        self.field = None
        self._weights = {}
        self.set_zorder(0)

    def set_field(self, field):
        """Scalar field (ny, nx) in [-1, 1] (with a LUT) or colours (ny, nx, 3), row 0 at the bottom."""
        self.field = field

    def _upsample(self, f, w, h):
        key = (f.shape[0], f.shape[1], w, h)
        if key not in self._weights:
            self._weights = {key: (bilinear_weights(f.shape[1], w), bilinear_weights(f.shape[0], h))}
        (ix, wx), (iy, wy) = self._weights[key]
        if f.ndim == 3:
            wx, wy = wx[:, None], wy[:, None]
        f = np.asarray(f, np.float32)
        rows = f[:, ix] * (1 - wx)
        rows += f[:, ix + 1] * wx  # along x: (ny, w)
        out = rows[iy] * (1 - wy[:, None])
        out += rows[iy + 1] * wy[:, None]  # along y: (h, w)
        return out

    def rgba(self, w: int, h: int) -> np.ndarray:
        """The field at ``w`` x ``h`` pixels, RGBA uint8, row 0 at the bottom (as draw_image wants)."""
        if self.lut is not None:
            # The LUT index is linear in the value, so the grid's values become (index + 0.5) first
            # and only those are interpolated: truncating them then rounds to the nearest entry,
            # and one uint32 per pixel is looked up instead of four bytes (5x faster than
            # interpolating values and indexing the LUT per channel).
            n = len(self.lut)
            scale = np.float32(0.5 * (n - 1))
            f = np.nan_to_num(np.clip(np.asarray(self.field, np.float32), -1.0, 1.0))
            up = self._upsample(f * scale + (scale + np.float32(0.5)), w, h)
            idx = up.astype(np.uint8 if n <= 256 else np.uint16)
            lut32 = np.ascontiguousarray(self.lut).view(np.uint32).reshape(-1)
            return np.take(lut32, idx).view(np.uint8).reshape(h, w, 4)
        up = self._upsample(self.field, w, h)
        out = np.empty((h, w, 4), np.uint8)
        out[..., :3] = np.clip(up + 0.5, 0, 255)
        out[..., 3] = 255
        return out

    def draw(self, renderer):
        if self.field is None or not self.get_visible():
            return
        x0, y0, x1, y1 = self.ax.bbox.extents
        x0, y0 = int(np.ceil(x0)), int(np.ceil(y0))
        w, h = int(np.floor(x1)) - x0, int(np.floor(y1)) - y0
        if w < 1 or h < 1:
            return
        # Vector backends (SVG, PDF) lay out in points and take images at image_dpi: they want
        # dpi/72 times as many pixels as the box has points. Agg's magnification is 1.
        mag = renderer.get_image_magnification()
        gc = renderer.new_gc()
        gc.set_clip_rectangle(self.ax.bbox)
        rgba = self.rgba(max(1, round(w * mag)), max(1, round(h * mag)))
        renderer.draw_image(gc, x0, y0, rgba)  # row 0 is the bottom row
        gc.restore()
