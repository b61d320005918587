"""Shared pieces of the manim scenes: colours, text, trace loading, timing, the Pillow check."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, AnimationGroup, Line, Mobject, Scene, Text,
                   UpdateFromAlphaFunc, VGroup, VMobject, config)

from .options import scene_options
from .palette import BG, CLASS_COLORS, CURSOR, DELTA, GRID, MUTED, NEG, PANEL, POS, TEXT  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)


def _pick_font() -> str | None:
    try:
        import manimpango

        fonts = set(manimpango.list_fonts())
    except Exception:  # pragma: no cover
        return None
    for name in ("DejaVu Sans", "Liberation Sans", "Arial", "Helvetica"):
        if name in fonts:
            return name
    return None


#: a sans-serif font with the Unicode the labels use (σ, δ, ⁽ˡ⁾, subscripts); None: Pango's default
FONT = _pick_font()


#: The smallest font size in the scenes. ``Text(font_size=F)`` has an em of F/72 scene units (Pango
#: at F/4.8 points, 96 dpi, scaled by 0.05) and the frame is 8 units high, so a font is F/576 of the
#: frame height at every quality: 12 is 10 px at 480p and 22.5 px at 1080p, the smallest text of
#: nnviz's pictures (:data:`nnviz.render.style.SMALLEST_TEXT`), above the 2 % of the frame height
#: that a lecture hall needs (11.5). Sizes are measured as the pictures' are: the em, not a glyph.
SMALLEST_FONT = 12.0


def font_px(size: float, pixel_height: int | None = None) -> float:
    """The em of font size ``size`` in pixels in a frame ``pixel_height`` high (default: the render's)."""
    h = config.pixel_height if pixel_height is None else pixel_height
    return size / 72 * h / config.frame_height


def text(s: str, size: float = 24, color: str = TEXT, **kw) -> Text:
    """A Text label in the scenes' font (Unicode: σ, δ, subscripts; no LaTeX needed)."""
    if FONT and "font" not in kw:
        kw["font"] = FONT
    return Text(s, font_size=size, color=color, **kw)


class _Glyphs:
    """Outlines and advances of the characters of numbers, from one Text at font size 48.

    Numbers that change every frame are drawn from these: setting a value copies a few small
    arrays, where manim's DecimalNumber deep-copies a Text per digit (milliseconds each: it made
    BackpropFlow three times slower).
    """

    CHARS = "0123456789.−+-e% "
    _instance = None

    def __init__(self):
        chars = self.CHARS.replace(" ", "")
        t = text("00" + "".join(c + "0" for c in chars), 48)
        left = [g.get_left()[0] for g in t]
        zero = left[1] - left[0]
        base = t[0].get_bottom()[1]
        self.rel, self.adv = {}, {}
        for k, c in enumerate(chars):
            pen = left[1 + 2 * k] + zero                # where this character's "0" would start
            self.adv[c] = left[3 + 2 * k] - pen
            self.rel[c] = t[2 + 2 * k].points - np.array([pen, base, 0.0])
        self.rel[" "], self.adv[" "] = np.zeros((0, 3)), 0.5 * zero
        self.height = t[0].height  # of a digit

    @classmethod
    def get(cls) -> "_Glyphs":
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def width(self, s: str, size: float) -> float:
        """Advance width of ``s`` at font size ``size``, in scene units."""
        return sum(self.adv.get(c, 0.0) for c in s) * size / 48


class FastNumber(VMobject):
    """A number label that is cheap to change every frame (see :class:`_Glyphs`).

    Parameters
    ----------
    value : float
    decimals : int
    size : float
        Font size.
    align : {"center", "left"}
        What stays put when the value changes: the centre, or the left end on the baseline.
    formatter : callable, optional
        ``value -> str`` instead of ``decimals``, ``scale`` and ``suffix``, e.g.
        :func:`nnviz.formatting.percent` for an accuracy.
    """

    def __init__(self, value: float = 0.0, decimals: int = 2, size: float = 20, color: str = TEXT,
                 align: str = "center", max_chars: int = 10, scale: float = 1.0, suffix: str = "",
                 formatter=None, **kw):
        super().__init__(**kw)
        self.decimals, self.align, self.k = decimals, align, size / 48
        self.factor, self.suffix, self.formatter = scale, suffix, formatter
        self.anchor = VMobject(stroke_width=0, fill_opacity=0)
        self.anchor.points = np.zeros((4, 3))
        self.slots = [VMobject(stroke_width=0, fill_color=color, fill_opacity=1) for _ in range(max_chars)]
        self.add(self.anchor, *self.slots)
        self.value = None
        self.set_value(value)

    def set_value(self, v: float) -> "FastNumber":
        v = float(v)
        if self.formatter is not None:
            s = self.formatter(v)
        else:
            s = (fmt(v * self.factor, self.decimals) if np.isfinite(v) else "nan") + self.suffix
        self.value = v
        g = _Glyphs.get()
        s = "".join(c for c in s if c in g.rel)
        x, y = self.anchor.points[0, 0], self.anchor.points[0, 1]
        if self.align == "center":
            x -= 0.5 * self.k * sum(g.adv[c] for c in s)
            y -= 0.5 * self.k * g.height
        for i, slot in enumerate(self.slots):
            if i < len(s):
                slot.points = g.rel[s[i]] * self.k + np.array([x, y, 0.0])
                x += g.adv[s[i]] * self.k
            else:
                slot.points = np.zeros((0, 3))
        return self

    def get_value(self) -> float:
        return self.value

    @property
    def font_size(self) -> float:
        """The font size the glyphs are drawn at (every :meth:`set_value` redraws them at it)."""
        return 48 * self.k

    @staticmethod
    def _box(strings) -> tuple[float, float]:
        """(the widest advance of ``strings``, a digit's height) per point of font size."""
        g = _Glyphs.get()
        return max(g.width(s, 1.0) for s in strings), g.height / 48

    @staticmethod
    def fit(strings, width: float, height: float, largest: float = 20.0) -> float:
        """The largest font size (at most ``largest``) at which every string of ``strings`` fits in a
        box ``width`` x ``height`` (a digit's height, centred); compare with :data:`SMALLEST_FONT`."""
        wide, tall = FastNumber._box(strings)
        return float(min(largest, width / max(wide, 1e-9), height / tall))

    @staticmethod
    def fit_in_circle(strings, radius: float, largest: float = 20.0) -> float:
        """The largest font size (at most ``largest``) at which every string of ``strings``, centred,
        lies inside a circle of ``radius``: the corners of its box (advance width x digit height)."""
        wide, tall = FastNumber._box(strings)
        return float(min(largest, 2 * radius / np.hypot(wide, tall)))


class Readout(VGroup):
    """A static label, a live number on the same baseline, and optional static text after it.

    ``Readout("update", 0, 0, after="of 14", widest=14)`` shows ``update 3 of 14``; the text after
    the number is placed for the widest value, so it never moves.
    """

    def __init__(self, label: str, value: float = 0.0, decimals: int = 2, size: float = 22,
                 label_color: str = MUTED, color: str = TEXT, after: str = "", widest: float | None = None,
                 **number_kw):
        sample = fmt(value if widest is None else widest, decimals) if after else "0"
        sample = sample.replace("−", "-").replace("-", "0")
        template = text(f"{label} {sample} {after}".rstrip(), size, label_color)
        n = len(text(label, size)) if after else len(template) - 1
        self.label = template[:n]
        self._size, self._label_height = size, self.label.height
        self.num = FastNumber(value, decimals, size, color, align="left", **number_kw)
        self.num.shift(np.array([template[n].get_left()[0], template[n].get_bottom()[1], 0.0]))
        self.num.set_value(value)
        parts = [self.label, self.num]
        if after:
            parts.append(template[n + len(sample):])
        super().__init__(*parts)

    def set_value(self, v: float) -> "Readout":
        self.num.set_value(v)
        return self

    @property
    def font_size(self) -> float:
        """The label's font size, as scaled since it was made (the number's is ``num.font_size``)."""
        return self._size * (self.label.height / self._label_height if self._label_height else 1.0)


class Drive(UpdateFromAlphaFunc):
    """UpdateFromAlphaFunc without the deep copy of its mobject that every Animation makes at begin.

    The update function sets everything from alpha, so the starting copy is never used; for the
    network (hundreds of submobjects) that copy costs more than rendering the frames.
    """

    def create_starting_mobject(self):
        return Mobject()


def stack(rows, gap: float = 0.42) -> VGroup:
    """Readouts one under another with evenly spaced baselines and aligned left edges."""
    x0 = rows[0].get_left()[0]
    y0 = rows[0].num.anchor.points[0, 1]
    for i, r in enumerate(rows):
        r.shift(np.array([x0 - r.get_left()[0], y0 - i * gap - r.num.anchor.points[0, 1], 0.0]))
    return VGroup(*rows)


def _fade(mob, into: bool, **kw):
    members = mob.family_members_with_points()
    images = [m for m in members if not hasattr(m, "fill_rgbas")]   # ImageMobject: one alpha
    family = [m for m in members if hasattr(m, "fill_rgbas")]
    fills = [np.array(m.fill_rgbas[:, 3]) if len(m.fill_rgbas) else None for m in family]
    strokes = [np.array(m.stroke_rgbas[:, 3]) if len(m.stroke_rgbas) else None for m in family]

    def f(_, alpha):
        a = alpha if into else 1.0 - alpha
        for m in images:
            m.set_opacity(a if into or alpha < 1.0 else 1.0)
        for m, fo, so in zip(family, fills, strokes):
            if fo is not None and len(m.fill_rgbas) == len(fo):
                m.fill_rgbas[:, 3] = fo * a
            if so is not None and len(m.stroke_rgbas) == len(so):
                m.stroke_rgbas[:, 3] = so * a
        if not into and alpha >= 1.0:  # leave the mobject as it was, for reuse
            for m, fo, so in zip(family, fills, strokes):
                if fo is not None and len(m.fill_rgbas) == len(fo):
                    m.fill_rgbas[:, 3] = fo
                if so is not None and len(m.stroke_rgbas) == len(so):
                    m.stroke_rgbas[:, 3] = so

    return Drive(mob, f, introducer=into, remover=not into, **kw)


def fade_in(*mobs, **kw) -> AnimationGroup:
    """Like FadeIn, without the deep copies FadeIn makes (they cost ~0.1 s per Text)."""
    return AnimationGroup(*[_fade(m, True, **kw) for m in mobs])


def fade_out(*mobs, **kw) -> AnimationGroup:
    """Like FadeOut (removes the mobjects at the end), without deep copies."""
    return AnimationGroup(*[_fade(m, False, **kw) for m in mobs])


def fmt(v: float, d: int = 2) -> str:
    """A number for a label: fixed decimals, a real minus sign, no "-0.00"."""
    s = f"{v:.{d}f}"
    if re.fullmatch(r"-0\.?0*", s):
        s = s[1:]
    return s.replace("-", "−")


def check_pillow():
    """Fail with a clear message on Pillow >= 13, which breaks manim 0.22's ImageMobject."""
    import PIL

    major = int(PIL.__version__.split(".")[0])
    if major >= 13:
        raise RuntimeError(
            f"Pillow {PIL.__version__} breaks image rendering in manim (Image.fromarray(..., mode='RGBA') "
            "of a float array); install a working one: pip install 'pillow<13'")


# ---------------------------------------------------------------- traces
def traces_dir() -> Path:
    """Where scenes write the traces they train: next to manim's output."""
    d = Path(config.get_dir("media_dir")) / "nnviz_traces"
    d.mkdir(parents=True, exist_ok=True)
    return d


def scene_trace(name: str, default_spec, record: str = "auto", network: str = "dense"):
    """The trace a scene reads: the one given, or a preset / config trained now.

    Parameters
    ----------
    name : str
        File stem for a trace trained here.
    default_spec : str or dict
        What to train when neither a trace nor a preset is given.
    record : str
        Recording schedule for a trace trained here (smooth animation wants many steps).
    network : {"dense", "conv"}
        The network the scene draws: a convolutional trace is refused in one line by the
        scenes of fully connected networks (``ConvolutionFlow`` checks its own).
    """
    from ..sources import trace_for
    from ..trace import load_trace

    opts = scene_options()
    if opts.trace:
        trace = load_trace(opts.trace)
    else:
        spec = opts.preset or default_spec
        stem = Path(spec).stem if isinstance(spec, str) else name
        path = traces_dir() / f"{stem}.h5"
        log.info("training %s into %s", spec if isinstance(spec, str) else name, path)
        trace = trace_for(spec, path, record=record)
    if network == "dense":
        trace.require_dense(f"the {name} scene", "draw a CNN trace with nnviz scene ConvolutionFlow, or nnviz "
                                                 "animate TRACE --view filters,featuremaps,loss")
    return trace


def duration(default: float) -> float:
    """Seconds of animation: ``--duration`` / ``NNVIZ_DURATION``, or the scene's default."""
    d = scene_options().duration
    return float(d) if d else float(default)


class Timing:
    """Run times scaled so that a scene's animations add up to the requested duration.

    ``T = Timing(total, intro=1, forward=3, ...)``; ``T.forward`` is that part's share in seconds.
    A part called ``hold`` (the pause at the end) is replaced by ``--hold`` / :func:`using`'s
    ``hold`` when one is given, in seconds; the other parts keep their times.
    """

    def __init__(self, total: float, **parts: float):
        s = sum(parts.values())
        self._t = {k: total * v / s for k, v in parts.items()}
        hold = scene_options().hold
        if hold is not None and "hold" in self._t:
            self._t["hold"] = float(hold)

    def __getattr__(self, key):
        try:
            return self._t[key]
        except KeyError:
            raise AttributeError(key) from None


class NNVizScene(Scene):
    """Base of the scenes: the nnviz background colour."""

    def setup(self):
        self.camera.background_color = BG


# ---------------------------------------------------------------- axes without LaTeX
class PlotAxes(VGroup):
    """Two axis lines meeting at the lower left corner, with coordinates that follow the group.

    Unlike manim's Axes, the axes always sit at the bottom and left of the plot (not through 0)
    and need no LaTeX. ``c2p(x, y)`` maps data coordinates to the scene wherever the axes are moved.
    """

    def __init__(self, x_range, y_range, width, height, color=MUTED, stroke_width=2):
        self.x_range = (float(x_range[0]), float(x_range[1]))
        self.y_range = (float(y_range[0]), float(y_range[1]))
        self.x_axis = Line(np.zeros(3), width * RIGHT, color=color, stroke_width=stroke_width)
        self.y_axis = Line(np.zeros(3), height * UP, color=color, stroke_width=stroke_width)
        super().__init__(self.x_axis, self.y_axis)

    def c2p(self, x, y) -> np.ndarray:
        """Scene point of data point (x, y)."""
        o = self.x_axis.get_start()
        ex = (self.x_axis.get_end() - o) / (self.x_range[1] - self.x_range[0])
        ey = (self.y_axis.get_end() - self.y_axis.get_start()) / (self.y_range[1] - self.y_range[0])
        return o + (x - self.x_range[0]) * ex + (y - self.y_range[0]) * ey


def plain_axes(x_range, y_range, width, height, x_ticks=(), y_ticks=(), tick_size=16, decimals=None,
               x_label=None, y_label=None, zero_line=False) -> PlotAxes:
    """:class:`PlotAxes` with Text tick labels in ``ax.tick_labels`` (move both together).

    ``zero_line`` adds a faint horizontal line at y = 0 when 0 lies inside the y range.
    """
    ax = PlotAxes(x_range, y_range, width, height)
    labels = VGroup()
    y0 = y_range[0]
    for v in x_ticks:
        p = ax.c2p(v, y0)
        labels.add(text(_tick(v, decimals), tick_size, MUTED).next_to(p, DOWN, buff=0.12),
                   Line(p, p + 0.08 * DOWN, color=MUTED, stroke_width=2))
    for v in y_ticks:
        p = ax.c2p(x_range[0], v)
        labels.add(text(_tick(v, decimals), tick_size, MUTED).next_to(p, LEFT, buff=0.12),
                   Line(p, p + 0.08 * LEFT, color=MUTED, stroke_width=2))
    if zero_line and y_range[0] < 0 < y_range[1]:
        ax.add(Line(ax.c2p(x_range[0], 0), ax.c2p(x_range[1], 0), color=GRID, stroke_width=1.5))
    if x_label:
        labels.add(text(x_label, tick_size + 2, MUTED).next_to(ax.x_axis, DOWN, buff=0.45))
    if y_label:
        labels.add(text(y_label, tick_size + 2, MUTED).next_to(ax.y_axis.get_end(), UP, buff=0.15)
                   .align_to(ax.y_axis, LEFT))
    ax.tick_labels = labels
    return ax


def nice_ticks(hi: float, lo: float = 0.0, most: int = 4) -> tuple[np.ndarray, int]:
    """Round tick values in [lo, hi] (at most ``most`` + 1 of them) and the decimals they need."""
    span = max(hi - lo, 1e-12)
    for k in range(-12, 13):
        for m in (1, 2, 2.5, 5):
            step = m * 10.0**k
            if span / step <= most:
                ticks = np.arange(np.ceil(lo / step) * step, hi + 1e-12 * span, step)
                decimals = max(0, -int(np.floor(np.log10(step) + 1e-9))) + (1 if m == 2.5 else 0)
                return ticks, decimals
    return np.array([lo, hi]), 2


def _tick(v, decimals):
    if decimals is None:
        return fmt(v, 0) if float(v).is_integer() else fmt(v, 1)
    return fmt(v, decimals)


def polyline(points, color=TEXT, width=3.0) -> VMobject:
    """A polyline through ``points`` (m, 3) as one VMobject."""
    vm = VMobject(stroke_color=color, stroke_width=width)
    set_polyline(vm, points)
    return vm


def set_polyline(vm: VMobject, points) -> VMobject:
    """Replace ``vm``'s points with straight segments through ``points`` (m, 3)."""
    points = np.asarray(points, dtype=float)
    if len(points) < 2:
        points = np.vstack([points, points]) if len(points) else np.zeros((2, 3))
    a, b = points[:-1], points[1:]
    # cubic Bézier segments that are straight lines: anchors with handles at 1/3 and 2/3
    pts = np.empty((len(a) * 4, 3))
    pts[0::4], pts[1::4], pts[2::4], pts[3::4] = a, a + (b - a) / 3, a + 2 * (b - a) / 3, b
    vm.points = pts
    return vm


def set_paths(vm: VMobject, paths) -> VMobject:
    """Replace ``vm``'s points with several disjoint polylines (each (m_i, 3))."""
    chunks = []
    for p in paths:
        p = np.asarray(p, dtype=float)
        if len(p) < 2:
            continue
        a, b = p[:-1], p[1:]
        pts = np.empty((len(a) * 4, 3))
        pts[0::4], pts[1::4], pts[2::4], pts[3::4] = a, a + (b - a) / 3, a + 2 * (b - a) / 3, b
        chunks.append(pts)
    vm.points = np.vstack(chunks) if chunks else np.zeros((0, 3))
    return vm


def to3(xy) -> np.ndarray:
    xy = np.asarray(xy, dtype=float)
    return np.column_stack([xy, np.zeros(len(xy))])



__all__ = ["BG", "PANEL", "TEXT", "MUTED", "GRID", "POS", "NEG", "CURSOR", "DELTA", "CLASS_COLORS",
           "text", "FastNumber", "Readout", "stack", "fade_in", "fade_out", "Drive", "fmt",
           "check_pillow", "scene_trace", "duration", "Timing", "NNVizScene", "PlotAxes", "plain_axes",
           "nice_ticks", "polyline", "set_polyline", "set_paths", "to3"]
