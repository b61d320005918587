"""The scenes' colours: the dark theme of :mod:`nnviz.render.style`, so that videos and GIFs share
one palette. No manim here: :func:`nnviz.scenes_lib.video_to_gif` keeps them exactly in a GIF's
palette without importing it."""

from __future__ import annotations

__all__ = ["BG", "PANEL", "TEXT", "MUTED", "GRID", "POS", "NEG", "CURSOR", "DELTA", "CLASS_COLORS",
           "SCENE_COLORS"]

BG = "#16181D"
PANEL = "#2A2D34"
TEXT = "#EEEEEE"
MUTED = "#9A9A9A"
GRID = "#3A3D45"
POS = "#FFA940"      # weights / values > 0
NEG = "#40A9FF"      # weights / values < 0
CURSOR = "#FFD166"   # the forward pass, the current step
DELTA = "#FF6FB5"    # the backward pass (error signals)
CLASS_COLORS = ["#0088FF", "#FF8800", "#2CA02C", "#D62728", "#9467BD", "#8C564B"]

#: every colour above, meaning first: what a scene's GIF keeps exactly (those the clip shows)
SCENE_COLORS = (DELTA, POS, NEG, CURSOR, TEXT, MUTED, *CLASS_COLORS, BG, PANEL, GRID)
