"""Colours and themes shared by every view.

Class colours follow seed 003's plots (blue ``#0088FF`` for -1, orange ``#FF8800`` for +1); more
classes continue with well-separated hues. Colour fields are built with numpy lookup tables, not
matplotlib colormaps per frame, because rendering is the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np

__all__ = ["Theme", "THEMES", "get_theme", "CLASS_COLORS", "MEANINGS", "RUN_DASHES", "run_width", "hex_to_rgb",
           "rc_params", "SMALLEST_TEXT"]

CLASS_COLORS = ["#0088FF", "#FF8800", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2",
                "#17BECF", "#BCBD22", "#7F7F7F"]


def hex_to_rgb(color: str) -> np.ndarray:
    """``"#FF8800"`` -> array([1.0, 0.533, 0.0])."""
    return np.array(mpl.colors.to_rgb(color))


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    panel: str  # colour of "no opinion" in a boundary field (output at the threshold)
    text: str
    muted: str
    grid: str
    loss: str
    test: str
    accuracy: str
    cursor: str
    positive: str  # weights > 0
    negative: str  # weights < 0
    grad_pos: str = "#7F3C8D"  # deltas / gradients > 0
    grad_neg: str = "#11A579"  # deltas / gradients < 0
    right: str = "#009E73"  # a correct prediction
    wrong: str = "#D55E00"  # a wrong prediction
    runs: tuple = ("#0072B2", "#D55E00", "#7F3C8D", "#009E73")  # compared runs (with RUN_DASHES)
    # the loss landscape's colour ramp, low loss to high: one grey-blue hue, so the runs' coloured
    # paths stay the only colours on it
    surface: tuple = ("#FAFBFC", "#66717D")

    def class_color(self, k: int) -> str:
        return CLASS_COLORS[k % len(CLASS_COLORS)]

    def run_color(self, j: int) -> str:
        """The colour of the ``j``-th compared run (its dash pattern: :data:`RUN_DASHES`)."""
        return self.runs[j % len(self.runs)]

    def reserved_colors(self) -> np.ndarray:
        """Every colour of :data:`MEANINGS` plus text, muted and background, (n, 3) uint8.

        A GIF keeps these exactly in its palette (:class:`nnviz.export.gif.GifWriter`).
        """
        names = {"background", "panel", "text", "muted", "grid", "loss", "test", "accuracy", "cursor"}
        hexes = [getattr(self, n) for n in sorted(names)] + [c for pair in self.pairs().values() for c in pair]
        rgb = np.array([hex_to_rgb(c) for c in dict.fromkeys(hexes)]) * 255 + 0.5
        return rgb.astype(np.uint8)

    def pairs(self) -> dict:
        """``{meaning: (colour, colour)}``: every pair of :data:`MEANINGS` in this theme."""
        return {m: (self._color(a), self._color(b)) for m, (a, b) in MEANINGS.items()}

    def _color(self, role: str) -> str:
        if role.startswith("class"):
            return self.class_color(int(role[5:]))
        if role.startswith("run"):
            return self.run_color(int(role[3:]))
        return getattr(self, role)


#: The one table of colour pairs that carry a distinction, as theme roles. Each pair stays at least
#: Delta E 76 = 20 apart under simulated deuteranopia, protanopia and tritanopia (Machado et al.
#: 2009) in every theme (tests/test_render.py). Chosen from Okabe-Ito (Okabe & Ito 2008) and Tol:
#: orange/blue for the sign of weights (seed 003's class colours, far apart for every deficiency),
#: purple/green for the sign of deltas and gradients (apart from the weight colours and from each
#: other; crimson/teal collapsed to grey under deuteranopia), Okabe-Ito bluish green/vermillion
#: for right/wrong (red/green kept as the words say, but with a lightness step), blue/vermillion
#: for the first two compared runs, which also differ in dash pattern (RUN_DASHES).
MEANINGS = {
    "class 0 / class 1": ("class0", "class1"),
    "weight sign": ("positive", "negative"),
    "delta and gradient sign": ("grad_pos", "grad_neg"),
    "right / wrong": ("right", "wrong"),
    "first two runs": ("run0", "run1"),
    "loss / test": ("loss", "test"),
}

#: Dash patterns of compared runs: the second channel when lines overlap (matplotlib ``ls``).
RUN_DASHES = ("-", (0, (4, 4)), (0, (1, 1.5)), (0, (6, 2, 1, 2)))


def run_width(j: int, n: int, base: float = 1.4) -> float:
    """Line width of the ``j``-th of ``n`` compared runs: earlier runs wider, so that runs whose
    curves coincide (two linear networks on XOR, loss 0.693 each) show as a wide line with the
    later run's dashes inside it, never one hidden under the other. Markers scale alike."""
    return base * (1.0 + 0.6 * (n - 1 - j)) if n > 1 else base

THEMES = {
    "light": Theme("light", background="#FFFFFF", panel="#F7F7F7", text="#222222", muted="#777777",
                   grid="#DDDDDD", loss="#333333", test="#D62728", accuracy="#2CA02C", cursor="#D62728",
                   positive="#FF8800", negative="#0088FF"),
    "dark": Theme("dark", background="#16181D", panel="#2A2D34", text="#EEEEEE", muted="#9A9A9A",
                  grid="#3A3D45", loss="#EEEEEE", test="#FF6B6B", accuracy="#7BD389", cursor="#FFD166",
                  positive="#FFA940", negative="#40A9FF", grad_pos="#C07BD0", grad_neg="#2FC29B",
                  right="#3DD6A3", wrong="#FF7A45", runs=("#56B4E9", "#E69F00", "#C07BD0", "#3DD6A3"),
                  surface=("#1B1E24", "#7D8794")),
}


def get_theme(name: str) -> Theme:
    """A theme by name; an unknown name raises ValueError listing the valid ones."""
    if isinstance(name, Theme):
        return name
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEMES)}")
    return THEMES[name]


#: The smallest text, as a fraction of the base font size (rc ``font.size``, 9 points at 100 dpi
#: per 480 pixels of frame height: :class:`nnviz.render.Layout` grows the dpi with the frame). It
#: keeps every text at 2 % of the frame height or more, so a projected frame stays legible from the
#: back of a hall: 10 px at 480, 15 px at 720, 22.5 px at 1080 (tests/test_hall_scale.py).
SMALLEST_TEXT = 0.8


def rc_params(theme: Theme, scale: float = 1.0) -> dict:
    """matplotlib rc settings for a theme; ``scale`` grows fonts with the frame size."""
    return {
        "figure.facecolor": theme.background,
        "axes.facecolor": theme.background,
        "savefig.facecolor": theme.background,
        "axes.edgecolor": theme.muted,
        "axes.labelcolor": theme.text,
        "text.color": theme.text,
        "xtick.color": theme.muted,
        "ytick.color": theme.muted,
        "xtick.labelcolor": theme.text,
        "ytick.labelcolor": theme.text,
        "font.size": 9 * scale,
        "axes.titlesize": 10 * scale,
        "axes.labelsize": 9 * scale,
        "xtick.labelsize": 8 * scale,
        "ytick.labelsize": 8 * scale,
        "legend.fontsize": 8 * scale,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
    }
