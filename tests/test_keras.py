"""Keras 3 models recorded by nnviz.integrations.keras.TraceCallback (real Keras, PyTorch backend).

Keras's non-TensorFlow backends compute float64 products in float32 (``keras.backend.result_type``
maps float64 to float32 outside TensorFlow, following JAX's default), so even with
``set_floatx("float64")`` Keras's own gradients differ from exact float64 ones by about 1e-8. The
``exact`` fixture lifts that mapping for one test, so that the tests see nnviz's mapping of
Keras's losses, activations and regularizers to 1e-10.
"""

from __future__ import annotations

import gc
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "torch")  # before Keras is imported: no TensorFlow needed
keras = pytest.importorskip("keras", reason="Keras 3 is not installed (pip install 'nnviz[keras]')")

from keras import layers, regularizers  # noqa: E402

from nnviz import load_trace  # noqa: E402
from nnviz.integrations.keras import TraceCallback  # noqa: E402
from nnviz.nn import CNN, MLP  # noqa: E402
from nnviz.nn.frameworks import UnsupportedModel  # noqa: E402
from nnviz.trace.recorder import RecorderError  # noqa: E402

# Keras 3.15's own variables warn under numpy 2 (their __array__ takes no copy keyword)
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 4))
LABELS = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int) + (X[:, 2] > 0.5)  # 3 classes
ONEHOT = np.eye(3)[LABELS]


def set_precision(precision):
    # Keras fixes its default dtype policy when the first layer is made: set both
    keras.config.set_floatx(precision)
    keras.config.set_dtype_policy(precision)


@pytest.fixture
def float64():
    set_precision("float64")
    yield
    set_precision("float32")


@pytest.fixture
def exact(float64, monkeypatch):
    dtypes = pytest.importorskip("keras.src.backend.common.dtypes")
    if "float64" not in getattr(dtypes, "BIT64_TO_BIT32_DTYPE", {}):
        pytest.skip("this Keras has no float64 -> float32 mapping to lift")
    monkeypatch.delitem(dtypes.BIT64_TO_BIT32_DTYPE, "float64")


def model_of(*dense, loss="categorical_crossentropy", lr=0.2, n_in=4):
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input((n_in,)), *dense])
    m.compile(loss=loss, optimizer=keras.optimizers.SGD(learning_rate=lr))
    return m


def fit(model, path, X, Y, epochs=6, batch_size=None, record="all", **kw):
    cb = TraceCallback(path, X, Y, record=record, **kw)
    history = model.fit(X, Y, epochs=epochs, batch_size=batch_size or len(X), shuffle=False, verbose=0,
                        callbacks=[cb])
    return cb.trace, history.history["loss"]


def nnviz_backprop(trace, k, lams):
    """nnviz's own loss and gradients at step k, with Keras's per-layer l2(lmbd) terms."""
    m = trace.model_at(k)
    bp = m.backward(m.forward(trace.data.X), trace.data.y, trace.config["train"]["loss"], 0.0)
    for l, lam in enumerate(lams, start=1):
        bp.dW[l] = bp.dW[l] + 2 * lam * m.W[l]
        bp.loss += lam * float(np.sum(m.W[l] ** 2))
    return bp


def test_seed002_model_full_batch_sgd_float64(tmp_path, exact):
    # seed 002's shape: sigmoid hidden layers with l2(lmbd), a softmax output without regularizer
    lmbd = 0.01
    m = model_of(layers.Dense(6, activation="sigmoid", kernel_regularizer=regularizers.l2(lmbd)),
                 layers.Dense(5, activation="sigmoid", kernel_regularizer=regularizers.l2(lmbd)),
                 layers.Dense(3, activation="softmax"))
    tr, keras_loss = fit(m, tmp_path / "k.h5", X, ONEHOT, epochs=8)
    assert tr.status == "complete" and tr.source == "keras"
    assert list(tr.steps) == list(range(9))  # 8 updates: W(0) .. W(8)
    assert tr.activation_names == ["sigmoid", "sigmoid", "softmax"]
    # nnviz's loss is the one Keras reports (with the penalty on the hidden layers only)
    np.testing.assert_allclose(tr.loss[:8], keras_loss, rtol=0, atol=1e-10)
    for k in range(8):
        bp = nnviz_backprop(tr, k, [lmbd, lmbd, 0.0])
        assert abs(bp.loss - tr.loss[k]) < 1e-12
        for (W, b), (Wn, bn), (dW, db), l in zip(tr.params(k), tr.params(k + 1), tr.grads(k), (1, 2, 3)):
            np.testing.assert_allclose(Wn, W - 0.2 * dW, rtol=0, atol=1e-12)  # W(k+1) = W(k) - lr dW(k)
            np.testing.assert_allclose(bn, b - 0.2 * db, rtol=0, atol=1e-12)
            np.testing.assert_allclose(dW, bp.dW[l], rtol=0, atol=1e-10)  # Keras's gradient is nnviz's
            np.testing.assert_allclose(db, bp.db[l], rtol=0, atol=1e-10)
    assert tr.checks["grad_max_abs_diff"] < 1e-10 and tr.checks["loss_max_abs_diff"] < 1e-10
    assert "nnviz l2 per layer 0.02, 0.02, 0" in tr.summary()["optimizer"]
    assert tr.config["train"]["l2"] == 0.02
    # the final parameters are Keras's, and MLP.from_keras pictures the same network
    for (W, b), (Wk, bk) in zip(tr.params(8), MLP.from_keras(m).params()):
        np.testing.assert_array_equal(W, Wk)
        np.testing.assert_array_equal(b, bk)
    np.testing.assert_allclose(MLP.from_keras(m)(X), m.predict(X, verbose=0), atol=1e-12)


