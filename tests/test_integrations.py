"""Your own model: the Recorder seam, scikit-learn's and PyTorch's integrations, and the package's imports."""

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nnviz
from nnviz import Recorder
from nnviz.nn import MLP
from nnviz.nn.frameworks import UnsupportedModel
from nnviz.trace import RecorderError

ROOT = Path(__file__).resolve().parents[1]


def _moons01(n=100):
    from nnviz.data import moons

    d = moons(n=n, noise=0.1, seed=0, encoding="01")
    return d.X, d.labels


# ----------------------------------------------------------------------------- a plain numpy loop
def test_recorder_of_a_hand_written_numpy_loop(tmp_path):
    """A loop nnviz did not write: the trace holds its parameters and nnviz's backprop of them."""
    X, y = _moons01()
    rng = np.random.default_rng(1)
    W1, b1, W2, b2 = rng.normal(size=(2, 8)), np.zeros(8), rng.normal(size=(8, 1)), np.zeros(1)
    lr, steps = 0.5, 30
    seen = []
    with Recorder(tmp_path / "run.h5", X, y, sizes=[2, 8, 1], activations=["tanh", "sigmoid"], loss="bce",
                  lr=lr, record="every:7", steps=steps) as rec:
        for k in range(steps + 1):
            rec.step(k, params=[(W1, b1), (W2, b2)])
            seen.append([W1.copy(), b1.copy(), W2.copy(), b2.copy()])
            # the user's own backprop of the mean binary cross-entropy
            h = np.tanh(X @ W1 + b1)
            p = 1 / (1 + np.exp(-(h @ W2 + b2)))
            d2 = (p - y[:, None]) / len(X)
            d1 = (d2 @ W2.T) * (1 - h**2)
            W2, b2 = W2 - lr * h.T @ d2, b2 - lr * d2.sum(0)
            W1, b1 = W1 - lr * X.T @ d1, b1 - lr * d1.sum(0)
    tr = rec.trace
    assert tr.status == "complete" and tr.source == "numpy"
    assert tr.steps.tolist() == [0, 7, 14, 21, 28, 30]            # the schedule, and the last step
    assert len(tr.all_steps) == steps + 1
    for k in (0, 7, 30):
        (rW1, rb1), (rW2, rb2) = tr.params(k)
        np.testing.assert_array_equal(rW1, seen[k][0])
        np.testing.assert_array_equal(rb2, seen[k][3])
    # gradient descent: W(k+1) = W(k) - lr * dW(k), with nnviz's own dW
    dW1 = tr.grads(7)[0][0]
    np.testing.assert_allclose(seen[8][0], seen[7][0] - lr * dW1, atol=1e-14)
    p = 1 / (1 + np.exp(-(np.tanh(X @ seen[0][0] + seen[0][1]) @ seen[0][2] + seen[0][3])))[:, 0]
    bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert tr.loss[0] == pytest.approx(bce, rel=1e-12)
    assert tr.is_classifier and tr.data.encoding == "01"
    assert np.isnan(tr.checks["grad_max_abs_diff"])                 # no framework gradients given


