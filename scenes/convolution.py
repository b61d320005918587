"""ConvolutionFlow: a filter of a trained CNN sliding over a probe digit, the feature map filling in, then pooling.

    manim -qh scenes/convolution.py ConvolutionFlow                      # trains digits-cnn-small
    NNVIZ_TRACE=cnn.h5 manim -qh scenes/convolution.py ConvolutionFlow   # your own CNN trace

The scene code lives in nnviz.scenes_lib.convolution; this file only makes it visible to manim.
"""

from nnviz.scenes_lib import convolution


class ConvolutionFlow(convolution.ConvolutionFlow):
    pass