@pytest.mark.parametrize("precision", ["float64", "float32"])
def test_agreement_without_lifting_keras_float32_products(tmp_path, precision):
    set_precision(precision)
    try:
        m = model_of(layers.Dense(6, activation="tanh", kernel_regularizer=regularizers.l2(1e-3)),
                     layers.Dense(3, activation="softmax", kernel_regularizer=regularizers.l2(1e-3)))
        tr, keras_loss = fit(m, tmp_path / "k.h5", X, ONEHOT, epochs=5)
    finally:
        set_precision("float32")
    assert tr.source == ("keras" if precision == "float64" else "keras float32")
    assert tr.config["train"]["l2"] == pytest.approx(2e-3)  # Keras's lmbd * sum W^2 is nnviz's (l2/2) sum W^2
    # Keras multiplies in float32 either way: nnviz's float64 backprop agrees to float32 precision
    assert 0 < tr.checks["grad_max_abs_diff"] < 1e-6
    np.testing.assert_allclose(tr.loss[:5], keras_loss, rtol=1e-6)


L = keras.losses
CASES = {  # layers and loss (made inside the test, after the precision is set), targets
    "mse-relu": (lambda: ([layers.Dense(5, activation="relu"), layers.Dense(2)], "mse"), "regression"),
    "mse-elu-softplus": (lambda: ([layers.Dense(5, activation="elu"), layers.Dense(3, activation="softplus"),
                                   layers.Dense(2, activation="linear")], L.MeanSquaredError()), "regression"),
    "bce-sigmoid": (lambda: ([layers.Dense(5, activation="tanh"), layers.Dense(1, activation="sigmoid")],
                             "binary_crossentropy"), "binary"),
    "bce-logits": (lambda: ([layers.Dense(5, activation="tanh"), layers.Dense(1)],
                            L.BinaryCrossentropy(from_logits=True)), "binary"),
    "cce-logits-leaky": (lambda: ([layers.Dense(5), layers.LeakyReLU(negative_slope=0.01), layers.Dense(3)],
                                  L.CategoricalCrossentropy(from_logits=True)), "onehot"),
    "sparse-cce": (lambda: ([layers.Dense(5, activation="sigmoid"), layers.Dense(3, activation="softmax")],
                            "sparse_categorical_crossentropy"), "index"),
    "sparse-cce-logits-activation-layer": (lambda: ([layers.Dense(5), layers.Activation("tanh"), layers.Dense(3)],
                                                    L.SparseCategoricalCrossentropy(from_logits=True)), "index"),
}
TARGETS = {"regression": np.c_[np.sin(X[:, 0]), X[:, 1] * X[:, 2]], "binary": (LABELS > 0).astype(float),
           "onehot": ONEHOT, "index": LABELS}
NNVIZ = {"regression": ("mse", "identity"), "binary": ("bce", "sigmoid"), "onehot": ("cross_entropy", "softmax"),
         "index": ("cross_entropy", "softmax")}