def test_recorder_compares_given_gradients_and_marks_divergence(tmp_path):
    X, y = _moons01(40)
    m = MLP([2, 4, 1], ["relu", "sigmoid"])
    m.set_params([(np.ones((2, 4)), np.zeros(4)), (np.ones((4, 1)), np.zeros(1))])
    fp = m.forward(X)
    bp = m.backward(fp, y[:, None].astype(float), "bce")
    grads = [(bp.dW[1] + 1e-9, bp.db[1]), (bp.dW[2], bp.db[2])]
    with Recorder(tmp_path / "g.h5", X, y, sizes=m.sizes, activations=m.activation_names, loss="bce",
                  record="all") as rec:
        assert rec.step(0, m, grads=grads, loss=bp.loss + 2e-12)
        large = [(W * 1e2, b) for W, b in m.params()]
        assert rec.step(1, large) is True                           # large, still plausible
        huge = [(W * 1e4, b) for W, b in m.params()]                # 1000x the start: ran away
        assert rec.step(2, huge) is False and "weights reached 1e+04 at step 2" in rec.message
        assert rec.step(3, m) is False                              # nothing after a divergence
    tr = rec.trace
    assert tr.checks["grad_max_abs_diff"] == pytest.approx(1e-9, rel=1e-3)
    assert tr.checks["loss_max_abs_diff"] == pytest.approx(2e-12, rel=1e-2)
    np.testing.assert_array_equal(tr.grads(0)[0][0], grads[0][0])   # the framework's gradients are stored
    assert tr.status == "diverged" and "step 2" in tr.message
    assert tr.final_step == 1                                       # the last good step, in full
    with Recorder(tmp_path / "n.h5", X, y, sizes=m.sizes, activations=m.activation_names, loss="bce") as rec:
        assert rec.step(0, m)
        assert rec.step(1, [(np.full((2, 4), np.inf), np.zeros(4)), (np.ones((4, 1)), np.zeros(1))]) is False
    assert rec.trace.status == "diverged" and "loss became" in rec.trace.message


def test_recorder_refuses_bad_input_in_one_line(tmp_path):
    X, y = _moons01(20)
    kw = dict(sizes=[2, 3, 1], activations=["tanh", "sigmoid"], loss="bce")
    with pytest.raises(RecorderError, match="takes 2 inputs"):
        Recorder(tmp_path / "a.h5", np.ones((20, 3)), y, **kw)
    with pytest.raises(RecorderError, match="20 rows but y has 19"):
        Recorder(tmp_path / "a.h5", X, y[:-1], **kw)
    with pytest.raises(RecorderError, match="0/1 targets"):
        Recorder(tmp_path / "a.h5", X, 2 * y - 1, **kw)
    with pytest.raises(RecorderError, match="cannot record this network"):
        Recorder(tmp_path / "a.h5", X, y, sizes=[2, 3, 1], activations=["tanh"], loss="bce")
    with pytest.raises(ValueError, match="unknown loss"):
        Recorder(tmp_path / "a.h5", X, y, sizes=[2, 3, 1], activations=["tanh", "sigmoid"], loss="nope")
    good = [(np.zeros((2, 3)), np.zeros(3)), (np.zeros((3, 1)), np.zeros(1))]
    rec = Recorder(tmp_path / "b.h5", X, y, record="all", **kw)
    rec.step(0, good)
    with pytest.raises(RecorderError, match="shape"):
        rec.step(1, [(np.zeros((3, 2)), np.zeros(3)), (np.zeros((3, 1)), np.zeros(1))])
    with pytest.raises(RecorderError, match="steps must increase"):
        rec.step(0, good)
    rec.close()
    tr = nnviz.load_trace(tmp_path / "b.h5")                        # what was written stays readable
    assert tr.all_steps.tolist() == [0] and tr.status == "complete"


def test_recorder_without_known_steps_records_auto_and_the_last_step(tmp_path):
    X, y = _moons01(30)
    m = MLP([2, 3, 1], ["tanh", "sigmoid"])
    with Recorder(tmp_path / "o.h5", X, y, sizes=m.sizes, activations=m.activation_names, loss="bce") as rec:
        for k in range(26):
            m.W[1] += 0.01
            rec.step(k, m)
    assert rec.trace.steps.tolist() == [0, 1, 3, 7, 10, 15, 20, 25]


# ----------------------------------------------------------------------------- scikit-learn
sklearn = pytest.importorskip("sklearn", reason="scikit-learn is not installed")
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402

from nnviz.integrations.sklearn import record_fit  # noqa: E402


