"""The tracing trainer and the trace file: exactness, round trips, crashes, bad files."""

import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

import nnviz
from nnviz.trace import RecorderError, TraceError, parse_schedule


def test_moons_follows_seed003_update_equations(moons_trace):
    """A plain transcription of seed 003 (In [4], In [5], the descent step) from the same start."""
    tr = moons_trace
    X, T = tr.data.X, tr.data.y[:, 0]
    (W, B), (V, no_bias) = tr.params(0)
    assert no_bias is None and W.shape == (2, 50)
    V = V[:, 0]
    N = len(X)
    for i in range(128):
        Z = X.dot(W) + B
        A = np.maximum(0, Z)
        Y = A.dot(V)
        assert tr.loss[i] == pytest.approx(np.maximum(0, -Y * T).mean(), abs=1e-12)
        DY = (-Y * T > 0) * (-T)
        DZ = np.outer(DY, V) * (Z > 0)
        DW, DB, DV = X.T.dot(DZ) / N, DZ.mean(0), A.T.dot(DY) / N
        W, B, V = W - 0.1 * DW, B - 0.1 * DB, V - 0.1 * DV
        (W_t, B_t), (V_t, _) = tr.params(i + 1)
        np.testing.assert_allclose(W_t, W, rtol=0, atol=1e-12)
        np.testing.assert_allclose(B_t, B, rtol=0, atol=1e-12)
        np.testing.assert_allclose(V_t[:, 0], V, rtol=0, atol=1e-12)


def test_moons_preset_is_seed003():
    from nnviz.train import resolve_config

    cfg = resolve_config("moons")
    assert cfg["model"] == {"hidden": [50], "activation": "relu", "output": "identity", "output_bias": False}
    assert cfg["train"]["loss"] == "perceptron" and cfg["train"]["lr"] == 0.1 and cfg["train"]["steps"] == 128
    # every step (auto over 128 steps), so the homework's snapshots 0, 1, 3, ..., 127 are among them
    assert cfg["train"]["record"] == "auto"
    from nnviz.trace import parse_schedule

    assert set(parse_schedule("log2", 128)) <= set(parse_schedule("auto", 128))
    np.testing.assert_allclose(cfg["init"]["sigma"], [0.5**0.5, 50**-0.5])


def test_trace_round_trip(tmp_path):
    cfg = {"data": {"name": "moons", "n": 60, "noise": 0.1, "test_fraction": 0.25},
           "model": {"hidden": [5, 4], "activation": "tanh"},
           "train": {"steps": 20, "lr": 0.3, "record": "every:5", "probe": 10}}
    tr = nnviz.train(cfg, trace=tmp_path / "r.h5")
    assert tr.status == "complete"
    assert list(tr.steps) == [0, 5, 10, 15, 20]
    assert list(tr.all_steps) == list(range(21))
    assert tr.sizes == [2, 5, 4, 1] and tr.activation_names == ["tanh", "tanh", "tanh"]
    assert len(tr.data.X) == 45 and len(tr.data.X_test) == 15 and np.isfinite(tr.test_loss).all()
    for k in tr.steps:
        model = tr.model_at(k)
        probe = tr.data.X[tr.probe_index]
        fp = model.forward(probe)
        for l, (z, a) in enumerate(zip(tr.preactivations(k), tr.activations(k)), start=1):
            np.testing.assert_array_equal(z, fp.z[l])
            np.testing.assert_array_equal(a, fp.a[l])
            assert z.shape == (10, tr.sizes[l])
        bp = model.loss_and_grads(tr.data.X, tr.data.y, "mse")
        assert tr.loss[k] == pytest.approx(bp.loss, rel=1e-12)
        for l, (dW, db) in enumerate(tr.grads(k), start=1):
            np.testing.assert_allclose(dW, bp.dW[l], rtol=1e-12)
        for l, d in enumerate(tr.deltas(k), start=1):
            np.testing.assert_allclose(d, bp.delta[l][:10], rtol=1e-12)
    # gradient descent: W(k+1) = W(k) - lr * dW(k)
    tr2 = nnviz.train(cfg, trace=tmp_path / "all.h5", record="all")
    (W0, _), _, _ = tr2.params(3)
    (dW0, _), _, _ = tr2.grads(3)
    np.testing.assert_allclose(tr2.params(4)[0][0], W0 - 0.3 * dW0, rtol=1e-12)
    with pytest.raises(KeyError, match="no recorded tensors"):
        tr.params(3)


def test_retrained_from_its_own_config_bit_for_bit(tmp_path):
    a = nnviz.train("xor", trace=tmp_path / "a.h5", steps=30)
    b = nnviz.train(a.config, trace=tmp_path / "b.h5")
    np.testing.assert_array_equal(a.loss, b.loss)
    for (Wa, ba), (Wb, bb) in zip(a.params(a.final_step), b.params(b.final_step)):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "lbfgs"])
def test_every_optimizer_lowers_the_loss(tmp_path, optimizer):
    tr = nnviz.train("xor", trace=tmp_path / "o.h5", steps=40, optimizer=optimizer, batch_size=32,
                     lr=0.05 if optimizer != "sgd" else 0.5)
    assert tr.loss[-1] < tr.loss[0]
    assert tr.final_step == tr.all_steps[-1]


def test_divergence_stops_with_a_clear_message_and_a_valid_trace(tmp_path):
    tr = nnviz.train("sin2x", trace=tmp_path / "d.h5", lr=5.0, steps=200)
    assert tr.status == "diverged" and tr.diverged
    k = int(tr.all_steps[-1])
    # stopped when the loss became inf, or earlier, when the weights ran away (still finite loss)
    assert k < 200 and np.isfinite(tr.loss[:-1]).all()
    assert not np.isfinite(tr.loss[-1]) or "weights reached" in tr.message
    assert f"at step {k}" in tr.message and "--lr 0.5" in tr.message
    again = nnviz.load_trace(tmp_path / "d.h5")
    assert again.status == "diverged" and again.model_at(again.final_step) is not None