@pytest.mark.parametrize("case", list(CASES))
def test_losses_and_activations(tmp_path, exact, case):
    make, kind = CASES[case]
    dense, loss = make()
    m = model_of(*dense, loss=loss, lr=0.05)
    tr, keras_loss = fit(m, tmp_path / "k.h5", X, TARGETS[kind], epochs=3)
    assert (tr.config["train"]["loss"], tr.activation_names[-1]) == NNVIZ[kind]
    assert tr.checks["grad_max_abs_diff"] < 1e-10 and tr.checks["loss_max_abs_diff"] < 1e-10
    np.testing.assert_allclose(tr.loss[:3], keras_loss, atol=1e-10)


def test_minibatches_record_every_update_on_all_the_data(tmp_path, float64):
    m = model_of(layers.Dense(6, activation="tanh"), layers.Dense(3, activation="softmax"))
    cb = TraceCallback(tmp_path / "k.h5", X, ONEHOT, record="every:4", X_test=X[:10], y_test=ONEHOT[:10])
    m.fit(X, ONEHOT, epochs=3, batch_size=10, verbose=0, callbacks=[cb])
    tr = cb.trace
    assert len(tr.all_steps) == 13 and list(tr.steps) == [0, 4, 8, 12]  # 3 epochs x 4 batches, + the end
    # a batch's gradient is not all of X's: nothing compared, dW is nnviz's on all the data
    assert np.isnan(tr.checks["grad_max_abs_diff"]) and np.isnan(tr.checks["loss_max_abs_diff"])
    bp = nnviz_backprop(tr, 4, [0, 0])
    assert bp.loss == pytest.approx(tr.loss[4], abs=1e-12)
    np.testing.assert_allclose(tr.grads(4)[0][0], bp.dW[1], atol=1e-12)
    assert np.isfinite(tr.test_loss).all() and tr.data.X_test.shape == (10, 4)


BAD = ["Dropout", "BatchNormalization", "Conv2D stride 2", "Conv2D dilation", "Conv1D", "AveragePooling2D",
       "branches", "leaky_relu slope", "bias regularizer", "l1",
       "sigmoid output with cce", "inputs"]


def bad_model(case):
    def seq(*ls, n_in=4):
        return keras.Sequential([keras.Input((n_in,)), *ls])

    inp = keras.Input((4,))
    h = layers.Dense(3, activation="tanh")(inp)
    branches = keras.Model(inp, layers.Dense(3, activation="softmax")(layers.Add()([h, layers.Dense(3)(inp)])))
    return {
        "Dropout": (seq(layers.Dense(5, activation="tanh"), layers.Dropout(0.5), layers.Dense(3, activation="softmax")),
                    "Dropout is not one of them"),
        "BatchNormalization": (seq(layers.Dense(5), layers.BatchNormalization(), layers.Dense(3, activation="softmax")),
                               "BatchNormalization is not one of them"),
        "Conv2D stride 2": (keras.Sequential([keras.Input((4, 4, 1)), layers.Conv2D(2, 3, strides=2, padding="same"),
                                              layers.Flatten(), layers.Dense(3, activation="softmax")]),
                            "nnviz supports stride 1"),
        "Conv2D dilation": (keras.Sequential([keras.Input((4, 4, 1)), layers.Conv2D(2, 3, dilation_rate=2,
                                                                                    padding="same"),
                                              layers.Flatten(), layers.Dense(3, activation="softmax")]),
                            "no dilation"),
        "Conv1D": (keras.Sequential([keras.Input((4, 4)), layers.Conv1D(2, 3), layers.Flatten(),
                                     layers.Dense(3, activation="softmax")]), "Conv1D is not one of them"),
        "AveragePooling2D": (keras.Sequential([keras.Input((4, 4, 1)), layers.Conv2D(2, 3, padding="same"),
                                               layers.AveragePooling2D(2), layers.Flatten(),
                                               layers.Dense(3, activation="softmax")]),
                             "AveragePooling2D is not one of them"),
        "branches": (branches, "one chain of layers, without branches"),
        "leaky_relu slope": (seq(layers.Dense(5, activation="leaky_relu"), layers.Dense(3, activation="softmax")),
                             "negative_slope=0.2, nnviz's leaky_relu negative_slope=0.01"),
        "bias regularizer": (seq(layers.Dense(5, activation="tanh", bias_regularizer=regularizers.l2(0.1)),
                                 layers.Dense(3, activation="softmax")), "bias_regularizer"),
        "l1": (seq(layers.Dense(5, activation="tanh", kernel_regularizer=regularizers.l1(0.1)),
                   layers.Dense(3, activation="softmax")), "kernel_regularizer L1"),
        "sigmoid output with cce": (seq(layers.Dense(5, activation="tanh"), layers.Dense(3, activation="sigmoid")),
                                    "needs a softmax output"),
        "inputs": (seq(layers.Dense(5, activation="tanh"), layers.Dense(3, activation="softmax"), n_in=3),
                   "the network takes 3 inputs"),
    }[case]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_line_before_training(tmp_path, case):
    model, message = bad_model(case)
    model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.1))
    images = case.startswith(("Conv2D", "AveragePooling2D"))
    Xfit = (np.zeros((8, 4, 4, 1)) if images else np.zeros((8, 4, 4)) if case == "Conv1D" else
            X[:8, :3] if case == "inputs" else X[:8])
    before = [np.array(w) for w in model.get_weights()]
    with pytest.raises((UnsupportedModel, RecorderError)) as e:
        model.fit(Xfit, ONEHOT[:8], epochs=1, verbose=0,
                  callbacks=[TraceCallback(tmp_path / "k.h5", Xfit if images else X[:8], ONEHOT[:8])])
    assert message in str(e.value) and "\n" not in str(e.value)
    assert not (tmp_path / "k.h5").exists()  # no trace started
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))  # no update made