@pytest.mark.parametrize("kind", ["binary", "multiclass", "regressor"])
def test_record_fit_plain_sgd_is_gradient_descent_on_sklearns_loss(tmp_path, kind):
    """Full-batch SGD without momentum: W(k+1) = W(k) - lr * dW(k), and nnviz's loss is loss_curve_."""
    lr = 0.05
    common = dict(solver="sgd", momentum=0.0, batch_size=500, shuffle=False, learning_rate_init=lr,
                  random_state=3, alpha=1e-3)
    if kind == "binary":
        X, y = _moons01()
        est = MLPClassifier(hidden_layer_sizes=(6,), activation="tanh", **common)
    elif kind == "multiclass":
        from sklearn.datasets import load_iris

        X, y = load_iris(return_X_y=True)
        est = MLPClassifier(hidden_layer_sizes=(5, 4), activation="relu", **common)
    else:
        X = np.linspace(-1, 1, 80)[:, None]
        y = np.sin(3 * X[:, 0])
        est = MLPRegressor(hidden_layer_sizes=(7,), activation="logistic", **common)
    steps = 12
    tr = record_fit(est, X, y, trace=tmp_path / "sk.h5", steps=steps, record="all")
    assert tr.status == "complete" and tr.source == "sklearn" and tr.steps.tolist() == list(range(steps + 1))
    for k in range(steps):
        for (W, b), (Wn, bn), (dW, db) in zip(tr.params(k), tr.params(k + 1), tr.grads(k)):
            np.testing.assert_allclose(Wn, W - lr * dW, rtol=0, atol=1e-10)
            np.testing.assert_allclose(bn, b - lr * db, rtol=0, atol=1e-10)
    np.testing.assert_allclose(tr.loss[:steps], est.loss_curve_, rtol=1e-12, atol=1e-14)
    assert tr.checks["loss_max_abs_diff"] < 1e-12
    final = MLP.from_sklearn(est)                                     # the fitted estimator's network
    for (W, b), (Wt, bt) in zip(final.params(), tr.params(steps)):
        np.testing.assert_array_equal(W, Wt)
    if kind == "regressor":
        np.testing.assert_allclose(final(X)[:, 0], est.predict(X), atol=1e-12)
        assert tr.config["train"]["loss"] == "half_mse"
    else:
        proba = est.predict_proba(X)
        out = final(X)
        np.testing.assert_allclose(out if out.shape[1] > 1 else out[:, 0], proba if out.shape[1] > 1 else proba[:, 1],
                                   atol=1e-12)
        assert tr.accuracy[-1] == pytest.approx(est.score(X, y))


def test_record_fit_minibatches_and_lbfgs_record_per_epoch_and_per_iteration(tmp_path):
    X, y = _moons01()
    tr = record_fit(MLPClassifier(hidden_layer_sizes=(4,), batch_size=25, random_state=0), X, y,
                    trace=tmp_path / "mb.h5", steps=5, record="all")
    assert "epoch of 4 minibatch updates" in tr.config["train"]["optimizer"]
    assert np.isnan(tr.checks["loss_max_abs_diff"])                 # sklearn's epoch loss is not step k's
    tr = record_fit(MLPClassifier(hidden_layer_sizes=(1,), activation="identity", solver="lbfgs", random_state=0),
                    X, y, trace=tmp_path / "lb.h5", steps=6, record="all")
    assert tr.status == "complete" and len(tr.all_steps) == 7 and tr.loss[-1] < tr.loss[0]


def test_sklearn_bad_input_is_one_line(tmp_path):
    X, y = _moons01(20)
    with pytest.raises(UnsupportedModel, match="not fitted"):
        MLP.from_sklearn(MLPClassifier())
    with pytest.raises(UnsupportedModel, match="early_stopping"):
        record_fit(MLPClassifier(early_stopping=True), X, y, trace=tmp_path / "x.h5")
    with pytest.raises(UnsupportedModel, match="MLPClassifier or MLPRegressor"):
        record_fit(object(), X, y, trace=tmp_path / "x.h5")
    fitted = MLPClassifier(max_iter=5, random_state=0).fit(X, y)
    with pytest.raises(UnsupportedModel, match="already fitted"):
        record_fit(fitted, X, y, trace=tmp_path / "x.h5")
    assert not (tmp_path / "x.h5").exists()


# ----------------------------------------------------------------------------- PyTorch
def _torch():
    return pytest.importorskip("torch", reason="torch is not installed (pip install 'nnviz[torch]')")


