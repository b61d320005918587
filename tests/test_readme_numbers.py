"""Faithful to the course (issue 17), and every number the READMEs quote, measured here.

* ``moons`` is seed 003's own run: checked against a plain transcription of the notebook's code.
* Losses check their targets, cross-entropy agrees with its gradient at saturation, the perceptron
  counts sign(0) as misclassified, ``--dump-config`` writes every setting.
* The numbers of README.md and examples/README.md: each is computed here and looked up, as the
  README prints it, in the README. Measurements of a few seconds are marked ``slow`` and computed
  once per session; the 100-epoch grid search (minutes) is marked ``minutes`` and runs with
  ``pytest -m minutes``.
"""

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import nnviz
from nnviz.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLES = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")


def flat(text):
    """Text with its line breaks as spaces, so a claim may wrap anywhere."""
    return " ".join(text.split())


def assert_quoted(claim, *texts):
    for text in texts or (README,):
        assert claim in flat(text), f"not in the README: {claim!r}"


def pct(v):
    return f"{100 * v:.1f}"


def spread_text(sp, fmt=pct, unit=" %"):
    """A spread as the READMEs write it: '97.5 % (96.4–98.6 %)'."""
    return f"{fmt(sp.mean)}{unit} ({fmt(sp.low)}–{fmt(sp.high)}{unit})"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


# ---------------------------------------------------------------- seed 003: the homework's own run
def seed003_transcription():
    """Seed 003's cells, as written (the missing ``solutions`` module: mean gradients, a step of 0.1)."""
    import numpy
    import sklearn.datasets

    state = numpy.random.get_state()
    try:
        numpy.random.seed(0)
        Xd, Td = sklearn.datasets.make_moons(n_samples=100)
        Xd = Xd * 2 - 1
        Td = Td * 2 - 1
        NH = 50
        W = numpy.random.normal(0, 1 / 2.0**0.5, [2, NH])
        B = numpy.random.normal(0, 1, [NH])
        V = numpy.random.normal(0, 1 / NH**0.5, [NH])
    finally:
        numpy.random.set_state(state)
    start = (W.copy(), B.copy(), V.copy())
    errors = {}
    for i in range(128):
        Z = Xd.dot(W) + B
        A = numpy.maximum(0, Z)
        Y = A.dot(V)
        if i in [0, 1, 3, 7, 15, 31, 63, 127]:
            errors[i] = numpy.maximum(0, -Y * Td).mean()
        DY = (-Y * Td > 0) * (-Td)
        DZ = numpy.outer(DY, V) * (Z > 0)
        DW, DB, DV = Xd.T.dot(DZ) / len(Xd), DZ.mean(axis=0), A.T.dot(DY) / len(Xd)
        W, B, V = W - 0.1 * DW, B - 0.1 * DB, V - 0.1 * DV
    return Xd, Td, start, errors, (W, B, V)


def test_moons_preset_is_seed003s_own_run(moons_trace):
    Xd, Td, (W, B, V), errors, (Wf, Bf, Vf) = seed003_transcription()
    tr = moons_trace
    np.testing.assert_array_equal(tr.data.X, Xd)                   # the same points in the same order
    np.testing.assert_array_equal(tr.data.y[:, 0], Td)
    (W1, b1), (W2, b2) = tr.params(0)
    np.testing.assert_array_equal(W1, W)                           # the same draws, bit for bit
    np.testing.assert_array_equal(b1, B)
    np.testing.assert_array_equal(W2[:, 0], V)
    assert b2 is None
    for i, e in errors.items():
        assert tr.loss[i] == pytest.approx(e, abs=1e-12)
    (W1, b1), (W2, _) = tr.params(127)
    np.testing.assert_allclose(W1, Wf, atol=1e-12)
    np.testing.assert_allclose(W2[:, 0], Vf, atol=1e-12)
    shown = [f"{tr.loss[i]:.3f}" for i in (0, 1, 3, 7, 15)]
    assert shown == ["0.127", "0.052", "0.010", "0.001", "0.000"]  # "It: 7, Error: 0.001" in the seed
    assert_quoted("errors at iterations 0, 1, 3, 7 and 15 are the homework's " + ", ".join(shown[:4])
                  + f" and {shown[4]}")
    assert_quoted(", ".join(shown) + " at iterations 0, 1, 3, 7, 15", EXAMPLES)
    doc = flat((ROOT / "examples" / "moons_homework.py").read_text())
    assert "It: 7, Error: 0.001" in doc and "0.049" not in doc


