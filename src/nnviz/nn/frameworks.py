"""Networks trained elsewhere, read as nnviz layers: scikit-learn's MLPs and PyTorch ``Sequential`` models.

Nothing here imports scikit-learn or torch: estimators and modules are read through their public
attributes (``coefs_``, ``intercepts_``, ``weight``, ``bias``, ``.grad``), so nnviz works without
either installed. Weights come out in nnviz's layout, ``W`` of shape (n_in, n_out)
(``a[l] = f(a[l-1] @ W[l] + b[l])``): scikit-learn's ``coefs_`` already are; a torch ``Linear``'s
``weight`` is (out_features, in_features) and is transposed. Values are float64 copies.

Supported (anything else is refused with one line naming what is supported):

* scikit-learn: ``MLPClassifier`` and ``MLPRegressor``, activations identity, logistic, tanh,
  relu; output identity, logistic or softmax as scikit-learn chooses it.
* PyTorch: ``Sequential`` (nested ones are flattened) of ``Linear`` layers, each followed by at most
  one of the activations in :data:`TORCH_ACTIVATIONS` (none means identity); ``Softmax`` or
  ``LogSoftmax`` only after the last ``Linear``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["UnsupportedModel", "SKLEARN_ACTIVATIONS", "TORCH_ACTIVATIONS", "TORCH_LOSSES", "sklearn_network",
           "torch_layers", "torch_params", "torch_grads"]


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
