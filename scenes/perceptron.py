"""PerceptronRule: seed 001's perceptron learning rule moving the boundary, point by point.

    manim -qh scenes/perceptron.py PerceptronRule

The scene code lives in nnviz.scenes_lib.perceptron; this file only makes it visible to manim.
"""

from nnviz.scenes_lib import perceptron


class PerceptronRule(perceptron.PerceptronRule):
    pass