def test_moons_stream_in_toml_and_dump_config(tmp_path):
    r = run("train", "moons", "--dump-config")
    assert r.exit_code == 0
    toml = r.output
    for line in ('stream = "legacy"', 'stream = "data"', 'encoding = "pm1"', "shuffle = true", "test_fraction = 0.0"):
        assert line in toml, line
    (tmp_path / "moons.toml").write_text(toml)
    tr = nnviz.train(str(tmp_path / "moons.toml"), trace=tmp_path / "m.h5")
    assert f"{tr.loss[7]:.3f}" == "0.001" and tr.config == nnviz.train("moons", trace=tmp_path / "n.h5").config
    # --seed reseeds the one stream (data and weights), as numpy.random.seed(3) would
    from nnviz.train import resolve_config

    cfg = resolve_config("moons", seed=3)
    assert cfg["data"]["seed"] == cfg["init"]["seed"] == 3
    # editing only init.seed would silently draw from another stream: refused
    bad = toml.replace("[init]\nweights", "[init]\nseed = 5\nweights").replace("seed = 0\nbias", "bias")
    (tmp_path / "bad.toml").write_text(bad)
    r = run("train", tmp_path / "bad.toml", "-o", tmp_path / "bad.h5")
    assert r.exit_code != 0 and "init.seed = 5 must equal it" in r.output and "Traceback" not in r.output


def test_make_moons_legacy_stream_with_noise_and_split():
    import sklearn.datasets

    from nnviz.data import make_dataset

    state = np.random.get_state()
    try:
        np.random.seed(4)
        X, t = sklearn.datasets.make_moons(n_samples=31, noise=0.1)
        after = np.random.normal(size=3)
    finally:
        np.random.set_state(state)
    ds = make_dataset("moons", n=31, noise=0.1, seed=4, stream="legacy")
    np.testing.assert_array_equal(ds.X, X * 2 - 1)
    np.testing.assert_array_equal(ds.labels, t)
    np.testing.assert_array_equal(ds.rng.normal(size=3), after)    # the stream continues
    with pytest.raises(ValueError, match="stream must be"):
        make_dataset("moons", stream="global")
    with pytest.raises(Exception, match="data.stream"):
        nnviz.train({"data": {"name": "moons"}, "init": {"stream": "data"}}, trace="never.h5")
    assert not Path("never.h5").exists()


# ---------------------------------------------------------------- losses check their targets
def test_a_loss_refuses_labels_it_cannot_use(tmp_path):
    from nnviz.train import TrainingError

    toml = run("train", "moons", "--dump-config").output.replace('loss = "perceptron"', 'loss = "bce"')
    (tmp_path / "bce.toml").write_text(toml)
    r = run("train", tmp_path / "bce.toml", "-o", tmp_path / "bce.h5")
    # refused before training: no trace (the CLI's early writability probe leaves an empty file)
    assert r.exit_code != 0 and not ((tmp_path / "bce.h5").exists() and (tmp_path / "bce.h5").stat().st_size)
    assert r.output.strip().count("\n") == 0 and "Traceback" not in r.output
    assert "loss 'bce' needs 0/1 labels" in r.output and 'data.encoding = "01"' in r.output
    for loss, encoding in (("cross_entropy", "pm1"), ("perceptron", "01"), ("hinge", "onehot")):
        with pytest.raises(TrainingError, match=f"loss '{loss}'"):
            nnviz.train({"data": {"name": "moons", "encoding": encoding}, "train": {"loss": loss, "steps": 1}},
                        trace=tmp_path / "x.h5")
    # a loss stated without an encoding gets the encoding it needs, written into the config
    tr = nnviz.train({"data": {"name": "moons"}, "model": {"output": "sigmoid"}, "train": {"loss": "bce", "steps": 5}},
                     trace=tmp_path / "ok.h5")
    assert tr.config["data"]["encoding"] == "01" and set(np.unique(tr.data.y)) == {0.0, 1.0}
    assert tr.loss[-1] > 0


