"""The tracing trainer: the training loop, recording every step into a trace file.

One training step ``k`` (states ``k = 0 .. steps``; state 0 is the initial network)::

    forward and backward pass on the training data at parameters theta_k
    record loss_k, accuracy_k (every step) and, on the schedule, W, b, dW, db, z, a, delta
    update theta_{k+1} = theta_k - lr * gradient          (or momentum / Adam / L-BFGS)

So ``trace.loss[k]`` is the loss of ``trace.model_at(k)``, and for gradient descent
``W(k+1) = W(k) - lr * trace.grads(k)``. A non-finite loss stops training: the trace keeps every
step up to it and is marked "diverged".
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .config import ConfigError, complete_config, make_config
from .nn import MLP, get_loss, initialize, make_optimizer
from .nn.losses import check_targets
from .trace.schedule import parse_schedule
from .trace.store import TraceWriter
from .trace.trace import Trace

__all__ = ["train", "resolve_config", "build", "TrainingError"]

log = logging.getLogger(__name__)


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
    """A complete config from a preset name, a TOML path, or a dict, with overrides applied.

    ``overrides`` are ``train.*`` keys (``steps``, ``lr``, ``record``, ...) and ``seed``, which sets
    the initialisation seed; None values are ignored.
    """
    from .config import load_config
    from .presets import get_preset

    if isinstance(spec, dict):
        cfg = make_config(spec)
    elif isinstance(spec, (str, Path)) and str(spec).endswith(".toml"):
        cfg = load_config(spec)
    else:
        cfg = get_preset(str(spec))
    over: dict = {"train": {}, "init": {}, "data": {}}
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "seed":
            over["init"]["seed"] = value
            if cfg["init"].get("stream") == "data":  # one stream, seeded once, draws data then weights
                over["data"]["seed"] = value
        else:
            over["train"][key] = value
    return complete_config(make_config(over, base=cfg))


def build(cfg: dict, dataset=None):
    """Data set, initialised model and loss name for a complete config.

    ``dataset`` replaces the config's ``[data]`` table (e.g. points of a formula).
    """
    from .data import make_dataset

    if dataset is None:
        data_cfg = dict(cfg["data"])
        dataset = make_dataset(data_cfg.pop("name"), **data_cfg)
    auto_out, auto_loss = _AUTO.get(dataset.encoding, _AUTO[None])
    loss = auto_loss if cfg["train"]["loss"] == "auto" else cfg["train"]["loss"]
    try:
        check_targets(get_loss(loss), dataset.encoding)  # an unknown name, or bce on -1/+1 labels
    except ValueError as e:
        raise TrainingError(str(e)) from None
    model = build_model(cfg, dataset.n_features, dataset.n_outputs, auto_out, rng=dataset.rng)
    return dataset, model, loss


def build_model(cfg: dict, n_in: int, n_out: int, auto_output: str = "identity", rng=None) -> MLP:
    """The initialised network of a config's ``[model]`` and ``[init]`` tables, for n_in inputs
    and n_out outputs (``model.output = "auto"`` means ``auto_output``). ``rng`` is the data set's
    random stream, which ``init.stream = "data"`` continues."""
    m = cfg["model"]
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


def _accuracy(y, labels, encoding):
    from .data import decode_outputs

    if labels is None or len(labels) == 0:
        return np.nan
    return float(np.mean(decode_outputs(y, encoding) == labels))


def train(spec="moons", trace="run.h5", *, steps=None, lr=None, seed=None, record=None,
          progress=False, flush_every=100, dataset=None, start=None, **overrides) -> Trace:
    """Train a network and record its training into a trace file.

    Parameters
    ----------
    spec : str, Path or dict
        A preset name (``nnviz presets``), a TOML config file, or a config dict.
    trace : str or Path
        Output trace file (HDF5); replaced if it exists.
    steps, lr, seed, record : optional
        Override the config's ``train.steps``, ``train.lr``, ``init.seed``, ``train.record``.
    progress : bool
        Show a progress bar.
    flush_every : int
        Make the file durable at least every this many steps.
    dataset : nnviz.data.Dataset, optional
        Train on this data instead of the config's ``[data]`` table.
    start : nnviz.nn.MLP, optional
        Start from these weights instead of the config's initialiser (copied; the architecture
        must fit the data). Such a trace records ``init.weights = "given"``: its config alone
        cannot re-train it.
    **overrides
        Any other ``train.*`` key, e.g. ``optimizer="adam"``, ``batch_size=32``.

    Returns
    -------
    Trace
        The recorded run, open for reading. ``trace.status`` is "diverged" if the loss became
        non-finite; ``trace.message`` then says at which step and what to try.
    """
    cfg = resolve_config(spec, steps=steps, lr=lr, seed=seed, record=record, **overrides)
    if start is not None:
        cfg["init"]["weights"] = "given"
    elif cfg["init"]["weights"] == "given":
        raise TrainingError("this config starts from given weights (init.weights = 'given'); "
                            "pass them as train(..., start=model)")
    if cfg["train"]["loss"] == "ode":  # a differential equation's residual (seed 002): nnviz.ode
        from .ode import train_ode

        return train_ode(cfg, trace, progress=progress, flush_every=flush_every)
    dataset, model, loss_name = build(cfg, dataset)
    if start is not None:
        if list(start.sizes) != list(model.sizes):
            raise TrainingError(f"start network is {'-'.join(map(str, start.sizes))}, the config and data "
                                f"give {'-'.join(map(str, model.sizes))}")
        model = start.copy()
    t = cfg["train"]
    loss = get_loss(loss_name)
    schedule = set(parse_schedule(t["record"], t["steps"]).tolist())
    probe = np.arange(min(t["probe"], len(dataset.X)))
    X, T = dataset.X, dataset.y
    has_test = len(dataset.X_test) > 0
    n_steps, l2 = t["steps"], t["l2"]
    writer = TraceWriter(trace, cfg, dataset, model, probe, flush_every=flush_every)
    status, message = "complete", ""

    last = {"loss": np.nan, "step": -1, "tensors": -1}

    def record(k, fp, bp, force=False):
        """Write step k's scalars, and its tensors if k is on the schedule; False if diverged."""
        test_loss = test_acc = np.nan
        if has_test:
            fp_test = model.forward(dataset.X_test)
            y_test = fp_test.output
            test_loss = model.cost(fp_test, dataset.y_test, loss)
            test_acc = _accuracy(y_test, dataset.labels_test, dataset.encoding)
        acc = _accuracy(fp.output, dataset.labels, dataset.encoding)
        if not force:
            writer.record_scalars(k, bp.loss, acc, test_loss, test_acc, t["lr"])
            last["loss"], last["step"] = bp.loss, k
        if not np.isfinite(bp.loss):
            return False
        if k in schedule or force:
            last["tensors"] = k
            writer.record_tensors(k, step_tensors(model, fp, bp, probe))
        return True

    with recording(writer, n_steps, cfg["name"], progress) as bar:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if t["optimizer"] == "lbfgs":
                k_done = _train_lbfgs(model, X, T, loss, l2, n_steps, record, bar)
                if k_done is None and last["tensors"] != last["step"]:  # L-BFGS converged early
                    fp = model.forward(X)
                    record(last["step"], fp, model.backward(fp, T, loss, l2), force=True)
            else:
                k_done = _train_gradient(model, dataset, loss, cfg, record, bar)
        if k_done is not None:
            status = "diverged"
            message = divergence_message(last["loss"], k_done, t["lr"])
            log.warning(message)
    writer.close(status, message)
    return Trace(trace)


