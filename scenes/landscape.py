"""LossLandscape: the loss surface of a run in 3-D, its path rolling down it, the camera turning once.

    manim -qh scenes/landscape.py LossLandscape                      # trains the moons-adam preset
    NNVIZ_TRACE=run.h5 manim -qh scenes/landscape.py LossLandscape   # your own trace

The scene code lives in nnviz.scenes_lib.landscape; this file only makes it visible to manim.
"""

from nnviz.scenes_lib import landscape


class LossLandscape(landscape.LossLandscape):
    pass