def test_dump_config_writes_every_setting():
    from nnviz.config import tomllib
    from nnviz.data import dataset_parameters

    for name in ("moons", "digits-raw", "xor-relu-1", "sin2x-tanh", "perceptron"):
        r = run("train", name, "--dump-config")
        assert r.exit_code == 0
        cfg = tomllib.loads(r.output)
        params = {k for k, v in dataset_parameters(cfg["data"]["name"]).items() if v is not None}
        assert params <= set(cfg["data"]), (name, params - set(cfg["data"]))
        weights = cfg["init"]["weights"]
        assert {"normal": {"sigma"}, "uniform": {"low", "high"}, "glorot": {"gain"}}.get(weights, set()) <= set(cfg["init"])
        assert "stream" in cfg["init"]


# ---------------------------------------------------------------- cross-entropy at saturation
@pytest.mark.parametrize("output, loss", [("sigmoid", "bce"), ("softmax", "cross_entropy"),
                                          ("sigmoid", "cross_entropy"), ("identity", "bce"), ("softplus", "bce")])
def test_cross_entropy_loss_and_gradient_agree_at_saturation(output, loss):
    from nnviz.nn import MLP, gradcheck, initialize

    rng = np.random.default_rng(1)
    n_out = 3 if output == "softmax" or (output, loss) == ("sigmoid", "cross_entropy") else 1
    m = MLP([2, 4, n_out], ["tanh", output])
    initialize(m, "normal", 0, "normal", 1.0, sigma=[1.0, 30.0])          # outputs far past the 1e-12 clip
    X = rng.normal(size=(12, 2))
    T = np.eye(n_out)[rng.integers(0, n_out, 12)] if n_out > 1 else rng.integers(0, 2, (12, 1)).astype(float)
    fp = m.forward(X)
    z = fp.z[2]
    assert np.abs(z).max() > 30                                          # saturated
    assert gradcheck(m, X, T, loss, h=1e-6) < 1e-5
    bp = m.backward(fp, T, loss)
    assert bp.loss == m.cost(fp, T, loss) and np.isfinite(bp.loss)
    if (output, loss) == ("sigmoid", "bce"):   # from the logits: softplus(z) - t z, exactly
        assert bp.loss == pytest.approx(np.mean(np.logaddexp(0, z) - T * z), rel=1e-12)


# ---------------------------------------------------------------- seed 001's perceptron rule
def test_perceptron_from_zero_converges_and_the_notebooks_line_fails(tmp_path):
    from nnviz.exercises import perceptron_rule
    from nnviz.presets import get_preset

    cfg = get_preset("perceptron")
    cfg["init"].update(sigma=0.0, bias=0.0)                               # beta = 0, the classic start
    tr = nnviz.train(cfg, trace=tmp_path / "p0.h5", record="all")
    assert tr.accuracy[0] == 0.5 and tr.accuracy[2] == 1.0 and tr.accuracy[1] < 1.0   # 2 updates
    X, t = tr.data.X, tr.data.y[:, 0]
    betas = perceptron_rule(X, t, np.zeros(3))
    assert len(betas) == 3
    (W, b), = tr.params(2)
    np.testing.assert_allclose(np.concatenate([b, W[:, 0]]), betas[-1], atol=1e-12)
    # the notebook's literal line, with more than one point misclassified
    Xtilde = np.hstack([np.ones((len(X), 1)), X])
    targets = t.reshape(-1, 1)
    beta = np.zeros(3)
    idx = np.squeeze(np.argwhere(np.squeeze(np.sign(Xtilde @ beta.reshape(-1, 1))) != np.squeeze(targets)))
    assert idx.size > 1
    with pytest.raises(ValueError, match="non-broadcastable"):
        beta += np.squeeze(0.1 * Xtilde[idx] * targets[idx])
    # with exactly one, it is the rule's step
    one = np.array([int(idx[0])])
    step = np.squeeze(0.1 * Xtilde[int(idx[0])] * targets[int(idx[0])])
    np.testing.assert_allclose(step, 0.1 * np.sum(Xtilde[one] * t[one, None], axis=0))