def _train_gradient(model, dataset, loss, cfg, record, bar):
    """Gradient descent, minibatch SGD, momentum or Adam. Returns the step that diverged, or None."""
    t = cfg["train"]
    X, T = dataset.X, dataset.y
    n = len(X)
    opt = optimizer_for(t)
    batch = t["batch_size"] if 0 < t["batch_size"] < n else n
    rng = np.random.default_rng(t["seed"])
    order, pos = rng.permutation(n), 0
    for k in range(t["steps"] + 1):
        fp = model.forward(X)
        bp = model.backward(fp, T, loss, t["l2"])
        if not record(k, fp, bp):
            return k
        if k == t["steps"]:
            break
        if batch < n:  # minibatch SGD: the next batch of a shuffled pass over the data
            if pos + batch > n:
                order, pos = rng.permutation(n), 0
            idx = order[pos: pos + batch]
            pos += batch
            bp = model.loss_and_grads(X[idx], T[idx], loss, t["l2"])
        opt.step(model.param_list(), MLP.grad_list(bp))
        if bar is not None:
            bar.update(1)
    return None


def _train_lbfgs(model, X, T, loss, l2, n_steps, record, bar):
    """L-BFGS through scipy.optimize.minimize (seed 001); one step per L-BFGS iteration."""
    try:
        from scipy.optimize import minimize
    except ImportError:  # pragma: no cover
        raise TrainingError("the lbfgs optimizer needs scipy: pip install 'nnviz[sklearn]'") from None

    def fun(theta):
        bp = model.set_flat(theta).loss_and_grads(X, T, loss, l2)
        return bp.loss, np.concatenate([g.ravel() for g in MLP.grad_list(bp)])

    state = {"k": 0, "diverged": None}

    def step_record():
        fp = model.forward(X)
        bp = model.backward(fp, T, loss, l2)
        ok = record(state["k"], fp, bp)
        if not ok:
            state["diverged"] = state["k"]
        return ok

    class _Stop(Exception):
        pass

    if not step_record():
        return 0

    def callback(theta):
        model.set_flat(theta)
        state["k"] += 1
        if bar is not None:
            bar.update(1)
        if not step_record() or state["k"] >= n_steps:
            raise _Stop

    if n_steps > 0:
        try:
            res = minimize(fun, model.get_flat(), jac=True, method="L-BFGS-B", callback=callback,
                           options={"maxiter": n_steps})
            model.set_flat(res.x)
        except _Stop:
            pass
    return state["diverged"]


