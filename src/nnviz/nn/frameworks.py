"""Networks trained elsewhere, read as nnviz layers: scikit-learn's MLPs, PyTorch ``Sequential`` and
Keras ``Sequential`` models.

Nothing here imports scikit-learn, torch or Keras: estimators, modules and layers are read through
their public attributes (``coefs_``, ``intercepts_``, ``weight``, ``bias``, ``.grad``, ``kernel``,
``activation``, ``kernel_regularizer``), so nnviz works without any of them installed. Weights come
out in nnviz's layout, ``W`` of shape (n_in, n_out) (``a[l] = f(a[l-1] @ W[l] + b[l])``):
scikit-learn's ``coefs_`` and a Keras ``Dense`` kernel already are; a torch ``Linear``'s ``weight`` is
(out_features, in_features) and is transposed. Values are float64 copies.

Supported (anything else is refused with one line naming what is supported):

* scikit-learn: ``MLPClassifier`` and ``MLPRegressor``, activations identity, logistic, tanh,
  relu; output identity, logistic or softmax as scikit-learn chooses it.
* PyTorch: ``Sequential`` (nested ones are flattened) of ``Linear`` layers, each followed by at most
  one of the activations in :data:`TORCH_ACTIVATIONS` (none means identity); ``Softmax`` or
  ``LogSoftmax`` only after the last ``Linear``.
* PyTorch CNNs: ``Sequential`` of ``Conv2d`` (stride 1, no dilation, groups 1, zero padding 0 or
  "same", with bias), ``MaxPool2d(2)``, ``Flatten()`` and ``Linear`` layers, each ``Conv2d`` and
  ``Linear`` followed by at most one activation (:data:`TORCH_CONV_LAYERS`); conv weights keep
  PyTorch's layout (out_channels, in_channels, kh, kw).
* Keras 3: ``Sequential`` (nested ones are flattened), or a functional model that is one chain
  of layers, of ``Dense`` layers whose activation is one of :data:`KERAS_ACTIVATIONS` (given as
  ``activation=`` or as an activation layer right after a ``Dense`` without one); ``softmax`` only
  at the output; kernel regularizers ``l2`` (or ``l1_l2`` with ``l1=0``), no bias or activity
  regularizers.
* Keras 3 CNNs: one chain of ``Conv2D`` (stride 1, padding "valid" or "same", with bias),
  ``MaxPooling2D((2, 2))``, ``Flatten`` and ``Dense`` layers on channels-last images
  (:data:`KERAS_CONV_LAYERS`), recorded as an nnviz :class:`~nnviz.nn.conv.CNN`: kernels
  (kh, kw, in, out) become PyTorch's (out, in, kh, kw), images (n, H, W, C) become (n, C, H, W),
  and the rows of the Dense kernel after a ``Flatten`` are permuted from Keras's (H, W, C)
  order to nnviz's (C, H, W) (:func:`keras_conv_layers`).
"""

from __future__ import annotations

import inspect

import numpy as np

from .activations import ELU_ALPHA, LEAKY_SLOPE

__all__ = ["UnsupportedModel", "SKLEARN_ACTIVATIONS", "TORCH_ACTIVATIONS", "TORCH_LOSSES", "TORCH_CONV_LAYERS",
           "is_torch_cnn", "torch_conv_layers", "torch_conv_params", "torch_conv_grads", "torch_conv_network",
           "KERAS_ACTIVATIONS",
           "KERAS_LOSSES", "sklearn_network", "torch_layers", "torch_params", "torch_grads", "keras_layers",
           "keras_loss", "keras_params", "keras_grads", "KERAS_CONV_LAYERS", "is_keras_cnn", "keras_conv_layers",
           "keras_conv_params", "keras_conv_grads"]


class UnsupportedModel(ValueError):
    """A model nnviz cannot picture; the message names what is supported."""


#: scikit-learn activation (and ``out_activation_``) name -> nnviz activation name.
SKLEARN_ACTIVATIONS = {"identity": "identity", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu",
                       "softmax": "softmax"}

