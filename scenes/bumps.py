"""Universal approximation with sigmoid neurons (seed 004).

    manim -qh scenes/bumps.py BumpConstruction       # sigmoid → step → bump → N bumps → the σ⁻¹ trick
    manim -qh scenes/bumps.py ConstructedVsTrained   # the construction next to a trained network
    NNVIZ_TRACE=fit.h5 manim -qh scenes/bumps.py ConstructedVsTrained   # your own 1-H-1 regression trace

The scene code lives in nnviz.scenes_lib.bumps; this file only makes it visible to manim.
"""

from nnviz.scenes_lib import bumps


class BumpConstruction(bumps.BumpConstruction):
    pass


class ConstructedVsTrained(bumps.ConstructedVsTrained):
    pass