def test_functional_chain_and_nested_sequential(tmp_path, exact):
    inp = keras.Input((4,))
    out = layers.Dense(3, activation="softmax")(layers.Dense(5, activation="tanh")(inp))
    chain = keras.Model(inp, out)
    nested = keras.Sequential([keras.Input((4,)), keras.Sequential([layers.Dense(5, activation="relu")]),
                               layers.Dense(3, activation="softmax")])
    for m in (chain, nested):
        m.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.1))
        tr, _ = fit(m, tmp_path / "k.h5", X, ONEHOT, epochs=2)
        assert tr.sizes == [4, 5, 3] and tr.checks["grad_max_abs_diff"] < 1e-10


def test_bad_data_and_schedule_refused_at_construction(tmp_path):
    with pytest.raises(RecorderError, match="X has 40 rows but Y has 39"):
        TraceCallback(tmp_path / "k.h5", X, ONEHOT[:39])
    with pytest.raises(RecorderError, match=r"X has shape \(40, 2, 2\)"):
        TraceCallback(tmp_path / "k.h5", X.reshape(40, 2, 2), ONEHOT)
    with pytest.raises(RecorderError, match="every:K"):
        TraceCallback(tmp_path / "k.h5", X, ONEHOT, record="every:0")
    m = model_of(layers.Dense(5, activation="tanh"), layers.Dense(3, activation="softmax"))
    with pytest.raises(UnsupportedModel, match="one-hot Y of shape"):
        m.fit(X, ONEHOT, epochs=1, verbose=0, callbacks=[TraceCallback(tmp_path / "k.h5", X, LABELS)])
    assert not (tmp_path / "k.h5").exists()


