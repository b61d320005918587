"""A small convolutional network in numpy: ``conv2d``, ``maxpool2d``, ``flatten`` and ``dense`` layers.

Seed 002 ends with this network on the 8x8 digits (its TensorFlow and Keras code)::

    input (1, 8, 8) -> conv2d 10 filters 3x3, stride 1, padding 1, ReLU   -> (10, 8, 8)
                    -> maxpool2d 2x2                                       -> (10, 4, 4)
                    -> flatten                                             -> (160,)
                    -> dense 50, ReLU -> dense 10, softmax; cross-entropy with L2

The notation is :mod:`nnviz.nn.mlp`'s: layers ``l = 1 .. L``, ``a[0]`` the input, and for every
layer ``z[l] = layer_l(a[l-1])`` then ``a[l] = f_l(z[l])`` (f is the identity for pooling and
flattening). Image tensors are ``(n_samples, channels, height, width)`` and conv filters
``W[l]`` have PyTorch's layout ``(out_channels, in_channels, kh, kw)``; dense weights are
``(n_in, n_out)`` as in the MLP. The backward pass is the MLP's four equations, layer by layer:

* ``delta[l] = f_l'(z[l]) * dl/da[l]``, with ``dl/da[L]`` from the loss (or ``y - t`` from the
  logits for softmax with cross-entropy), and ``dl/da[l-1]`` handed down by layer ``l``'s backward rule;
* a **convolution** ``z[f] = sum_c x[c] (*) W[f, c] + b[f]`` (``(*)`` the sliding dot product,
  cross-correlation as in every framework) gives ``dC/dW[f, c] = x[c] (*) delta[f]`` (summed over
  the samples), ``dC/db[f] = sum of delta[f]`` and ``dl/dx[c] = sum_f delta[f] (*) flip(W[f, c])``,
  the deltas padded by ``k - 1 - p`` and correlated with the filters turned by 180 degrees;
* **max-pooling** passes each window's gradient to the input that was the window's maximum (the
  first one on a tie, as PyTorch does), and zero to the others;
* **flattening** reshapes the gradient back into maps.

The convolution is vectorised with ``numpy.lib.stride_tricks.sliding_window_view`` (im2col: every
3x3 patch becomes a row, and the layer is one matrix product). Only what seed 002 needs is
supported; anything else is refused with one line: stride 1, padding 0 or ``(k - 1) / 2``
("same"), square odd kernels up to 7, no dilation or groups, 2x2 pooling of even-sized maps,
inputs up to :data:`MAX_CHANNELS` channels of :data:`MAX_PIXELS` pixels.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .activations import get_activation
from .losses import FROM_LOGITS, Loss, get_loss
from .mlp import BackwardPass, ForwardPass

__all__ = ["CNN", "Conv2D", "MaxPool2D", "Flatten", "Dense", "LAYER_KINDS", "UnsupportedLayer",
           "conv2d_forward", "conv2d_backward", "MAX_CHANNELS", "MAX_PIXELS", "MAX_FILTERS", "MAX_KERNEL"]

#: Caps on what nnviz pictures (far above seed 002's 1 x 8 x 8 digits with 10 filters).
MAX_CHANNELS, MAX_PIXELS, MAX_FILTERS, MAX_KERNEL, MAX_UNITS = 16, 128 * 128, 256, 7, 100_000


class UnsupportedLayer(ValueError):
    """A layer nnviz does not support; the message names what is supported."""


# ---------------------------------------------------------------------------- the convolution itself
def _patches(x: np.ndarray, k: int, pad: int) -> np.ndarray:
    """im2col: every k x k patch of the zero-padded maps as one row.

    x of shape (n, C, H, W) -> ndarray of shape (n * H' * W', C * k * k), rows in the order
    (sample, row, column), each row ordered (channel, kernel row, kernel column) like a flattened
    filter ``W[f]``. ``H' = H + 2 pad - k + 1``.
    """
    if pad:
        x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(x, (k, k), axis=(2, 3))  # (n, C, H', W', k, k), a view
    n, C, Ho, Wo = win.shape[:4]
    return win.transpose(0, 2, 3, 1, 4, 5).reshape(n * Ho * Wo, C * k * k)


def conv2d_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray, pad: int) -> np.ndarray:
    """``z[n, f] = sum_c x[n, c] (*) W[f, c] + b[f]`` (stride 1, zero padding ``pad``).

    Parameters
    ----------
    x : ndarray of shape (n, C, H, W)
    W : ndarray of shape (F, C, k, k)
    b : ndarray of shape (F,)
    pad : int

    Returns
    -------
    z : ndarray of shape (n, F, H + 2 pad - k + 1, W + 2 pad - k + 1)
    """
    n, _, H, Wd = x.shape
    F, _, k, _ = W.shape
    Ho, Wo = H + 2 * pad - k + 1, Wd + 2 * pad - k + 1
    z = _patches(x, k, pad) @ W.reshape(F, -1).T + b  # (n * Ho * Wo, F): one product
    return z.reshape(n, Ho, Wo, F).transpose(0, 3, 1, 2)


def conv2d_backward(x: np.ndarray, delta: np.ndarray, W: np.ndarray, pad: int, need_dx: bool = True):
    """The mirror of :func:`conv2d_forward`, given ``delta = dl/dz`` of shape (n, F, H', W').

    Returns
    -------
    dW : ndarray of shape (F, C, k, k)
        ``sum_n x[n, c] (*) delta[n, f]``: each weight's input patches times the deltas they produced.
    db : ndarray of shape (F,)
        ``sum_n sum_ij delta[n, f, i, j]``.
    dx : ndarray of shape (n, C, H, W) or None
        ``dl/dx[n, c] = sum_f pad(delta[n, f], k - 1 - pad) (*) flip(W[f, c])``: the deltas
        convolved with the filters turned by 180 degrees (None unless ``need_dx``).
    """
    F, C, k, _ = W.shape
    d = delta.transpose(0, 2, 3, 1).reshape(-1, F)  # (n * H' * W', F), rows as _patches' rows
    dW = (d.T @ _patches(x, k, pad)).reshape(F, C, k, k)
    db = d.sum(axis=0)
    dx = None
    if need_dx:
        flipped = W[:, :, ::-1, ::-1].transpose(0, 2, 3, 1).reshape(F * k * k, C)  # rows (f, u, v)
        n, _, H, Wd = x.shape
        dx = (_patches(delta, k, k - 1 - pad) @ flipped).reshape(n, H, Wd, C).transpose(0, 3, 1, 2)
    return dW, db, dx


# ---------------------------------------------------------------------------- layers
def _shape(value, what):
    shape = tuple(int(s) for s in np.atleast_1d(value))
    if not shape or min(shape) < 1:
        raise UnsupportedLayer(f"{what} must be positive sizes, got {value!r}")
    return shape


@dataclass(frozen=True)
class Conv2D:
    """``filters`` square ``kernel`` x ``kernel`` filters, stride 1, zero padding ``padding``.

    Maps (n, C, H, W) to (n, filters, H', W') with ``H' = H + 2 padding - kernel + 1``; the
    parameters are ``W`` of shape (filters, C, kernel, kernel) and ``b`` of shape (filters,).
    """

    in_shape: tuple
    filters: int
    kernel: int = 3
    padding: int = 1
    activation: str = "relu"
    kind = "conv2d"
    has_params = True

    @classmethod
    def build(cls, in_shape, filters, kernel=3, stride=1, padding=1, activation="relu", dilation=1, groups=1,
              **extra):
        _no_extra("conv2d", extra)
        kernel = _square(kernel, "kernel")
        if _square(stride, "stride") != 1 or _square(dilation, "dilation") != 1 or int(groups) != 1:
            raise UnsupportedLayer(f"conv2d with stride {stride}, dilation {dilation}, groups {groups}: nnviz supports "
                                   "stride 1, no dilation, groups 1 (with padding 0 or 'same')")
        if not (1 <= kernel <= MAX_KERNEL and kernel % 2 == 1):
            raise UnsupportedLayer(f"conv2d kernel {kernel}: nnviz supports odd square kernels 1..{MAX_KERNEL}")
        pad = (kernel - 1) // 2 if padding == "same" else 0 if padding == "valid" else _square(padding, "padding")
        if pad not in (0, (kernel - 1) // 2):
            raise UnsupportedLayer(f"conv2d padding {padding} with a {kernel}x{kernel} kernel: nnviz supports padding "
                                   f"0 ('valid') or {(kernel - 1) // 2} ('same')")
        if len(in_shape) != 3:
            raise UnsupportedLayer(f"conv2d needs image inputs (channels, height, width), got shape {in_shape}")
        C, H, W = in_shape
        if C > MAX_CHANNELS or H * W > MAX_PIXELS or H < kernel - 2 * pad or W < kernel - 2 * pad:
            raise UnsupportedLayer(f"conv2d input {C}x{H}x{W}: nnviz supports up to {MAX_CHANNELS} channels of "
                                   f"{MAX_PIXELS} pixels, at least as large as the kernel")
        if not 1 <= int(filters) <= MAX_FILTERS:
            raise UnsupportedLayer(f"conv2d with {filters} filters: nnviz supports 1..{MAX_FILTERS}")
        get_activation(activation)
        return cls(tuple(in_shape), int(filters), kernel, pad, str(activation))

    @property
    def out_shape(self):
        C, H, W = self.in_shape
        return (self.filters, H + 2 * self.padding - self.kernel + 1, W + 2 * self.padding - self.kernel + 1)

    @property
    def param_shapes(self):
        return (self.filters, self.in_shape[0], self.kernel, self.kernel), (self.filters,)

    def spec(self):
        return {"kind": self.kind, "filters": self.filters, "kernel": self.kernel, "padding": self.padding,
                "activation": self.activation}

    def forward(self, x, W, b):
        """z of shape (n, F, H', W') from x of shape (n, C, H, W)."""
        return conv2d_forward(x, W, b, self.padding)

    def backward(self, x, delta, W, need_dx=True):
        """``(dW, db, dl/dx)`` summed over the samples, from ``delta = dl/dz`` (n, F, H', W')."""
        return conv2d_backward(x, delta, W, self.padding, need_dx)


@dataclass(frozen=True)
class MaxPool2D:
    """``size`` x ``size`` max-pooling with stride ``size``: (n, C, H, W) -> (n, C, H / size, W / size)."""

    in_shape: tuple
    size: int = 2
    kind = "maxpool2d"
    has_params = False
    activation = "identity"

    @classmethod
    def build(cls, in_shape, size=2, stride=None, padding=0, **extra):
        _no_extra("maxpool2d", extra)
        size = _square(size, "pool size")
        stride = size if stride is None else _square(stride, "pool stride")
        if size != 2 or stride != 2 or padding not in (0, "valid", "same"):
            raise UnsupportedLayer(f"maxpool2d {size}x{size} stride {stride} padding {padding}: nnviz supports 2x2 "
                                   "pooling with stride 2")
        if len(in_shape) != 3 or in_shape[1] % 2 or in_shape[2] % 2:
            raise UnsupportedLayer(f"maxpool2d needs maps of even height and width, got shape {tuple(in_shape)}")
        return cls(tuple(in_shape), size)

    @property
    def out_shape(self):
        C, H, W = self.in_shape
        return (C, H // self.size, W // self.size)

    def spec(self):
        return {"kind": self.kind, "size": self.size}

    def _corners(self, x):
        """The four inputs of every window as four strided views (n, C, H/2, W/2), in the order
        top-left, top-right, bottom-left, bottom-right (the order frameworks scan a window in)."""
        return [x[:, :, i::2, j::2] for i in (0, 1) for j in (0, 1)]

    def forward(self, x, W=None, b=None):
        """The largest value of each 2x2 window: (n, C, H, W) -> (n, C, H/2, W/2)."""
        tl, tr, bl, br = self._corners(x)
        return np.maximum(np.maximum(tl, tr), np.maximum(bl, br))

    def backward(self, x, delta, W=None, need_dx=True):
        """``(None, None, dl/dx)``: each window's ``delta`` goes to its maximum (the first one on a
        tie, as PyTorch does), 0 to the other three inputs."""
        out = self.forward(x)
        dx = np.zeros_like(x)
        taken = np.zeros(out.shape, dtype=bool)
        for (i, j), corner in zip(((0, 0), (0, 1), (1, 0), (1, 1)), self._corners(x)):
            route = (corner == out) & ~taken
            dx[:, :, i::2, j::2] = np.where(route, delta, 0.0)
            taken |= route
        return None, None, dx


@dataclass(frozen=True)
class Flatten:
    """(n, C, H, W) -> (n, C * H * W), in (channel, row, column) order as PyTorch's and TF's reshape of NCHW."""

    in_shape: tuple
    kind = "flatten"
    has_params = False
    activation = "identity"

    @classmethod
    def build(cls, in_shape, **extra):
        _no_extra("flatten", extra)
        return cls(tuple(in_shape))

    @property
    def out_shape(self):
        return (int(np.prod(self.in_shape)),)

    def spec(self):
        return {"kind": self.kind}

    def forward(self, x, W=None, b=None):
        return x.reshape(len(x), -1)

    def backward(self, x, delta, W=None, need_dx=True):
        return None, None, delta.reshape(x.shape)


@dataclass(frozen=True)
class Dense:
    """A fully connected layer as in :class:`nnviz.nn.MLP`: ``z = x @ W + b``, W of shape (n_in, units)."""

    in_shape: tuple
    units: int
    activation: str = "relu"
    kind = "dense"
    has_params = True

    @classmethod
    def build(cls, in_shape, units, activation="relu", **extra):
        _no_extra("dense", extra)
        if len(in_shape) != 1:
            raise UnsupportedLayer(f"dense needs flat inputs (add a flatten layer before it), got shape {tuple(in_shape)}")
        if not 1 <= int(units) <= MAX_UNITS or in_shape[0] * int(units) > 10_000_000:
            raise UnsupportedLayer(f"dense layer of {units} units on {in_shape[0]} inputs: too large for nnviz")
        get_activation(activation)
        return cls(tuple(in_shape), int(units), str(activation))

    @property
    def out_shape(self):
        return (self.units,)

    @property
    def param_shapes(self):
        return (self.in_shape[0], self.units), (self.units,)

    def spec(self):
        return {"kind": self.kind, "units": self.units, "activation": self.activation}

    def forward(self, x, W, b):
        return x @ W + b

    def backward(self, x, delta, W, need_dx=True):
        """``(x.T @ delta, sum of delta, delta @ W.T)``: the MLP's equations (3), (4) and (2)."""
        return x.T @ delta, delta.sum(axis=0), (delta @ W.T if need_dx else None)