def test_sigkill_leaves_a_readable_trace_beside_the_previous_one(tmp_path):
    """A SIGKILLed run: the trace it would replace is intact, and its own steps up to the last flush
    are in NAME.partial, which opens; loading NAME before there is one says where they are."""
    path = tmp_path / "killed.h5"
    partial = tmp_path / "killed.h5.partial"
    code = ("import nnviz; nnviz.train({'data': {'name': 'moons'}, 'model': {'hidden': [64, 64]},"
            f"'train': {{'steps': 10**6, 'record': 'log2'}}}}, trace={str(path)!r}, flush_every=20)")
    for previous in (False, True):
        if previous:
            old = nnviz.train("xor", trace=path, steps=3)
            old_loss = old.loss.copy()
            old.close()
        proc = subprocess.Popen([sys.executable, "-c", code])
        try:
            deadline = time.time() + 60
            while time.time() < deadline:
                time.sleep(0.5)
                try:
                    with nnviz.load_trace(partial) as t:
                        if len(t.steps) >= 3 and len(t.all_steps) > 100:
                            break
                except TraceError:
                    pass
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        tr = nnviz.load_trace(partial)
        assert tr.status == "interrupted"
        assert len(tr.all_steps) > 100 and np.isfinite(tr.loss).all()
        assert list(tr.all_steps) == list(range(len(tr.all_steps)))
        W, b = tr.params(tr.final_step)[0]
        assert W.shape == (2, 64) and np.isfinite(W).all()
        tr.close()
        if previous:
            with nnviz.load_trace(path) as kept:                 # the previous trace, untouched
                np.testing.assert_array_equal(kept.loss, old_loss)
        else:
            with pytest.raises(TraceError, match="killed.h5.partial"):
                nnviz.load_trace(path)


def test_not_a_trace_errors_name_the_file(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(TraceError, match=r"notes.txt: not an nnviz trace \(not an HDF5 file\)"):
        nnviz.load_trace(text)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = 1
    with pytest.raises(TraceError, match="other.h5: an HDF5 file, but not an nnviz trace"):
        nnviz.load_trace(other)
    with pytest.raises(TraceError, match="no such file"):
        nnviz.load_trace(tmp_path / "missing.h5")


def test_truncated_and_newer_traces(tmp_path, moons_trace):
    data = moons_trace.path.read_bytes()
    cut = tmp_path / "cut.h5"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(TraceError, match="cut.h5"):
        nnviz.load_trace(cut)
    newer = tmp_path / "newer.h5"
    newer.write_bytes(data)
    with h5py.File(newer, "a") as f:
        f.attrs["schema"] = 99
    with pytest.raises(TraceError, match="newer nnviz.*schema 99"):
        nnviz.load_trace(newer)


def test_schedules():
    assert list(parse_schedule("log2", 128)) == [0, 1, 3, 7, 15, 31, 63, 127, 128]
    assert list(parse_schedule("every:50", 120)) == [0, 50, 100, 120]
    assert list(parse_schedule("3,1,200", 10)) == [1, 3, 10]
    for bad in ("every:0", "often", "1,x"):
        with pytest.raises(ValueError, match="recording schedule"):
            parse_schedule(bad, 10)


def test_retraining_to_the_same_path_while_the_old_trace_is_open(tmp_path):
    path = tmp_path / "again.h5"
    first = nnviz.train("xor", trace=path, steps=5)
    second = nnviz.train("xor", trace=path, steps=7, lr=0.01)
    assert first.all_steps[-1] == 5 and first.params(5)[0][0].shape == (2, 4)  # still readable
    assert second.all_steps[-1] == 7


def test_never_clobbers_a_file_that_is_not_a_trace(tmp_path):
    precious = tmp_path / "notes.h5"
    precious.write_text("my notes")
    with pytest.raises(OSError, match="refusing to replace .*not an nnviz trace"):
        nnviz.train("xor", trace=precious, steps=2)
    assert precious.read_text() == "my notes"


def test_a_recorder_made_closed_checks_at_once_and_opens_its_file_later(tmp_path):
    X = np.random.default_rng(0).normal(size=(20, 2))
    y = (X[:, 0] > 0).astype(float)
    path = tmp_path / "r.h5"
    with pytest.raises(RecorderError, match="NaN"):  # checked before any file exists
        nnviz.Recorder(path, np.where(X > 1, np.nan, X), y, sizes=[2, 3, 1], activations=["tanh", "sigmoid"],
                       loss="bce", open=False)
    rec = nnviz.Recorder(path, X, y, sizes=[2, 3, 1], activations=["tanh", "sigmoid"], loss="bce", open=False)
    assert not path.exists() and not (tmp_path / "r.h5.partial").exists()
    with pytest.raises(OSError, match="another nnviz run is writing"):  # but the output is claimed
        nnviz.Recorder(path, X, y, sizes=[2, 3, 1], activations=["tanh", "sigmoid"], loss="bce")
    params = [(np.ones((2, 3)), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))]
    with pytest.raises(RecorderError, match="not open"):
        rec.step(0, params)
    rec.open()
    rec.step(0, params)
    rec.close()
    with nnviz.load_trace(path) as tr:
        assert tr.status == "complete" and list(tr.all_steps) == [0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5"]  # the lock let go
    unopened = nnviz.Recorder(path, X, y, sizes=[2, 3, 1], activations=["tanh", "sigmoid"], loss="bce", open=False)
    unopened.close()  # never opened: the claim let go, the trace as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5"]
