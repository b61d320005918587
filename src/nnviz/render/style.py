"""Colours and themes shared by every view.

Class colours follow seed 003's plots (blue ``#0088FF`` for -1, orange ``#FF8800`` for +1); more
classes continue with well-separated hues. Colour fields are built with numpy lookup tables, not
matplotlib colormaps per frame, because rendering is the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np

__all__ = ["Theme", "THEMES", "get_theme", "CLASS_COLORS", "hex_to_rgb", "rc_params"]

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

    def class_color(self, k: int) -> str:
        return CLASS_COLORS[k % len(CLASS_COLORS)]


THEMES = {
    "light": Theme("light", background="#FFFFFF", panel="#F7F7F7", text="#222222", muted="#777777",
                   grid="#DDDDDD", loss="#333333", test="#D62728", accuracy="#2CA02C", cursor="#D62728",
                   positive="#FF8800", negative="#0088FF"),
    "dark": Theme("dark", background="#16181D", panel="#2A2D34", text="#EEEEEE", muted="#9A9A9A",
                  grid="#3A3D45", loss="#EEEEEE", test="#FF6B6B", accuracy="#7BD389", cursor="#FFD166",
                  positive="#FFA940", negative="#40A9FF"),
}


def get_theme(name: str) -> Theme:
    """A theme by name; an unknown name raises ValueError listing the valid ones."""
    if isinstance(name, Theme):
        return name
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}; choose one of: {', '.join(THEMES)}")
    return THEMES[name]


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