# ---------------------------------------------------------------- README numbers, fast
def test_learning_rate_study_numbers(tmp_path):
    from nnviz.exercises import convergence_study

    study = convergence_study("sample131", folder=tmp_path)
    assert study.lrs == [0.03, 0.1, 0.3, 1.0, 2.0, 5.0]
    assert study.epochs[:4] == [101, 28, 7, 15] and study.outcomes[4:] == ["oscillates", "diverged"]
    e = study.epochs
    claim = (f"converges in {e[0]}, {e[1]}, {e[2]} and {e[3]} epochs at learning rates 0.03, 0.1, 0.3 and 1, "
             "oscillates at 2 and diverges at 5")
    assert_quoted("(init seed 0) " + claim)
    assert_quoted(claim, EXAMPLES)


def test_xor_relu_number(tmp_path):
    from nnviz.exercises import seed_spread

    tr = nnviz.train("xor-relu-1", trace=tmp_path / "x.h5", record="none")
    sp = seed_spread("xor-relu-1", "accuracy", folder=tmp_path)
    assert_quoted(f"one ReLU gets {pct(tr.accuracy[-1])} % (init seed {tr.config['init']['seed']}; "
                  f"{spread_text(sp)} over seeds 0–4")


# ---------------------------------------------------------------- README numbers, seconds
@pytest.fixture(scope="session")
def spreads(tmp_path_factory):
    """The 5-seed measurements the READMEs quote, computed once (about a minute: 10 digits runs)."""
    from nnviz.exercises import seed_spread

    folder = tmp_path_factory.mktemp("spreads")
    return {key: seed_spread(preset, measure, folder=folder / key) for key, preset, measure in (
        ("digits", "digits", "test_accuracy"), ("digits-raw", "digits-raw", "test_accuracy"),
        ("ode", "ode-decay", "ode_error"), ("sin2x", "sin2x-tanh", "loss"))}


@pytest.mark.slow
def test_digits_numbers(spreads):
    d, raw = spreads["digits"], spreads["digits-raw"]
    assert d.values[0] == pytest.approx(0.9805, abs=1e-4)                 # init seed 0: 98.1 %
    assert_quoted(f"reaches **{pct(d.mean)} % test accuracy ({pct(d.low)}–{pct(d.high)} %)** over init "
                  f"seeds 0–4 on pixels / 16 ({pct(d.values[0])} % at seed 0) and {spread_text(raw)} on the raw pixels")
    assert_quoted(f"reaches {spread_text(d).replace(' (', ' test accuracy (', 1)} over init seeds 0–4, "
                  f"{spread_text(raw)} on the raw pixels", EXAMPLES)
    assert raw.mean < d.mean                                               # the raw pixels saturate the sigmoids
    assert_quoted(f"{pct(d.values[0])} % right at the end (init seed 0; {pct(d.mean)} % over seeds 0-4)")  # gallery


@pytest.mark.slow
def test_digits_cnn_numbers(tmp_path):
    """Seed 002's CNN: test accuracy over init seeds 0-4 (about 100 s: 10 runs of 280-1400 steps)."""
    from nnviz.exercises import seed_spread

    cnn = seed_spread("digits-cnn", "test_accuracy", folder=tmp_path / "cnn", record="none")
    small = seed_spread("digits-cnn-small", "test_accuracy", folder=tmp_path / "small", record="none")
    assert_quoted(f"reaches **{pct(cnn.mean)} % test accuracy ({pct(cnn.low)}–{pct(cnn.high)} %)** over init "
                  f"seeds 0–4 ({pct(cnn.values[0])} % at seed 0)")
    assert_quoted(f"`digits-cnn-small` is the same for 20 epochs ({spread_text(small)})")
    # the gallery captions: init seed 0's run (record none keeps steps 0 and 1400 in full)
    tr = nnviz.load_trace(cnn.paths[0])                                  # init seed 0's trace
    assert tr.steps.tolist() == [0, 1400]
    (W0, _), (W, _) = tr.params(0)[0], tr.params(1400)[0]
    g0, g = np.abs(tr.grads(0)[0][0]).max(), np.abs(tr.grads(1400)[0][0]).max()
    a, p0, p = tr.activations(1400)[0], tr.activations(0)[4][0], tr.activations(1400)[4][0]
    dead_all = [f + 1 for f in range(10) if a[:, f].max() == 0]
    dead_0 = [f + 1 for f in range(10) if a[0, f].max() == 0]
    caption = (f"(|w| ≤ {np.abs(W0).max():.1f}) and grow to ±{np.abs(W).max():.2f}, so their change since step 0 "
               f"is nearly all of them; the first gradient is the largest (±{g0:.1f} on the raw 0..16 pixels) and "
               f"fades to {g:.3f} as the loss falls to {tr.loss[-1]:.3f} ({pct(tr.test_accuracy[-1])} % test "
               f"accuracy). Filter {dead_all[0]} ends up silent on all 16 probe digits")
    assert len(dead_all) == 1 and np.abs(W0).max() <= 0.2
    assert_quoted(caption)
    assert_quoted(f"spread ({p0[1]:.2f} for a 1, {p0[9]:.2f} for a 9, {p0[0]:.2f} for the 0); by step 1400 the maps "
                  f"pick out parts of the stroke, filters {dead_0[0]} and {dead_0[1]} stay silent on it, and P(0) is "
                  f"{p[0]:.2f}")


