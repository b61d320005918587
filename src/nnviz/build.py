"""From a config to a data set and an initialised network (used by every trainer)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .config import ConfigError, complete_config, make_config
from .nn import MLP, get_loss, initialize
from .nn.losses import check_targets

__all__ = ["resolve_config", "build", "build_model", "TrainingError"]


class TrainingError(ValueError):
    """Training could not start (bad settings for this data set or model)."""


# When the config says "auto": output activation and loss that suit the data's targets.
_AUTO = {
    "pm1": ("tanh", "mse"),
    "01": ("sigmoid", "bce"),
    "onehot": ("softmax", "cross_entropy"),
    None: ("identity", "mse"),
}


def resolve_config(spec, **overrides) -> dict:
    """A complete config from a preset name, a TOML path, a CSV file of your own data, or a dict,
    with overrides applied.

    ``overrides`` are ``train.*`` keys (``steps``, ``lr``, ``record``, ...), ``seed`` (the
    initialisation seed), ``hidden`` and ``activation`` (the ``[model]`` table) and, for a CSV
    file, ``target`` (its target column: a header name or an index); None values are ignored.
    A CSV file (columns x1, x2, ..., label) trains a tanh network with 8 hidden units by default.
    """
    from .config import load_config
    from .presets import get_preset

    overrides = {k: v for k, v in overrides.items() if v is not None}
    target = overrides.pop("target", None)
    if isinstance(spec, dict):
        cfg = make_config(spec)
    elif isinstance(spec, (str, Path)) and str(spec).lower().endswith(".toml"):
        cfg = load_config(spec)
    elif isinstance(spec, (str, Path)) and str(spec).lower().endswith(".csv"):
        path = Path(spec)
        if not path.is_file():
            raise ConfigError(f"{path}: no such file")
        data = {"name": "csv", "path": str(path.resolve())}
        if target is not None:
            data["target_column"] = int(target) if str(target).lstrip("-").isdigit() else str(target)
        cfg = make_config({"name": path.stem, "description": f"your data: {path.name}", "data": data})
        target = None
    else:
        cfg = get_preset(str(spec))
    if target is not None:
        raise ConfigError("--target names the target column of a CSV file; this is not one")
    over: dict = {"train": {}, "init": {}, "data": {}, "model": {}}
    for key, value in overrides.items():
        if key == "seed":
            over["init"]["seed"] = value
            if cfg["init"].get("stream") == "data":  # one stream, seeded once, draws data then weights
                over["data"]["seed"] = value
        elif key in ("hidden", "activation"):
            over["model"][key] = value
        else:
            over["train"][key] = value
    return complete_config(make_config(over, base=cfg))


def resolved_loss(name: str, encoding: str | None) -> str:
    """The loss a config's ``train.loss`` means for targets encoded as ``encoding`` ("auto": the
    one that suits them, e.g. bce for 0/1 labels)."""
    return _AUTO.get(encoding, _AUTO[None])[1] if name == "auto" else name


def build(cfg: dict, dataset=None):
    """Data set, initialised model and loss name for a complete config.

    ``dataset`` replaces the config's ``[data]`` table (e.g. points of a formula).
    """
    from .data import make_dataset

    if dataset is None:
        data_cfg = dict(cfg["data"])
        dataset = make_dataset(data_cfg.pop("name"), **data_cfg)
    auto_out = _AUTO.get(dataset.encoding, _AUTO[None])[0]
    loss = resolved_loss(cfg["train"]["loss"], dataset.encoding)
    try:
        check_targets(get_loss(loss), dataset.encoding)  # an unknown name, or bce on -1/+1 labels
    except ValueError as e:
        raise TrainingError(str(e)) from None
    model = build_model(cfg, dataset.n_features, dataset.n_outputs, auto_out, rng=dataset.rng,
                        image_shape=dataset.image_shape)
    return dataset, model, loss


def build_model(cfg: dict, n_in: int, n_out: int, auto_output: str = "identity", rng=None,
                image_shape=None):
    """The initialised network of a config's ``[model]`` and ``[init]`` tables, for n_in inputs
    and n_out outputs (``model.output = "auto"`` means ``auto_output``). ``rng`` is the data set's
    random stream, which ``init.stream = "data"`` continues.

    A ``model.layers`` list builds a :class:`~nnviz.nn.conv.CNN` on images of ``image_shape``
    (the data set's); its last layer's ``units`` may be left out (the data's outputs) and an
    ``activation = "auto"`` there means ``auto_output``.
    """
    m = cfg["model"]
    if "layers" in m:
        model = _build_cnn(m["layers"], n_in, n_out, auto_output, image_shape)
    else:
        output = auto_output if m["output"] == "auto" else m["output"]
        act = m["activation"]
        acts = act if isinstance(act, list) else [act] * len(m["hidden"])
        if len(acts) != len(m["hidden"]):
            raise ConfigError(f"'model.activation' lists {len(acts)} names for {len(m['hidden'])} hidden layers")
        model = MLP([n_in, *m["hidden"], n_out], list(acts) + [output], output_bias=m["output_bias"])
    init = dict(cfg["init"])
    if init["weights"] != "given":  # train(start=...) supplies the weights
        seed, stream = init.pop("seed"), init.pop("stream", "default")
        if stream == "data":  # seed 003: numpy.random.seed(0), the data's draws, then the weights'
            if rng is None:
                raise ConfigError("init.stream = 'data' continues the data set's random stream, but this data "
                                  "set has none: set data.stream = \"legacy\" or init.stream = \"legacy\"")
            if cfg["data"].get("seed") != seed:
                raise ConfigError(f"init.stream = 'data' draws the weights from the data set's stream, seeded by "
                                  f"data.seed = {cfg['data'].get('seed')}: init.seed = {seed} must equal it "
                                  "(or set init.stream = \"legacy\")")
            seed, stream = rng, "legacy"
        initialize(model, init.pop("weights"), seed, init.pop("bias"), init.pop("bias_sigma"), stream=stream, **init)
    return model


def _build_cnn(layers, n_in, n_out, auto_output, image_shape):
    from .nn.conv import CNN

    if image_shape is None or int(np.prod(image_shape)) != n_in:
        raise ConfigError("'model.layers' builds a convolutional network, which needs image inputs (a data set "
                          "with an image shape, e.g. digits)")
    layers = [dict(x) for x in layers]
    last = layers[-1]
    last.setdefault("units", n_out)
    if last.get("activation") == "auto":
        last["activation"] = auto_output
    try:
        model = CNN(image_shape, layers)
    except ValueError as e:
        raise ConfigError(f"'model.layers': {e}") from None
    if model.sizes[-1] != n_out:
        raise ConfigError(f"'model.layers' ends with {model.sizes[-1]} units, the data have {n_out} outputs")
    return model