@pytest.mark.parametrize("loss", ["mse", "bce_with_logits", "cross_entropy", "bce"])
def test_torch_recorder_stores_torch_gradients_and_they_match_nnviz(tmp_path, loss):
    torch = _torch()
    from nnviz.integrations.torch import TorchRecorder

    torch.manual_seed(0)
    X, labels = _moons01(60)
    n_out = 3 if loss == "cross_entropy" else 1
    layers = [torch.nn.Linear(2, 5), torch.nn.Tanh(), torch.nn.Linear(5, 4), torch.nn.ELU(), torch.nn.Linear(4, n_out)]
    if loss == "bce":
        layers.append(torch.nn.Sigmoid())
    model = torch.nn.Sequential(*layers).double()
    Xt = torch.tensor(X)
    if loss == "cross_entropy":
        yt = torch.tensor((labels + (X[:, 0] > 1)).astype(np.int64))
        loss_fn = torch.nn.CrossEntropyLoss()
    else:
        yt = torch.tensor(labels, dtype=torch.float64)[:, None]
        loss_fn = {"mse": torch.nn.MSELoss(), "bce": torch.nn.BCELoss(), "bce_with_logits": torch.nn.BCEWithLogitsLoss()}[loss]
    opt = torch.optim.SGD(model.parameters(), lr=0.3)
    with TorchRecorder(model, Xt, yt, loss=loss_fn, trace=tmp_path / "t.h5", record="all", steps=10,
                       optimizer=opt) as rec:
        for k in range(11):
            opt.zero_grad()
            value = loss_fn(model(Xt), yt)
            value.backward()
            rec.step(k, loss=value)
            if k < 10:
                opt.step()
    tr = rec.trace
    assert tr.source == "torch" and tr.status == "complete"
    assert tr.checks["grad_max_abs_diff"] < 1e-12 and tr.checks["loss_max_abs_diff"] < 1e-12
    for k in range(10):
        for (W, b), (Wn, bn), (dW, db) in zip(tr.params(k), tr.params(k + 1), tr.grads(k)):
            np.testing.assert_allclose(Wn, W - 0.3 * dW, atol=1e-14)
    np.testing.assert_array_equal(tr.params(10)[0][0], model[0].weight.detach().numpy().T)  # (n_in, n_out)
    logits = MLP.from_torch(model)(X)
    np.testing.assert_allclose(logits, model(Xt).detach().numpy(), atol=1e-12)
    assert "torch_gradients" in tr.summary()


def test_torch_float32_is_recorded_as_float64_with_its_precision(tmp_path):
    torch = _torch()
    from nnviz.integrations.torch import TorchRecorder

    torch.manual_seed(0)
    X, y = _moons01(50)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    Xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)[:, None]
    with TorchRecorder(model, Xt, yt, loss="mse", trace=tmp_path / "f.h5", record="all") as rec:
        for k in range(3):
            model.zero_grad()
            torch.nn.functional.mse_loss(model(Xt), yt).backward()
            rec.step(k)
    tr = rec.trace
    assert tr.source == "torch float32" and tr.params(0)[0][0].dtype == np.float64
    assert 0 < tr.checks["grad_max_abs_diff"] < 1e-5


def test_torch_models_nnviz_cannot_picture_are_refused_in_one_line(tmp_path):
    torch = _torch()
    from nnviz.integrations.torch import TorchRecorder

    X, y = np.zeros((4, 2)), np.zeros((4, 1))
    nn = torch.nn
    cases = [
        (nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5), nn.Linear(3, 1)), "mse", "Dropout is not one of them"),
        (nn.Sequential(nn.Conv1d(1, 2, 3)), "mse", "Conv1d is not one of them"),
        (nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2, 1)), "mse", "takes images"),  # tests/test_conv.py
        (nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.Linear(3, 1)), "mse", "BatchNorm1d"),
        (nn.Linear(2, 1), "mse", "got a Linear"),
        (nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.2), nn.Linear(3, 1)), "mse", "negative_slope"),
        (nn.Sequential(nn.Linear(2, 3), nn.Softmax(dim=1), nn.Linear(3, 1)), "mse", "last Linear"),
        (nn.Sequential(nn.Linear(2, 1), nn.Sigmoid()), nn.BCEWithLogitsLoss(), "applies the sigmoid itself"),
        (nn.Sequential(nn.Linear(2, 1)), nn.L1Loss(), "loss 'L1Loss'"),
        (nn.Sequential(nn.Linear(2, 1)), nn.MSELoss(reduction="sum"), "mean losses"),
    ]
    for model, loss, msg in cases:
        with pytest.raises(UnsupportedModel, match=msg) as e:
            TorchRecorder(model, X, y, loss=loss, trace=tmp_path / "x.h5")
        assert "\n" not in str(e.value)
    with pytest.raises(RecorderError, match="takes 2 inputs"):
        TorchRecorder(nn.Sequential(nn.Linear(2, 1)), np.zeros((4, 3)), y, trace=tmp_path / "x.h5")
    assert not (tmp_path / "x.h5").exists()