@pytest.mark.slow
def test_added_features_numbers(tmp_path):
    from nnviz.exercises import seed_spread

    m = {(p, k): seed_spread(p, k, folder=tmp_path / f"{p}-{k}")
         for p in ("harder-tanh-8", "harder-tanh-8-features") for k in ("accuracy", "test_accuracy")}
    a = {key: f"{100 * sp.values[0]:.0f}" for key, sp in m.items()}
    mean = {key: f"{100 * sp.mean:.0f}" for key, sp in m.items()}
    plain, feat = "harder-tanh-8", "harder-tanh-8-features"
    assert_quoted(f"{a[plain, 'accuracy']} % against {a[feat, 'accuracy']} % on the training set, "
                  f"{a[plain, 'test_accuracy']} % against {a[feat, 'test_accuracy']} % on the test set (init seed 0; "
                  f"over seeds 0-4 {mean[plain, 'accuracy']} % against {mean[feat, 'accuracy']} % and "
                  f"{mean[plain, 'test_accuracy']} % against {mean[feat, 'test_accuracy']} %)")


@pytest.mark.slow
def test_ode_and_sin2x_numbers(spreads):
    ode, fit = spreads["ode"], spreads["sin2x"]
    f4 = "{:.4f}".format
    assert_quoted(f"within {f4(ode.values[0])} of the analytic solution of g' = −2g, g(0) = 10 at init seed 0, "
                  f"{spread_text(ode, f4, '')} over seeds 0–4")
    assert_quoted(f"within {f4(ode.values[0])} of the analytic solution on [0, 1] at init seed 0, "
                  f"{spread_text(ode, f4, '')} over seeds 0–4", EXAMPLES)
    f2 = "{:.2f}".format
    assert_quoted(f"cost {f2(fit.values[0])} at init seed 0, {f2(fit.low)}-{f2(fit.high)} over seeds 0-4")
    assert_quoted(f"cost {f2(fit.mean)} ({f2(fit.low)}–{f2(fit.high)}) over init seeds 0–4", EXAMPLES)


@pytest.mark.slow
def test_towers_numbers():
    from nnviz.approx import towers_sweep

    sups = {}
    for form in ("towers", "quadrants"):
        sw = towers_sweep("sin(3*x)*cos(3*y)", "4,8,16,32", form=form)
        sups[form] = [f"{v:.3f}" for v in sw.errors()[0]]
    t, q = sups["towers"], sups["quadrants"]
    assert_quoted(f"its sup error is {t[0]}, {t[1]}, {t[2]} and {t[3]} at 4×4, 8×8, 16×16 and 32×32")
    assert_quoted(f"its sup error falls with the grid: {', '.join(q)}")
    assert float(q[3]) < 0.15 < float(t[0])


@pytest.mark.minutes
def test_grid_search_numbers_at_the_seeds_100_epochs(tmp_path):
    from nnviz.exercises import grid_search

    gs = grid_search("digits", epochs=100, folder=tmp_path)
    assert_quoted(gs.summary().replace("best test accuracy", "search at the seed's 100 epochs: best test accuracy"))


@pytest.mark.minutes
def test_sweep_preset_numbers_at_the_seeds_100_epochs(tmp_path):
    """`nnviz sweep seed002-grid` prints the lines the README's Sweeps section quotes."""
    from nnviz.sweeps import sweep
    from nnviz.sweeps.summary import summary_lines

    lines = summary_lines(sweep("seed002-grid", out=tmp_path / "grid"))
    for line in lines:
        assert_quoted(line)