# ---------------------------------------------------------------------------- shared by the trainers
def optimizer_for(t: dict):
    """The optimizer a config's ``[train]`` table asks for (gd, sgd, momentum or adam)."""
    settings = {"lr": t["lr"]}
    if t["optimizer"] == "momentum":
        settings["momentum"] = t["momentum"]
    if t["optimizer"] == "adam":
        settings.update(beta1=t["beta1"], beta2=t["beta2"])
    return make_optimizer(t["optimizer"], **settings)


def step_tensors(model: MLP, fp, bp, probe) -> dict:
    """What the trace keeps of one step: W, b and their gradients; z, a and delta on the probe samples."""
    out = {}
    for l in range(1, model.L + 1):
        out[f"W{l}"], out[f"dW{l}"] = model.W[l], bp.dW[l]
        if model.b[l] is not None:
            out[f"b{l}"], out[f"db{l}"] = model.b[l], bp.db[l]
        out[f"z{l}"], out[f"a{l}"], out[f"delta{l}"] = fp.z[l][probe], fp.a[l][probe], bp.delta[l][probe]
    return out


def divergence_message(loss, step: int, lr: float) -> str:
    """The one line a diverged run ends with, suggesting a learning rate ten times smaller."""
    return f"loss became {loss} at step {step}; try a smaller learning rate, e.g. --lr {lr / 10:g}"


@contextmanager
def recording(writer, n_steps: int, name: str, progress: bool):
    """Around a training loop: yields its progress bar (or None). If the loop raises (an error,
    Ctrl-C), the trace is closed as "interrupted", so every step flushed so far stays readable."""
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=n_steps, desc=f"training {name}", unit="step", leave=False)
    try:
        yield bar
    except BaseException:
        writer.close("interrupted", "training stopped by an error or an interrupt")
        raise
    finally:
        if bar is not None:
            bar.close()
