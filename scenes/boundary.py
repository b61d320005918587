"""DecisionBoundary: the decision boundary of a 2-D classifier through training, and its loss curve.

    manim -qh scenes/boundary.py DecisionBoundary                      # trains the moons preset
    NNVIZ_TRACE=run.h5 manim -qh scenes/boundary.py DecisionBoundary   # your own 2-D trace

The scene code lives in nnviz.scenes_lib.boundary; this file only makes it visible to manim.
"""

from nnviz.scenes_lib import boundary


class DecisionBoundary(boundary.DecisionBoundary):
    pass