def test_recorded_traces_render_and_show_in_info(tmp_path):
    """Every renderer works on a recorded trace unchanged: the CLI's animate, backprop and info."""
    X, y = _moons01()
    record_fit(MLPClassifier(hidden_layer_sizes=(5,), solver="sgd", random_state=0), X, y,
               trace=tmp_path / "sk.h5", steps=20, record="all")
    cmd = [sys.executable, "-c", "from nnviz.cli import main; main()"]
    for args in (["animate", "sk.h5", "-o", "sk.gif"], ["backprop", "sk.h5", "--step", "3", "-o", "b.png"]):
        p = subprocess.run(cmd + args, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
    import imageio.v3 as iio

    frames = iio.imread(tmp_path / "sk.gif", index=None)
    from nnviz.render.pipeline import hold_frames, movie_fps

    held = hold_frames(1.5, movie_fps(21, None, 1.5))  # 21 steps, slowed to 4 s, then the 1.5 s hold
    assert frames.shape[0] == 21 + held and frames.shape[1:] == (480, 640, 3)
    assert all(np.array_equal(f, frames[20]) for f in frames[21:])
    p = subprocess.run(cmd + ["info", "sk.h5"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "trained by: sklearn" in p.stdout and "sklearn loss: agrees with nnviz's" in p.stdout


# ----------------------------------------------------------------------------- architecture
def _import_graph():
    src = ROOT / "src"
    mods = {}
    for p in (src / "nnviz").rglob("*.py"):
        parts = list(p.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = p
    graph = {}
    for name, p in mods.items():
        pkg = name if p.name == "__init__.py" else name.rsplit(".", 1)[0]
        deps = set()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):  # imports inside functions too
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    full = f"{target}.{alias.name}"
                    deps.add(full if full in mods else target)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names)
        graph[name] = {d for d in deps if d in mods and d != name}
    return graph


def test_no_import_cycle_in_the_package():
    graph = _import_graph()
    state, stack, cycles = {}, [], []

    def visit(v):
        state[v] = 1
        stack.append(v)
        for w in sorted(graph[v]):
            if state.get(w) == 1:
                cycles.append(stack[stack.index(w):] + [w])
            elif w not in state:
                visit(w)
        stack.pop()
        state[v] = 2

    for v in sorted(graph):
        if v not in state:
            visit(v)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_layers_point_one_way():
    """The trace knows no renderer, notebook or trainer; renderers and nn never train."""
    graph = _import_graph()

    def reach(start):
        seen, todo = set(), [start]
        while todo:
            for w in graph[todo.pop()]:
                if w not in seen:
                    seen.add(w)
                    todo.append(w)
        return seen

    for mod in graph:
        deps = reach(mod)
        if mod.startswith(("nnviz.trace", "nnviz.nn", "nnviz.data")):
            bad = {d for d in deps if d.startswith(("nnviz.render", "nnviz.notebook", "nnviz.train", "nnviz.cli",
                                                    "nnviz.export", "nnviz.integrations"))}
            assert not bad, f"{mod} imports {sorted(bad)}"
        if mod.startswith("nnviz.render"):
            assert "nnviz.train" not in deps, f"{mod} imports the trainer"