class Boom(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 2:
            raise KeyboardInterrupt


def test_fit_stopped_midway_is_never_complete(tmp_path):
    m = model_of(layers.Dense(5, activation="tanh"), layers.Dense(3, activation="softmax"))
    cb = TraceCallback(tmp_path / "k.h5", X, ONEHOT, record="all")
    with pytest.raises(KeyboardInterrupt):
        m.fit(X, ONEHOT, epochs=2, batch_size=8, verbose=0, callbacks=[cb, Boom()])
    del cb
    gc.collect()
    tr = load_trace(tmp_path / "k.h5")
    assert tr.status == "interrupted" and list(tr.all_steps) == [0, 1, 2]  # updates 0..2 were made


def test_divergence_stops_fit(tmp_path, float64):
    m = model_of(layers.Dense(5, activation="relu"), layers.Dense(2), loss="mse", lr=50.0)
    cb = TraceCallback(tmp_path / "k.h5", X, TARGETS["regression"] * 100)
    m.fit(X, TARGETS["regression"] * 100, epochs=200, batch_size=40, verbose=0, callbacks=[cb])
    tr = cb.trace
    assert tr.status == "diverged" and len(tr.all_steps) < 200 and "smaller learning rate" in tr.message


def test_trace_renders_with_the_weights_view(tmp_path):
    from nnviz.render import animate

    Xi = RNG.random((30, 16))
    m = model_of(layers.Dense(6, activation="sigmoid"), layers.Dense(3, activation="softmax"), n_in=16)
    tr, _ = fit(m, tmp_path / "k.h5", Xi, ONEHOT[:30], epochs=4, image_shape=(4, 4))
    animate(tr, tmp_path / "k.gif", views=["weights", "loss"], size=(640, 360), max_frames=3)
    import imageio.v3 as iio

    assert iio.imread(tmp_path / "k.gif", index=None).shape == (3, 360, 640, 3)


# ---------------------------------------------------------------- convolutional networks (issue 21)
def digits_images(n=60):
    from nnviz.data import make_dataset

    d = make_dataset("digits")
    return d.X[:n].reshape(n, 8, 8, 1), d.y[:n]   # channels last, one-hot


def cnn_of(*layers_, shape=(8, 8, 1), lr=0.1, loss="categorical_crossentropy"):
    keras.utils.set_random_seed(0)
    m = keras.Sequential([keras.Input(shape), *layers_])
    m.compile(loss=loss, optimizer=keras.optimizers.SGD(learning_rate=lr))
    return m


def test_seed002_keras_cnn_full_batch_sgd_float64(tmp_path, exact):
    # seed 002's create_convolutional_neural_network_keras, smaller: Conv2D 3x3 'same' ReLU with
    # l2(lmbd), 2x2 max-pooling, Flatten, Dense ReLU with l2(lmbd), a softmax output without it
    lmbd, lr = 0.01, 0.1
    Xi, Y = digits_images()
    m = cnn_of(layers.Conv2D(4, (3, 3), padding="same", activation="relu", kernel_regularizer=regularizers.l2(lmbd)),
               layers.MaxPooling2D(pool_size=(2, 2)), layers.Flatten(),
               layers.Dense(12, activation="relu", kernel_regularizer=regularizers.l2(lmbd)),
               layers.Dense(10, activation="softmax"), lr=lr)
    tr, keras_loss = fit(m, tmp_path / "cnn.h5", Xi, Y, epochs=5)
    assert tr.is_convolutional and tr.status == "complete" and tr.source == "keras"
    assert tr.config["name"] == "keras CNN"   # the run's name (it was once the Recorder's last data part, "y_test")
    assert tr.network.describe() == ("1x8x8 -> conv2d 4x3x3 relu - maxpool2d 2 - flatten - dense 12 relu - "
                                     "dense 10 softmax")
    assert [W.shape for W, _ in tr.params(0)] == [(4, 1, 3, 3), (64, 12), (12, 10)]
    # nnviz's loss is the one Keras reports; Keras's gradients are nnviz's backprop; plain SGD
    np.testing.assert_allclose(tr.loss[:5], keras_loss, rtol=0, atol=1e-10)
    assert tr.checks["grad_max_abs_diff"] < 1e-10 and tr.checks["loss_max_abs_diff"] < 1e-10
    for k in range(5):
        for (W, b), (Wn, bn), (dW, db) in zip(tr.params(k), tr.params(k + 1), tr.grads(k)):
            np.testing.assert_allclose(Wn, W - lr * dW, rtol=0, atol=1e-12)  # W(k+1) = W(k) - lr dW(k)
            np.testing.assert_allclose(bn, b - lr * db, rtol=0, atol=1e-12)
    assert "nnviz l2 per layer 0.02, 0.02, 0" in tr.summary()["optimizer"]
    # the layouts: Keras's kernel (kh, kw, in, out) is nnviz's (out, in, kh, kw), and the network
    # nnviz recorded computes Keras's function on the images turned channels-first
    np.testing.assert_array_equal(tr.params(5)[0][0], np.transpose(np.array(m.layers[0].kernel), (3, 2, 0, 1)))
    X_nchw = Xi.transpose(0, 3, 1, 2)
    np.testing.assert_allclose(tr.model_at(5)(X_nchw), m.predict(Xi, verbose=0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(CNN.from_keras(m)(X_nchw), m.predict(Xi, verbose=0), rtol=0, atol=1e-12)
    np.testing.assert_allclose(tr.data.X, X_nchw.reshape(len(Xi), -1))
    # the probe digits' feature maps are the conv layer's (Keras's own, computed by Keras)
    conv_out = keras.Model(m.inputs[0], m.layers[0].output).predict(Xi[tr.probe_index], verbose=0)
    np.testing.assert_allclose(tr.activations(5)[0], np.transpose(np.array(conv_out), (0, 3, 1, 2)), atol=1e-12)


def test_keras_cnn_channels_valid_padding_and_minibatches(tmp_path, float64):
    # two input channels (the conv kernel's in axis), 'valid' padding, a Flatten of 2 x 2 x 3 maps,
    # an activation layer, sparse labels, minibatches: nnviz evaluates every update on all of X
    rng = np.random.default_rng(1)
    Xi = rng.normal(size=(30, 6, 6, 2))
    labels = (Xi[:, :3, :, 0].sum((1, 2)) > Xi[:, 3:, :, 1].sum((1, 2))).astype(int)
    m = cnn_of(layers.Conv2D(3, 3), layers.Activation("tanh"), layers.MaxPooling2D(2), layers.Flatten(),
               layers.Dense(2, activation="softmax"), shape=(6, 6, 2), loss="sparse_categorical_crossentropy")
    cb = TraceCallback(tmp_path / "c.h5", Xi, labels, record="every:2")
    m.fit(Xi, labels, epochs=2, batch_size=10, shuffle=False, verbose=0, callbacks=[cb])
    tr = cb.trace
    assert tr.network.describe() == "2x6x6 -> conv2d 3x3x3 tanh - maxpool2d 2 - flatten - dense 2 softmax"
    assert len(tr.all_steps) == 7 and list(tr.steps) == [0, 2, 4, 6]
    np.testing.assert_allclose(tr.model_at(6)(Xi.transpose(0, 3, 1, 2)), m.predict(Xi, verbose=0), atol=1e-6)
    net = tr.model_at(2)
    bp = net.backward(net.forward(Xi.transpose(0, 3, 1, 2)), tr.data.y, "cross_entropy")
    assert bp.loss == pytest.approx(tr.loss[2], abs=1e-12)
    np.testing.assert_allclose(tr.grads(2)[0][0], bp.dW[1], atol=1e-12)


def test_keras_cnn_float32_agrees_to_float32_precision(tmp_path):
    Xi, Y = digits_images(40)
    m = cnn_of(layers.Conv2D(3, 3, padding="same", activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
               layers.Dense(10, activation="softmax"))
    tr, keras_loss = fit(m, tmp_path / "f.h5", Xi, Y, epochs=3)
    assert tr.source == "keras float32"
    assert 0 < tr.checks["grad_max_abs_diff"] < 1e-5
    np.testing.assert_allclose(tr.loss[:3], keras_loss, rtol=1e-5)


def test_keras_cnn_bad_images_refused_before_training(tmp_path):
    Xi, Y = digits_images(20)
    m = cnn_of(layers.Conv2D(3, 3, padding="same", activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
               layers.Dense(10, activation="softmax"))
    with pytest.raises(UnsupportedModel, match=r"the model takes images \(n_samples, 8, 8, 1\)") as e:
        m.fit(Xi, Y, epochs=1, verbose=0, callbacks=[TraceCallback(tmp_path / "k.h5", Xi.transpose(0, 3, 1, 2), Y)])
    assert "\n" not in str(e.value) and not (tmp_path / "k.h5").exists()


# ----------------------------------------------------------------------------- the seed's grid search as a sweep
def test_seed002_grid_search_through_nnviz_sweep(tmp_path):
    """The example's ``train_one`` (seed 002's Keras network on the digits) swept over 2 cells, 1 epoch,
    in this process and in two forked workers (this process has trained Keras models before)."""
    import importlib.util
    from pathlib import Path

    import nnviz

    path = Path(__file__).parent.parent / "examples" / "seed002_keras_digits.py"
    spec = importlib.util.spec_from_file_location("seed002_keras_digits", path)
    example = importlib.util.module_from_spec(spec)
    import sys

    sys.modules[spec.name] = example  # a module-level function the workers find by name
    import torch

    threads = torch.get_num_threads()  # the example sets one thread; the rest of the suite keeps its own
    try:
        spec.loader.exec_module(example)
        grid = {"eta": [1e-3, 0.1], "lmbd": [1e-4]}
        one = nnviz.sweep(example.train_one, grid=grid, out=tmp_path / "one", jobs=1, epochs=1, record="none")
        two = nnviz.sweep(example.train_one, grid=grid, out=tmp_path / "two", jobs=2, epochs=1, record="none")
    finally:
        del sys.modules[spec.name]
        torch.set_num_threads(threads)
    assert [r["status"] for r in one + two] == ["complete"] * 4
    assert len({r["pid"] for r in two}) == 2 and os.getpid() not in {r["pid"] for r in two}
    for a, b in zip(one, two):
        with nnviz.load_trace(a["trace"]) as ta, nnviz.load_trace(b["trace"]) as tb:
            assert ta.source.startswith("keras") and ta.sizes == [64, 100, 50, 10] and len(ta.all_steps) == 16  # 15 updates
            assert a["test_accuracy"] == ta.test_accuracy[-1] and a["loss"] == ta.loss[-1]
            assert np.array_equal(tb.loss, ta.loss)                             # forked workers: bit for bit
    assert one[1]["test_accuracy"] > one[0]["test_accuracy"] + 0.1           # eta 0.1 learns in one epoch, 1e-3 not
    index = nnviz.load_sweep(tmp_path / "two").index
    assert index["base"]["function"] == "seed002_keras_digits:train_one" and index["metric"] == "test_accuracy"


# ---------------------------------------------------------------- recorded beside the training
needs_fork = pytest.mark.skipif(not __import__("nnviz.forked", fromlist=["can_fork"]).can_fork(alone=True),
                                reason="the recording is forked only on Linux, in a process with one thread")


@pytest.fixture
def one_thread():
    """This test process with a single thread, as a training script has, so that the recording
    forks: the progress bars of earlier tests left tqdm's monitor thread running; it is stopped."""
    import threading

    from tqdm import tqdm

    if tqdm.monitor is not None:
        tqdm.monitor.exit()
        tqdm.monitor.join()
        tqdm.monitor = None
    others = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
    if others:
        pytest.skip(f"threads left by earlier tests: {others}")


def _datasets(path):
    """Every dataset of an HDF5 file, by name (the trace's whole content)."""
    import h5py

    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


@needs_fork
def test_forked_recording_writes_the_same_trace_as_in_process(tmp_path, monkeypatch, one_thread):
    from nnviz.trace import forked

    m = model_of(layers.Dense(6, activation="sigmoid", kernel_regularizer=regularizers.l2(1e-3)),
                 layers.Dense(3, activation="softmax"))  # per-layer L2: the callback's own passes
    start = m.get_weights()

    def fit(path):  # the same start and the same minibatches each time
        m.set_weights(start)
        cb = TraceCallback(path, X, ONEHOT, record="every:3", X_test=X[:10], y_test=ONEHOT[:10])
        m.fit(X, ONEHOT, epochs=3, batch_size=10, shuffle=False, verbose=0, callbacks=[cb])
        return cb

    made = []
    monkeypatch.setattr(forked, "ForkedRecorder", lambda *a, **k: made.append(1) or _Forked(*a, **k))
    cb = fit(tmp_path / "forked.h5")
    assert made == [1]
    monkeypatch.setenv("NNVIZ_NO_FORK", "1")
    fit(tmp_path / "inline.h5")
    assert made == [1]  # (the second run recorded in this process)
    a, b = _datasets(tmp_path / "forked.h5"), _datasets(tmp_path / "inline.h5")
    assert sorted(a) == sorted(b) and len(cb.trace.all_steps) == 13
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


_Forked = __import__("nnviz.trace.forked", fromlist=["ForkedRecorder"]).ForkedRecorder

_TRAIN = """
import os, sys, time
os.environ["KERAS_BACKEND"] = "torch"
import numpy as np, keras
from nnviz.integrations.keras import TraceCallback
rng = np.random.default_rng(0)
X = rng.normal(size=(40, 4)); Y = np.eye(3)[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)]
keras.utils.set_random_seed(0)
m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(3, activation="softmax")])
m.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.SGD(learning_rate=0.1))
class Slow(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 0 and self.epoch == 3:
            open(sys.argv[2], "w").close()  # the test may stop us now
        time.sleep(0.01)
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
m.fit(X, Y, epochs=100000, batch_size=10, verbose=0, callbacks=[TraceCallback(sys.argv[1], X, Y, record="every:5"), Slow()])
"""


@needs_fork
@pytest.mark.parametrize("how", ["SIGKILL", "Ctrl-C"])
def test_a_killed_or_interrupted_keras_run_keeps_its_steps_and_the_old_trace(tmp_path, how):
    import signal
    import subprocess
    import sys
    import time

    path, ready = tmp_path / "k.h5", tmp_path / "ready"
    m = model_of(layers.Dense(5, activation="tanh"), layers.Dense(3, activation="softmax"))
    m.fit(X, ONEHOT, epochs=1, batch_size=40, verbose=0, callbacks=[TraceCallback(path, X, ONEHOT)])
    old = path.read_bytes()
    script = tmp_path / "train.py"
    script.write_text(_TRAIN)
    proc = subprocess.Popen([sys.executable, str(script), str(path), str(ready)], start_new_session=True,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while not ready.exists() and proc.poll() is None and time.time() < deadline:
            time.sleep(0.05)
        assert ready.exists(), proc.stderr.read() if proc.poll() is not None else "the run did not start"
        time.sleep(0.3)
        if how == "SIGKILL":
            os.kill(proc.pid, signal.SIGKILL)
        else:
            os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends: the recorder too
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0
    partial = tmp_path / "k.h5.partial"
    deadline = time.time() + 30
    lock = tmp_path / ".k.h5.nnviz-lock"
    while (lock.exists() or (how == "Ctrl-C" and partial.exists())) and time.time() < deadline:
        time.sleep(0.05)  # the recording process finishes its file after the training process ended
    if how == "SIGKILL":  # the old trace as it was; every step handed over, closed, in NAME.partial
        assert path.read_bytes() == old
        tr = load_trace(partial)
        assert "was killed" in tr.message
    else:  # Ctrl-C: as in-process, the interrupted run's steps replace the old trace
        assert not partial.exists()
        tr = load_trace(path)
        assert "before the end of fit" in tr.message
    with tr:
        n = len(tr.all_steps)
        assert tr.status == "interrupted" and n >= 13 and list(tr.all_steps) == list(range(n))
        assert np.isfinite(tr.loss).all() and tr.steps[-1] == n - 1  # its last step in full
        W, b = tr.params(n - 1)[0]
        assert W.shape == (4, 5) and np.isfinite(W).all()
    assert not lock.exists()


def test_recording_errors_reach_fit_as_one_line(tmp_path):
    m = model_of(layers.Dense(5, activation="tanh"), layers.Dense(3, activation="softmax"))
    cb = TraceCallback(tmp_path / "k.h5", X, ONEHOT, record="all", max_trace_gb=1e-7)
    with pytest.raises(RecorderError, match=r"^this run would write a trace of about .*nnviz's cap") as e:
        m.fit(X, ONEHOT, epochs=50, batch_size=4, verbose=0, callbacks=[cb])
    assert "\n" not in str(e.value) and sorted(p.name for p in tmp_path.iterdir()) == []


@needs_fork
def test_a_full_disk_while_recording_beside_fit_is_one_line_and_keeps_the_old_trace(tmpfs, fill_disk, one_thread,
                                                                                   monkeypatch):
    from nnviz.trace import forked

    made = []
    monkeypatch.setattr(forked, "ForkedRecorder", lambda *a, **k: made.append(1) or _Forked(*a, **k))
    disk = tmpfs("4m")
    path = disk / "k.h5"
    m = model_of(layers.Dense(5, activation="tanh"), layers.Dense(3, activation="softmax"))
    m.fit(X, ONEHOT, epochs=1, batch_size=40, verbose=0, callbacks=[TraceCallback(path, X, ONEHOT)])
    old = path.read_bytes()

    class Filler(keras.callbacks.Callback):  # the disk fills up during fit
        def on_train_batch_end(self, batch, logs=None):
            if batch == 20:
                fill_disk(disk / "filler")

    cb = TraceCallback(path, X, ONEHOT, record="none", flush_every=1)  # (an estimate that fits)
    with pytest.raises(OSError, match=r"^no space left on device writing .*k\.h5; the previous trace is unchanged$"):
        m.fit(X, ONEHOT, epochs=200, batch_size=1, verbose=0, callbacks=[Filler(), cb])
    assert made == [1, 1]  # (both recorded beside fit)
    assert path.read_bytes() == old
    assert sorted(p.name for p in disk.iterdir()) == ["filler", "k.h5"]  # no partial file, no lock


def test_a_second_writer_is_refused_before_the_first_update(tmp_path):
    from nnviz.trace import Recorder

    path = tmp_path / "k.h5"
    other = Recorder(path, X, ONEHOT, sizes=[4, 3], activations=["softmax"], loss="cross_entropy", open=False)
    m = model_of(layers.Dense(5, activation="tanh"), layers.Dense(3, activation="softmax"))
    before = [w.copy() for w in m.get_weights()]
    with pytest.raises(OSError, match=r"^another nnviz run is writing .*k\.h5; wait for it to end"):
        m.fit(X, ONEHOT, epochs=2, batch_size=8, verbose=0, callbacks=[TraceCallback(path, X, ONEHOT)])
    assert all(np.array_equal(a, b) for a, b in zip(before, m.get_weights()))  # no update was made
    other.close()
    assert list(tmp_path.iterdir()) == []