#: torch.nn activation module -> (nnviz activation, the module's settings nnviz's version has).
TORCH_ACTIVATIONS = {
    "Identity": ("identity", {}),
    "ReLU": ("relu", {}),
    "Tanh": ("tanh", {}),
    "Sigmoid": ("sigmoid", {}),
    "LeakyReLU": ("leaky_relu", {"negative_slope": 0.01}),
    "ELU": ("elu", {"alpha": 1.0}),
    "Softplus": ("softplus", {"beta": 1.0}),
    "Softmax": ("softmax", {}),
    "LogSoftmax": ("log_softmax", {}),  # output layer only; see torch_layers
}

#: torch loss (module class name or short name) -> nnviz loss, and what the output layer must be.
#: "logits" losses put the sigmoid or softmax that torch applies inside the loss on nnviz's output.
TORCH_LOSSES = {
    "MSELoss": ("mse", None), "mse": ("mse", None),
    "BCELoss": ("bce", "sigmoid"), "bce": ("bce", "sigmoid"),
    "BCEWithLogitsLoss": ("bce", "logits->sigmoid"), "bce_with_logits": ("bce", "logits->sigmoid"),
    "CrossEntropyLoss": ("cross_entropy", "logits->softmax"), "cross_entropy": ("cross_entropy", "logits->softmax"),
    "NLLLoss": ("cross_entropy", "log_softmax"), "nll": ("cross_entropy", "log_softmax"),
}

_TORCH_SUPPORTED = "a torch.nn.Sequential of Linear layers, each followed by " + \
    ", ".join(sorted(n for n in TORCH_ACTIVATIONS if n not in ("Softmax", "LogSoftmax"))) + \
    " or nothing (Softmax/LogSoftmax at the output)"


def sklearn_network(est):
    """The layers of a fitted ``MLPClassifier`` or ``MLPRegressor``.

    Returns
    -------
    sizes : list of int
    activations : list of str
        nnviz names, one per layer 1..L.
    params : list of (W, b)
    """
    if not (hasattr(est, "hidden_layer_sizes") and hasattr(est, "solver")):
        raise UnsupportedModel(f"{type(est).__name__} is not a scikit-learn MLPClassifier or MLPRegressor")
    if not hasattr(est, "coefs_"):
        raise UnsupportedModel(f"this {type(est).__name__} is not fitted yet: fit it first, or record its "
                               "fit with nnviz.integrations.sklearn.record_fit")
    hidden, out = est.activation, est.out_activation_
    if hidden not in SKLEARN_ACTIVATIONS or out not in SKLEARN_ACTIVATIONS:
        raise UnsupportedModel(f"activation {hidden!r} / output {out!r}: nnviz pictures "
                               f"{', '.join(k for k in SKLEARN_ACTIVATIONS if k != 'softmax')} networks with "
                               "identity, logistic or softmax outputs (not loss='poisson')")
    coefs, intercepts = est.coefs_, est.intercepts_
    sizes = [int(coefs[0].shape[0])] + [int(W.shape[1]) for W in coefs]
    activations = [SKLEARN_ACTIVATIONS[hidden]] * (len(coefs) - 1) + [SKLEARN_ACTIVATIONS[out]]
    params = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in zip(coefs, intercepts)]
    return sizes, activations, params


def _flatten(model):
    kind = type(model).__name__
    if kind != "Sequential":
        raise UnsupportedModel(f"nnviz pictures {_TORCH_SUPPORTED}; got a {kind}")
    for child in model.children():
        if type(child).__name__ == "Sequential":
            yield from _flatten(child)
        else:
            yield child