#: Name table: layer kind -> layer class (each has ``build(in_shape, **settings)``).
LAYER_KINDS = {cls.kind: cls for cls in (Conv2D, MaxPool2D, Flatten, Dense)}


def _square(value, what):
    if isinstance(value, (list, tuple)):
        if len(set(int(v) for v in value)) != 1:
            raise UnsupportedLayer(f"{what} {tuple(value)}: nnviz supports square {what}s only")
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) or value != int(value) or value < 0:
        raise UnsupportedLayer(f"{what} must be a whole number, got {value!r}")
    return int(value)


def _no_extra(kind, extra):
    extra.pop("in", None), extra.pop("out", None)
    if extra:
        raise UnsupportedLayer(f"{kind} layer: unknown setting(s) {sorted(extra)}")


# ---------------------------------------------------------------------------- the network
class CNN:
    """A chain of :data:`LAYER_KINDS` layers on images, trained by hand-written backprop.

    Parameters
    ----------
    input_shape : tuple of int
        ``(channels, height, width)`` of one input, e.g. ``(1, 8, 8)``; ``(height, width)`` means
        one channel.
    layers : list of dict
        One dict per layer: ``{"kind": "conv2d", "filters": 10, "kernel": 3, "padding": 1,
        "activation": "relu"}``, ``{"kind": "maxpool2d", "size": 2}``, ``{"kind": "flatten"}``,
        ``{"kind": "dense", "units": 50, "activation": "relu"}``. The output layer must be dense.

    Attributes
    ----------
    layers : list
        ``layers[l]`` is layer ``l``'s object (:class:`Conv2D`, ...); ``layers[0]`` is None.
    W, b : list
        ``W[l]``, ``b[l]`` are layer ``l``'s parameters, None for a layer without any (and index 0).
    f : list of Activation
        ``f[l]`` is layer ``l``'s activation (identity for pooling and flattening).
    sizes : list of int
        Values per sample after each layer, input first (``[64, 640, 160, 160, 50, 10]`` for seed 002).
    """

    def __init__(self, input_shape: Sequence[int], layers: Sequence[dict]):
        shape = _shape(input_shape, "input_shape")
        shape = (1, *shape) if len(shape) == 2 else shape
        if len(shape) != 3:
            raise UnsupportedLayer(f"a CNN takes images (channels, height, width), got input shape {shape}")
        if shape[0] > MAX_CHANNELS or shape[1] * shape[2] > MAX_PIXELS:
            raise UnsupportedLayer(f"input {'x'.join(map(str, shape))}: nnviz's CNN takes up to {MAX_CHANNELS} "
                                   f"channels of up to {MAX_PIXELS} pixels")
        self.input_shape = shape
        self.layers: list = [None]
        if not layers:
            raise UnsupportedLayer("a CNN needs at least one layer")
        for i, settings in enumerate(layers, start=1):
            if not isinstance(settings, dict) or settings.get("kind") not in LAYER_KINDS:
                kind = settings.get("kind") if isinstance(settings, dict) else settings
                raise UnsupportedLayer(f"layer {i}: unknown kind {kind!r}; nnviz's CNN layers are "
                                       f"{', '.join(LAYER_KINDS)}")
            settings = dict(settings)
            kind = settings.pop("kind")
            try:
                layer = LAYER_KINDS[kind].build(shape, **settings)
            except TypeError as e:
                raise UnsupportedLayer(f"layer {i} ({kind}): {e}") from None
            except ValueError as e:
                raise UnsupportedLayer(f"layer {i}: {e}") from None
            if "out" in settings and tuple(settings["out"]) != layer.out_shape:
                raise UnsupportedLayer(f"layer {i} ({kind}) gives {layer.out_shape}, the layer list says "
                                       f"{tuple(settings['out'])}")
            self.layers.append(layer)
            shape = layer.out_shape
        if self.layers[-1].kind != "dense":
            raise UnsupportedLayer("a CNN's last layer must be dense (its outputs are the classes)")
        self.L = len(self.layers) - 1
        self.f = [None] + [get_activation(layer.activation) for layer in self.layers[1:]]
        self.W: list = [None] * (self.L + 1)
        self.b: list = [None] * (self.L + 1)
        for l, layer in enumerate(self.layers[1:], start=1):
            if layer.has_params:
                wshape, bshape = layer.param_shapes
                self.W[l], self.b[l] = np.zeros(wshape), np.zeros(bshape)
        self.sizes = [int(np.prod(self.input_shape))] + [int(np.prod(layer.out_shape)) for layer in self.layers[1:]]
        for l, name in enumerate(self.activation_names[:-1], start=1):
            if name == "softmax":
                raise UnsupportedLayer(f"layer {l}: softmax only at the output")

    # ---------------------------------------------------------------- description
    output_bias = True

    @property
    def activation_names(self) -> list[str]:
        """Activation name of each layer ``1..L`` (identity for pooling and flattening)."""
        return [f.name for f in self.f[1:]]

    @property
    def param_layers(self) -> list[int]:
        """The layers with parameters, in order (``[1, 4, 5]`` for seed 002's network)."""
        return [l for l in range(1, self.L + 1) if self.W[l] is not None]

    def spec(self) -> dict:
        """The self-describing layer list a trace stores: ``{"input": [C, H, W], "layers": [...]}``,
        each layer's settings with its output shape ``"out"``."""
        return {"input": list(self.input_shape),
                "layers": [{**layer.spec(), "out": list(layer.out_shape)} for layer in self.layers[1:]]}

    @classmethod
    def from_spec(cls, spec: dict) -> "CNN":
        """The network a :meth:`spec` describes (shapes checked); raises :class:`UnsupportedLayer`."""
        if not isinstance(spec, dict) or not isinstance(spec.get("layers"), list) or "input" not in spec:
            raise UnsupportedLayer("a layer list is {'input': [C, H, W], 'layers': [...]}")
        return cls(spec["input"], spec["layers"])

    def describe(self) -> str:
        """One line: ``conv2d 10x3x3 relu - maxpool2d 2 - flatten - dense 50 relu - dense 10 softmax``."""
        words = []
        for layer in self.layers[1:]:
            if layer.kind == "conv2d":
                words.append(f"conv2d {layer.filters}x{layer.kernel}x{layer.kernel} {layer.activation}")
            elif layer.kind == "maxpool2d":
                words.append(f"maxpool2d {layer.size}")
            elif layer.kind == "dense":
                words.append(f"dense {layer.units} {layer.activation}")
            else:
                words.append(layer.kind)
        return f"{'x'.join(map(str, self.input_shape))} -> " + " - ".join(words)

    def __repr__(self):
        return f"CNN({self.describe()})"

    def tensor_shapes(self, n_probe: int) -> dict:
        """What a trace records per step, name -> shape: for each layer ``l`` with parameters
        ``W{l}, b{l}, dW{l}, db{l}`` and ``z{l}``; for every layer but flatten (whose maps are its
        input's, reshaped) ``a{l}`` and ``delta{l}`` on the probe samples, shape (n_probe, *out)."""
        out = {}
        for l, layer in enumerate(self.layers[1:], start=1):
            if layer.has_params:
                wshape, bshape = layer.param_shapes
                out.update({f"W{l}": wshape, f"b{l}": bshape, f"dW{l}": wshape, f"db{l}": bshape,
                            f"z{l}": (n_probe, *layer.out_shape)})
            if layer.kind != "flatten":
                out.update({f"a{l}": (n_probe, *layer.out_shape), f"delta{l}": (n_probe, *layer.out_shape)})
        return {k: tuple(int(s) for s in v) for k, v in out.items()}

    # ---------------------------------------------------------------- forward and backward
    def images(self, X) -> np.ndarray:
        """Inputs as (n, C, H, W): from rows of C * H * W pixels, (n, H, W) or (n, C, H, W)."""
        X = np.asarray(X, dtype=float)
        n_pix = self.sizes[0]
        if X.ndim == 2 and X.shape[1] == n_pix or X.ndim in (3, 4) and int(np.prod(X.shape[1:])) == n_pix:
            return X.reshape(len(X), *self.input_shape)
        raise ValueError(f"X must hold images of {'x'.join(map(str, self.input_shape))} pixels "
                         f"(rows of {n_pix} values), got shape {X.shape}")

    def forward(self, X) -> ForwardPass:
        """Run the network on X, keeping every ``z[l]`` and ``a[l]``; ``a[0]`` is X as images."""
        z, a = [None], [self.images(X)]
        for l in range(1, self.L + 1):
            zl = self.layers[l].forward(a[l - 1], self.W[l], self.b[l])
            z.append(zl)
            a.append(zl if self.f[l].name == "identity" else self.f[l](zl))
        return ForwardPass(z, a)

    def backward(self, fp: ForwardPass, T, loss: str | Loss, l2: float = 0.0) -> BackwardPass:
        """Backpropagate targets T (n_samples, n_outputs) through a forward pass.

        The cost is ``C = mean_i l(y_i, t_i) + (l2 / 2) * sum_l ||W[l]||^2`` over every layer with
        weights, conv filters included (seed 002's ``lmbd * (l2_loss(W_conv) + l2_loss(W_fc) +
        l2_loss(W_out))``, TensorFlow's ``l2_loss`` being half the sum of squares).
        """
        loss = get_loss(loss) if isinstance(loss, str) else loss
        T = np.asarray(T, dtype=float)
        L, y = self.L, fp.output
        if T.shape != y.shape:
            raise ValueError(f"targets have shape {T.shape}, the network outputs {y.shape}")
        scale = loss.scale(y.shape[0])
        delta, dW, db = [None] * (L + 1), [None] * (L + 1), [None] * (L + 1)
        logits = FROM_LOGITS.get((self.f[L].name, loss.name))
        dl_da = None if logits else loss.grad(y, T)
        for l in range(L, 0, -1):
            if l == L and logits:
                delta[L] = logits.delta(fp.z[L], y, T)  # eq. (1) in closed form: y - t
            elif self.f[l].name == "identity":
                delta[l] = dl_da  # pooling, flattening: a = z
            else:
                delta[l] = self.f[l].backward(fp.z[l], fp.a[l], dl_da)  # eq. (1) at the top, (2) below
            gW, gb, dl_da = self.layers[l].backward(fp.a[l - 1], delta[l], self.W[l], need_dx=l > 1)
            if gW is not None:
                dW[l], db[l] = scale * gW, scale * gb  # eqs. (3), (4)
                if l2:
                    dW[l] = dW[l] + l2 * self.W[l]
        return BackwardPass(delta, dW, db, self.cost(fp, T, loss, l2))

    def cost(self, fp: ForwardPass, T, loss: str | Loss, l2: float = 0.0) -> float:
        """The cost ``C`` of a forward pass (from the logits where the output and loss allow it)."""
        loss = get_loss(loss) if isinstance(loss, str) else loss
        C = loss.cost(fp.output, np.asarray(T, dtype=float), fp.z[self.L], self.f[self.L].name)
        if l2:
            C += 0.5 * l2 * sum(float(np.sum(W ** 2)) for W, _ in self.params())
        return C

    def __call__(self, X) -> np.ndarray:
        """The network's output for X: ndarray of shape (n_samples, n_outputs)."""
        return self.forward(X).output

    predict = __call__

    def loss_and_grads(self, X, T, loss, l2: float = 0.0) -> BackwardPass:
        """Forward and backward in one call."""
        return self.backward(self.forward(X), T, loss, l2)

    # ---------------------------------------------------------------- parameters
    def params(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``[(W, b)]`` of the layers with parameters, in order (conv W: (F, C, kh, kw); dense W: (n_in, n_out))."""
        return [(self.W[l], self.b[l]) for l in self.param_layers]

    def set_params(self, params) -> "CNN":
        """Set the parameters from ``[(W, b), ...]``, one pair per layer with parameters (copied, shapes checked)."""
        layers = self.param_layers
        if len(params) != len(layers):
            raise ValueError(f"expected {len(layers)} (W, b) pairs (layers {layers}), got {len(params)}")
        for l, (W, b) in zip(layers, params):
            W, b = np.array(W, dtype=float), np.array(b, dtype=float).reshape(-1)
            if W.shape != self.W[l].shape or b.shape != self.b[l].shape:
                raise ValueError(f"layer {l} ({self.layers[l].kind}) needs W of shape {self.W[l].shape} and b of "
                                 f"shape {self.b[l].shape}, got {W.shape} and {b.shape}")
            self.W[l], self.b[l] = W, b
        return self

    def param_list(self) -> list[np.ndarray]:
        """W, b of every layer with parameters, in order (what the optimisers update in place)."""
        return [p for pair in self.params() for p in pair]

    @staticmethod
    def grad_list(bp: BackwardPass) -> list[np.ndarray]:
        """Gradients in the order of :meth:`param_list`."""
        return [g for l in range(1, len(bp.dW)) if bp.dW[l] is not None for g in (bp.dW[l], bp.db[l])]

    def get_flat(self) -> np.ndarray:
        """All parameters as one vector (order of :meth:`param_list`)."""
        return np.concatenate([p.ravel() for p in self.param_list()])

    def set_flat(self, theta) -> "CNN":
        """Set all parameters from one vector (order of :meth:`param_list`)."""
        theta = np.asarray(theta, dtype=float)
        i = 0
        for l in self.param_layers:
            for name in ("W", "b"):
                p = getattr(self, name)
                n = p[l].size
                p[l] = theta[i: i + n].reshape(p[l].shape).copy()
                i += n
        if i != len(theta):
            raise ValueError(f"parameter vector has {len(theta)} entries, the network {i}")
        return self

    def copy(self) -> "CNN":
        """An independent copy."""
        m = copy.copy(self)
        m.W, m.b = [None if W is None else W.copy() for W in self.W], [None if b is None else b.copy() for b in self.b]
        return m

    @classmethod
    def from_torch(cls, model, input_shape) -> "CNN":
        """The network of a ``torch.nn.Sequential`` of ``Conv2d``, ``MaxPool2d``, ``Flatten``, ``Linear``
        and activations (weights copied as float64; Linear weights transposed to (n_in, n_out))."""
        from .frameworks import torch_conv_network

        layers, params = torch_conv_network(model)
        return cls(input_shape, layers).set_params(params)

    @classmethod
    def from_keras(cls, model) -> "CNN":
        """The network of a built Keras model of ``Conv2D``, ``MaxPooling2D``, ``Flatten`` and ``Dense``
        layers (channels-last; kernels moved into nnviz's layout, see
        :func:`nnviz.nn.frameworks.keras_conv_layers`): call it on ``X.transpose(0, 3, 1, 2)``."""
        from .frameworks import keras_conv_layers, keras_conv_params

        input_shape, layers, weighted, _, rows = keras_conv_layers(model)
        return cls(input_shape, layers).set_params(keras_conv_params(weighted, rows))