def torch_layers(model):
    """The ``Linear`` modules of a ``Sequential`` and each one's activation.

    Returns
    -------
    list of (Linear, str)
        One pair per layer; the activation is an nnviz name, or ``"log_softmax"`` for a
        ``LogSoftmax`` at the output.
    """
    layers = []
    for m in _flatten(model):
        kind = type(m).__name__
        if kind == "Linear":
            layers.append([m, None])
            continue
        if kind not in TORCH_ACTIVATIONS:
            raise UnsupportedModel(f"nnviz pictures {_TORCH_SUPPORTED}; {kind} is not one of them")
        if not layers or layers[-1][1] is not None:
            raise UnsupportedModel(f"{kind} must follow a Linear layer (one activation per layer)")
        name, settings = TORCH_ACTIVATIONS[kind]
        for attr, value in settings.items():
            if not np.isclose(float(getattr(m, attr, value)), value):
                raise UnsupportedModel(f"{kind}({attr}={getattr(m, attr)}): nnviz's {name} has {attr}={value}")
        if kind in ("Softmax", "LogSoftmax") and getattr(m, "dim", 1) not in (1, -1, None):
            raise UnsupportedModel(f"{kind} must act over the features (dim=1), got dim={m.dim}")
        layers[-1][1] = name
    if not layers:
        raise UnsupportedModel(f"nnviz pictures {_TORCH_SUPPORTED}; this model has no Linear layer")
    for i, (lin, act) in enumerate(layers):
        if act in ("softmax", "log_softmax") and i != len(layers) - 1:
            raise UnsupportedModel("Softmax/LogSoftmax can only follow the last Linear layer")
        if lin.bias is None and i != len(layers) - 1:
            raise UnsupportedModel(f"Linear layer {i + 1} has no bias: nnviz's hidden layers all have one")
        if i and lin.in_features != layers[i - 1][0].out_features:
            raise UnsupportedModel(f"Linear layer {i + 1} takes {lin.in_features} inputs, "
                                   f"the layer before gives {layers[i - 1][0].out_features}")
    return [(lin, act or "identity") for lin, act in layers]


def _numpy(t):
    return np.array(t.detach().cpu().double().numpy(), dtype=float)


def torch_params(layers):
    """``[(W, b), ...]`` of :func:`torch_layers`' Linear modules, W transposed to (n_in, n_out)."""
    return [(_numpy(lin.weight).T, None if lin.bias is None else _numpy(lin.bias)) for lin, _ in layers]


def torch_grads(layers):
    """The ``.grad`` of every weight and bias in nnviz's layout, or None if any is missing."""
    out = []
    for lin, _ in layers:
        if lin.weight.grad is None or (lin.bias is not None and lin.bias.grad is None):
            return None
        out.append((_numpy(lin.weight.grad).T, None if lin.bias is None else _numpy(lin.bias.grad)))
    return out


# ---------------------------------------------------------------------------- PyTorch CNNs
#: torch.nn module -> (nnviz layer kind, the settings nnviz's layer has: attribute -> required value).
TORCH_CONV_LAYERS = {
    "Conv2d": ("conv2d", {"stride": (1, 1), "dilation": (1, 1), "groups": 1, "padding_mode": "zeros"}),
    "MaxPool2d": ("maxpool2d", {"kernel_size": 2, "stride": 2, "padding": 0, "dilation": 1, "ceil_mode": False,
                                "return_indices": False}),
    "Flatten": ("flatten", {"start_dim": 1, "end_dim": -1}),
    "Linear": ("dense", {}),
}
_TORCH_CNN_SUPPORTED = ("a torch.nn.Sequential of Conv2d (stride 1, padding 0 or 'same'), MaxPool2d(2), Flatten and "
                        "Linear layers, each Conv2d and Linear followed by at most one activation")


def is_torch_cnn(model) -> bool:
    """Whether a ``Sequential`` holds convolutional layers (``Conv2d``, ``MaxPool2d`` or ``Flatten``)."""
    try:
        return any(type(m).__name__ in ("Conv2d", "MaxPool2d", "Flatten") for m in _flatten(model))
    except UnsupportedModel:
        return False


def _setting(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


def _matches(got, want) -> bool:
    """A module setting equals nnviz's, ``2`` and ``(2, 2)`` alike."""
    got, want = _setting(got), _setting(want)
    if isinstance(want, tuple) != isinstance(got, tuple):
        got, want = (got if isinstance(got, tuple) else (got,) * len(want),
                     want if isinstance(want, tuple) else (want,) * len(got))
    return got == want


def torch_conv_layers(model):
    """The layers of a convolutional ``Sequential``.

    Returns
    -------
    layers : list of dict
        An nnviz layer list (:class:`nnviz.nn.conv.CNN`): kind, settings, activation.
    modules : list
        The ``Conv2d`` and ``Linear`` modules, one per layer with parameters, in order.
    """
    layers, modules = [], []
    for m in _flatten(model):
        kind = type(m).__name__
        if kind in TORCH_ACTIVATIONS:
            if not layers or layers[-1]["kind"] not in ("conv2d", "dense") or "activation" in layers[-1]:
                raise UnsupportedModel(f"{kind} must follow a Conv2d or Linear layer (one activation per layer; "
                                       f"nnviz supports {_TORCH_CNN_SUPPORTED})")
            name, settings = TORCH_ACTIVATIONS[kind]
            for attr, value in settings.items():
                if not np.isclose(float(getattr(m, attr, value)), value):
                    raise UnsupportedModel(f"{kind}({attr}={getattr(m, attr)}): nnviz's {name} has {attr}={value}")
            layers[-1]["activation"] = name
            continue
        if kind not in TORCH_CONV_LAYERS:
            raise UnsupportedModel(f"nnviz pictures {_TORCH_CNN_SUPPORTED}; {kind} is not one of them")
        nn_kind, required = TORCH_CONV_LAYERS[kind]
        for attr, value in required.items():
            got = _setting(getattr(m, attr, value))
            if not _matches(got, value):
                raise UnsupportedModel(f"{kind}({attr}={got!r}): nnviz supports {_TORCH_CNN_SUPPORTED}")
        layer = {"kind": nn_kind}
        if kind == "Conv2d":
            if m.bias is None:
                raise UnsupportedModel("Conv2d(bias=False): nnviz's conv2d layers have a bias")
            layer.update(filters=int(m.out_channels), kernel=_setting(m.kernel_size), padding=_setting(m.padding))
            modules.append(m)
        elif kind == "MaxPool2d":
            layer["size"] = 2
        elif kind == "Linear":
            if m.bias is None:
                raise UnsupportedModel("Linear(bias=False): nnviz's dense layers have a bias")
            layer["units"] = int(m.out_features)
            modules.append(m)
        layers.append(layer)
    for layer in layers:
        if layer["kind"] in ("conv2d", "dense"):
            layer.setdefault("activation", "identity")
    return layers, modules


def torch_conv_params(modules):
    """``[(W, b), ...]`` of the Conv2d and Linear modules: conv weights as they are (out, in, kh, kw),
    Linear weights transposed to (n_in, n_out)."""
    return [(_numpy(m.weight) if m.weight.ndim == 4 else _numpy(m.weight).T, _numpy(m.bias)) for m in modules]


def torch_conv_grads(modules):
    """The ``.grad`` of every Conv2d and Linear parameter in nnviz's layout, or None if any is missing."""
    if any(m.weight.grad is None or m.bias.grad is None for m in modules):
        return None
    return [(_numpy(m.weight.grad) if m.weight.ndim == 4 else _numpy(m.weight.grad).T, _numpy(m.bias.grad))
            for m in modules]


def torch_conv_network(model):
    """A convolutional ``Sequential`` as an nnviz layer list and its parameters (see :func:`torch_conv_layers`)."""
    layers, modules = torch_conv_layers(model)
    return layers, torch_conv_params(modules)


# ---------------------------------------------------------------------------- Keras
_RELU = {"negative_slope": 0.0, "max_value": None, "threshold": 0.0}

#: Keras activation -> (nnviz activation, the settings nnviz's version has). Keys are the names of
#: the functions ``Dense(activation=...)`` takes, and the activation layers that may follow a
#: ``Dense`` without activation (``keras.layers.LeakyReLU(negative_slope=0.01)`` is how to get
#: nnviz's leaky ReLU: Keras's own ``leaky_relu`` function has slope 0.2, its layer 0.3).
KERAS_ACTIVATIONS = {
    "linear": ("identity", {}),
    "sigmoid": ("sigmoid", {}),
    "tanh": ("tanh", {}),
    "relu": ("relu", _RELU),
    "leaky_relu": ("leaky_relu", {"negative_slope": LEAKY_SLOPE}),
    "elu": ("elu", {"alpha": ELU_ALPHA}),
    "softplus": ("softplus", {}),
    "softmax": ("softmax", {"axis": -1}),
    "ReLU": ("relu", _RELU),
    "LeakyReLU": ("leaky_relu", {"negative_slope": LEAKY_SLOPE}),
    "ELU": ("elu", {"alpha": ELU_ALPHA}),
    "Softmax": ("softmax", {"axis": -1}),
}

#: Keras loss (the function's name) -> (nnviz loss, the output activation it needs). With
#: ``from_logits=True`` the model ends with a linear ``Dense`` and the loss applies the sigmoid
#: or softmax itself: nnviz draws it as the network's output. All are means over the samples.
KERAS_LOSSES = {
    "mean_squared_error": ("mse", None),
    "binary_crossentropy": ("bce", "sigmoid"),
    "categorical_crossentropy": ("cross_entropy", "softmax"),
    "sparse_categorical_crossentropy": ("cross_entropy", "softmax"),
}
# the other names compile() accepts for them
_KERAS_LOSS_ALIASES = {
    "mse": "mean_squared_error", "MSE": "mean_squared_error", "MeanSquaredError": "mean_squared_error",
    "bce": "binary_crossentropy", "BCE": "binary_crossentropy", "BinaryCrossentropy": "binary_crossentropy",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
}

_KERAS_SUPPORTED = ("a keras Sequential (or a functional model that is one chain of layers) of Dense layers "
                    "with activation " + ", ".join(k for k in KERAS_ACTIVATIONS if k.islower()) +
                    " (or an Activation, ReLU, LeakyReLU, ELU or Softmax layer after a linear Dense)")


def _keras_chain(model):
    """The layers of a Keras model in order, if it is one chain; InputLayers left out."""
    kind = type(model).__name__
    if kind == "Sequential":
        for layer in model.layers:
            if type(layer).__name__ in ("Sequential", "Functional"):
                yield from _keras_chain(layer)
            elif type(layer).__name__ != "InputLayer":
                yield layer
        return
    if kind != "Functional":
        raise UnsupportedModel(f"nnviz pictures {_KERAS_SUPPORTED}; got a {kind}")
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise UnsupportedModel(f"this functional model has {len(model.inputs)} inputs and {len(model.outputs)} "
                               "outputs: nnviz pictures one chain of layers from one input to one output")
    prev = None
    for layer in model.layers:
        if type(layer).__name__ == "InputLayer":
            prev = layer
            continue
        if prev is None or layer.input is not prev.output:
            raise UnsupportedModel(f"layer {layer.name!r} does not take the output of the layer before it: "
                                   "nnviz pictures one chain of layers, without branches")
        prev = layer
        yield layer
    if prev is None or model.outputs[0] is not prev.output:
        raise UnsupportedModel("the model's output is not its last layer's: nnviz pictures one chain of layers")


def _keras_activation(fn_or_layer):
    """The nnviz name of a Dense ``activation`` (a Keras function) or of an activation layer."""
    kind = type(fn_or_layer).__name__
    if kind == "Activation":  # keras.layers.Activation("tanh"): its function
        return _keras_activation(fn_or_layer.activation)
    is_layer = kind in KERAS_ACTIVATIONS
    key = kind if is_layer else getattr(fn_or_layer, "__name__", kind)
    if key not in KERAS_ACTIVATIONS:
        raise UnsupportedModel(f"nnviz pictures {_KERAS_SUPPORTED}; activation {key!r} is not one of them")
    name, settings = KERAS_ACTIVATIONS[key]
    if settings and not is_layer:
        params = inspect.signature(fn_or_layer).parameters
    for attr, value in settings.items():
        have = getattr(fn_or_layer, attr) if is_layer else params[attr].default
        same = have is None if value is None else (have is not None and np.isclose(float(have), value))
        if attr == "axis":
            same = have in (-1, 1)
        if not same:
            hint = (f"; use Dense(n) followed by keras.layers.LeakyReLU(negative_slope={value})"
                    if name == "leaky_relu" else "")
            raise UnsupportedModel(f"Keras's {key} has {attr}={have}, nnviz's {name} {attr}={value}{hint}")
    return name


def _keras_l2(layer) -> float:
    """The factor ``lmbd`` of a Dense or Conv2D layer's kernel regularizer ``lmbd * sum(W**2)`` (0 for none)."""
    for what in ("bias_regularizer", "activity_regularizer"):
        if getattr(layer, what, None) is not None:
            raise UnsupportedModel(f"{type(layer).__name__} layer {layer.name!r} has a {what}: nnviz records kernel "
                                   "regularizers only (l2, or l1_l2 with l1=0)")
    reg = layer.kernel_regularizer
    if reg is None:
        return 0.0
    kind = type(reg).__name__
    if kind == "L2" or (kind == "L1L2" and not float(getattr(reg, "l1", 0.0))):
        return float(reg.l2)
    raise UnsupportedModel(f"{type(layer).__name__} layer {layer.name!r} has kernel_regularizer {kind}: nnviz "
                           "records l2 (or l1_l2 with l1=0) kernel regularizers")


def _keras_plain(layer):
    """Refuse a LoRA-enabled or quantized layer, or one not built yet."""
    if getattr(layer, "lora_enabled", False) or getattr(layer, "quantization_mode", None):
        raise UnsupportedModel(f"{type(layer).__name__} layer {layer.name!r} is LoRA-enabled or quantized: nnviz "
                               "pictures plain layers")
    if not hasattr(layer, "kernel") or layer.kernel is None:
        raise UnsupportedModel("the model is not built yet: give it an input shape "
                               "(keras.Input(shape=(n_inputs,))) or fit it first")


def keras_layers(model):
    """The ``Dense`` layers of a built Keras model, each one's activation and L2 factor.

    Returns
    -------
    list of (Dense, str, float)
        One triple per layer: the layer, its nnviz activation name, and the factor ``lmbd`` of
        its kernel regularizer ``lmbd * sum(W**2)`` (0.0 for none).
    """
    layers = []
    for layer in _keras_chain(model):
        kind = type(layer).__name__
        if kind == "Dense":
            _keras_plain(layer)
            if len(layer.kernel.shape) != 2:
                raise UnsupportedModel(f"Dense layer {layer.name!r} has a kernel of shape {tuple(layer.kernel.shape)}")
            layers.append([layer, _keras_activation(layer.activation), _keras_l2(layer)])
            continue
        if kind == "Flatten" and not layers:
            raise UnsupportedModel("nnviz pictures Dense networks on flat inputs: drop the Flatten layer and "
                                   "flatten the data yourself (X.reshape(len(X), -1))")
        if kind not in KERAS_ACTIVATIONS and kind != "Activation":
            also = f" (or {_KERAS_CNN_SUPPORTED})" if "Conv" in kind or "Pool" in kind else ""
            raise UnsupportedModel(f"nnviz pictures {_KERAS_SUPPORTED}{also}; {kind} is not one of them")
        if not layers or layers[-1][1] != "identity":
            raise UnsupportedModel(f"the {kind} layer {layer.name!r} must follow a Dense layer without activation "
                                   "(one activation per layer)")
        layers[-1][1] = _keras_activation(layer)
    if not layers:
        raise UnsupportedModel(f"nnviz pictures {_KERAS_SUPPORTED}; this model has no Dense layer")
    for i, (dense, act, _) in enumerate(layers):
        if act == "softmax" and i != len(layers) - 1:
            raise UnsupportedModel("softmax can only be the last Dense layer's activation")
        if not dense.use_bias and i != len(layers) - 1:
            raise UnsupportedModel(f"Dense layer {i + 1} has no bias: nnviz's hidden layers all have one")
        if i and dense.kernel.shape[0] != layers[i - 1][0].kernel.shape[1]:
            raise UnsupportedModel(f"Dense layer {i + 1} takes {dense.kernel.shape[0]} inputs, "
                                   f"the layer before gives {layers[i - 1][0].kernel.shape[1]}")
    return [tuple(t) for t in layers]


def keras_loss(model):
    """The compiled loss of a Keras model: ``(name, from_logits)``, ``name`` a key of :data:`KERAS_LOSSES`."""
    loss = getattr(model, "loss", None)
    if loss is None:
        raise UnsupportedModel("the model has no loss: compile it first (model.compile(loss=..., optimizer=...))")
    if isinstance(loss, (list, tuple, dict)):
        raise UnsupportedModel("nnviz records one loss on one output, not a list or dict of losses")
    if isinstance(loss, str):
        name, options = loss, {}
    elif hasattr(loss, "fn") and hasattr(loss, "reduction"):  # a keras.losses.Loss object
        name, options = getattr(loss.fn, "__name__", type(loss).__name__), dict(getattr(loss, "_fn_kwargs", {}))
        if loss.reduction != "sum_over_batch_size":
            raise UnsupportedModel(f"{type(loss).__name__}(reduction={loss.reduction!r}): nnviz records the mean "
                                   "over the samples ('sum_over_batch_size')")
    else:  # a loss function, e.g. keras.losses.categorical_crossentropy
        name, options = getattr(loss, "__name__", type(loss).__name__), {}
    name = _KERAS_LOSS_ALIASES.get(name, name)
    if name not in KERAS_LOSSES:
        valid = ", ".join(KERAS_LOSSES)
        raise UnsupportedModel(f"loss {name!r}: nnviz records {valid} (their from_logits forms too)")
    if options.get("label_smoothing"):
        raise UnsupportedModel(f"{name} with label_smoothing: nnviz records the plain loss")
    if options.get("axis", -1) not in (-1, 1):
        raise UnsupportedModel(f"{name} with axis={options['axis']}: nnviz's losses act over the outputs (axis=-1)")
    if options.get("ignore_class") is not None:
        raise UnsupportedModel(f"{name} with ignore_class: nnviz records every sample")
    return name, bool(options.get("from_logits", False))


def _keras_numpy(v):
    value = getattr(v, "value", v)  # the backend's tensor (torch: a Parameter)
    if hasattr(value, "detach"):
        return np.array(value.detach().cpu().numpy(), dtype=float)
    return np.array(v.numpy() if hasattr(v, "numpy") else v, dtype=float)


def keras_params(layers):
    """``[(W, b), ...]`` of :func:`keras_layers`' Dense layers (kernels are already (n_in, n_out))."""
    return [(_keras_numpy(d.kernel), _keras_numpy(d.bias) if d.use_bias else None) for d, *_ in layers]


def keras_grads(layers):
    """The gradients the last training step left on the variables, or None if the backend keeps none.

    Keras's PyTorch backend leaves each variable's ``.value.grad`` (the gradient of the total loss,
    regularizers included) until the next step clears it; the other backends keep no gradient.
    """
    out = []
    for d, *_ in layers:
        pair = []
        for v in (d.kernel, d.bias if d.use_bias else None):
            g = None if v is None else getattr(getattr(v, "value", None), "grad", None)
            if v is not None and g is None:
                return None
            pair.append(None if g is None else _keras_numpy(g))
        out.append(tuple(pair))
    return out



# ---------------------------------------------------------------------------- Keras CNNs
#: Keras layers of a convolutional chain -> nnviz layer kind (:class:`nnviz.nn.conv.CNN`).
KERAS_CONV_LAYERS = {"Conv2D": "conv2d", "MaxPooling2D": "maxpool2d", "Flatten": "flatten", "Dense": "dense"}
_KERAS_CNN_SUPPORTED = ("a keras Sequential (or one chain of layers) of Conv2D (stride 1, padding 'valid' or "
                        "'same', odd square kernels, no dilation or groups, with bias), MaxPooling2D((2, 2)), Flatten "
                        "and Dense layers on channels_last images, each Conv2D and Dense with one of the activations "
                        + ", ".join(k for k in KERAS_ACTIVATIONS if k.islower()))


def is_keras_cnn(model) -> bool:
    """Whether a Keras model's chain holds a ``Conv2D`` or ``MaxPooling2D`` layer."""
    try:
        return any(type(layer).__name__ in ("Conv2D", "MaxPooling2D") for layer in _keras_chain(model))
    except UnsupportedModel:
        return False


def keras_conv_layers(model):
    """A convolutional Keras model as an nnviz layer list (:class:`~nnviz.nn.conv.CNN`'s, which checks
    the settings and names what it supports).

    Keras is channels-last: images (n, H, W, C), conv kernels (kh, kw, in, out), and ``Flatten``
    reads (H, W, C) in row order, where nnviz (as PyTorch) has (n, C, H, W), filters
    (out, in, kh, kw) and flattens (C, H, W). :func:`keras_conv_params` moves the kernels into
    nnviz's layout and permutes the rows of the Dense kernel after a ``Flatten``, so that the CNN
    computes Keras's function on ``X.transpose(0, 3, 1, 2)``.

    Returns
    -------
    input_shape : tuple of int
        ``(C, H, W)``.
    layers : list of dict
        The CNN's layer list: ``CNN(input_shape, layers)``.
    weighted : list
        The Conv2D and Dense layers, in order.
    l2 : list of float
        Each weighted layer's ``lmbd`` of ``kernel_regularizer=l2(lmbd)`` (0.0 for none).
    rows : list of ndarray or None
        For each weighted layer, Keras's kernel row of each nnviz row (a Dense after a Flatten), or None.
    """
    try:
        shape = tuple(model.inputs[0].shape)[1:]
    except (AttributeError, IndexError, TypeError, ValueError):
        raise UnsupportedModel("the model is not built yet: give it an input shape (keras.Input(shape=(H, W, C)))") \
            from None
    if len(shape) != 3 or None in shape:
        raise UnsupportedModel(f"a convolutional model takes images (height, width, channels), its input is {shape}")
    H, W, C = (int(v) for v in shape)
    layers, weighted, l2, rows, below = [], [], [], [], None
    for layer in _keras_chain(model):
        kind = type(layer).__name__
        if kind in KERAS_ACTIVATIONS or kind == "Activation":
            if not layers or layers[-1]["kind"] not in ("conv2d", "dense") or layers[-1]["activation"] != "identity":
                raise UnsupportedModel(f"the {kind} layer {layer.name!r} must follow a Conv2D or Dense layer without "
                                       "activation (one activation per layer)")
            layers[-1]["activation"] = _keras_activation(layer)
            continue
        if kind not in KERAS_CONV_LAYERS:
            raise UnsupportedModel(f"nnviz pictures {_KERAS_CNN_SUPPORTED}; {kind} is not one of them")
        if getattr(layer, "data_format", "channels_last") != "channels_last":
            raise UnsupportedModel(f"{kind}(data_format={layer.data_format!r}): nnviz reads Keras's channels_last")
        if kind == "Conv2D":
            spec = {"filters": int(layer.filters), "kernel": tuple(layer.kernel_size), "stride": tuple(layer.strides),
                    "padding": layer.padding, "dilation": tuple(layer.dilation_rate), "groups": int(layer.groups),
                    "activation": _keras_activation(layer.activation)}
        elif kind == "MaxPooling2D":
            spec = {"size": tuple(layer.pool_size), "stride": tuple(layer.strides), "padding": layer.padding}
        elif kind == "Flatten":
            spec = {}
        else:
            spec = {"units": int(layer.units), "activation": _keras_activation(layer.activation)}
        if kind in ("Conv2D", "Dense"):
            _keras_plain(layer)
            if not layer.use_bias:
                raise UnsupportedModel(f"{kind}(use_bias=False): nnviz's {KERAS_CONV_LAYERS[kind]} layers have a bias")
            weighted.append(layer)
            l2.append(_keras_l2(layer))
            rows.append(_flatten_rows(below) if kind == "Dense" else None)
        layers.append({"kind": KERAS_CONV_LAYERS[kind], **spec})
        below = layer
    if not layers or layers[-1]["kind"] != "dense":
        raise UnsupportedModel(f"nnviz pictures {_KERAS_CNN_SUPPORTED}, ending with a Dense layer")
    return (C, H, W), layers, weighted, l2, rows


def _flatten_rows(layer):
    """For a Dense layer after ``layer``: Keras's kernel row of each nnviz row if ``layer`` is a
    Flatten of (h, w, c) maps (nnviz's row k*h*w + i*w + j, channel k, is Keras's (i*w + j)*c + k)."""
    if type(layer).__name__ != "Flatten":
        return None
    shape = tuple(layer.input.shape)[1:]
    if len(shape) != 3:
        return None
    h, w, c = (int(v) for v in shape)
    return np.arange(h * w * c).reshape(h, w, c).transpose(2, 0, 1).ravel()


def _keras_to_nnviz(kernel, order):
    """A Conv2D kernel (kh, kw, in, out) as (out, in, kh, kw); a Dense kernel's rows in nnviz's order."""
    if kernel.ndim == 4:
        return np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))
    return kernel if order is None else kernel[order]


def keras_conv_params(weighted, rows):
    """``[(W, b), ...]`` of :func:`keras_conv_layers`' Conv2D and Dense layers, in nnviz's layout."""
    return [(_keras_to_nnviz(_keras_numpy(layer.kernel), order), _keras_numpy(layer.bias))
            for layer, order in zip(weighted, rows)]


def keras_conv_grads(weighted, rows):
    """The gradients the last step left (see :func:`keras_grads`) in nnviz's layout, or None."""
    grads = keras_grads([(layer,) for layer in weighted])
    if grads is None:
        return None
    return [(_keras_to_nnviz(dW, order), db) for (dW, db), order in zip(grads, rows)]
