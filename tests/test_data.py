"""Tests for nnviz.data: shapes, determinism, encodings, splits, name table, files."""

import inspect
import sys

import numpy as np
import pytest

from nnviz.data import (DATASETS, TARGETS, Dataset, above, circles, dataset_parameters, decode_outputs, digits,
                        encode_labels, from_arrays, from_csv, function1d, gaussians, harder, linear, make_dataset,
                        moons, single_sample, spiral, train_test_split, xor)

# Everything reachable by name without a file (digits needs sklearn, see below).
NAMES = [name for name in DATASETS if name not in ("csv", "digits")]
REQUIRED = {"above": {"f": "sin2x"}}


def build(name, **params):
    return make_dataset(name, **{**REQUIRED.get(name, {}), **params})


@pytest.mark.parametrize("name", NAMES)
def test_shapes_and_dtypes(name):
    ds = build(name)
    assert isinstance(ds, Dataset)
    assert ds.X.dtype == np.float64 and ds.y.dtype == np.float64
    assert ds.X.ndim == ds.y.ndim == 2 and len(ds.X) == len(ds.y)
    assert ds.X_test.shape == (0, ds.n_features) and ds.y_test.shape == (0, ds.n_outputs)
    assert np.isfinite(ds.X).all() and np.isfinite(ds.y).all()
    if ds.task == "classification":
        assert ds.labels.shape == (len(ds.X),) and ds.labels.dtype == np.int64
        assert ds.n_features == 2 and len(ds.class_names) == ds.n_classes
        assert set(np.unique(ds.labels)) == set(range(ds.n_classes))
        np.testing.assert_array_equal(ds.y, encode_labels(ds.labels, ds.encoding, ds.n_classes))
    else:
        assert ds.encoding is None and ds.labels is None and ds.n_classes is None
        assert ds.n_features == ds.n_outputs == 1


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_by_seed(name):
    params = {"test_fraction": 0.25} if "test_fraction" in dataset_parameters(name) else {}
    a, b = build(name, **params), build(name, **params)
    for field in ("X", "y", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


@pytest.mark.parametrize("name", ["moons", "circles", "xor", "spiral", "gaussians", "linear", "harder", "above"])
def test_other_seed_other_data(name):
    params = {"noise": 0.1} if "noise" in dataset_parameters(name) else {}
    assert not np.array_equal(build(name, seed=0, **params).X, build(name, seed=1, **params).X)


@pytest.mark.parametrize("n", [100, 7, 2])
def test_moons_equal_sklearn(n):
    sk = pytest.importorskip("sklearn.datasets")
    X, labels = sk.make_moons(n, shuffle=False)
    ds = moons(n, shuffle=False)
    np.testing.assert_allclose(ds.X, X * 2 - 1, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ds.labels, labels)
    np.testing.assert_array_equal(ds.y[:, 0], labels * 2 - 1)       # seed 003: Td * 2 - 1


def test_moons_shuffle_is_a_permutation():
    plain, shuffled = moons(50, shuffle=False), moons(50)
    assert not np.array_equal(plain.X, shuffled.X)
    order = np.lexsort(shuffled.X.T)
    np.testing.assert_array_equal(shuffled.X[order], plain.X[np.lexsort(plain.X.T)])


def test_circles_equal_sklearn():
    sk = pytest.importorskip("sklearn.datasets")
    X, labels = sk.make_circles(30, shuffle=False, factor=0.3)
    ds = circles(30, factor=0.3, shuffle=False)
    np.testing.assert_allclose(ds.X, X, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(ds.labels, labels)


@pytest.mark.parametrize("dataset, n, k", [
    (moons, 101, 2), (circles, 99, 2), (xor, 203, 2), (linear, 51, 2), (harder, 601, 2),
    (lambda n: spiral(n, n_classes=3), 301, 3), (lambda n: gaussians(n, centers=4), 150, 4),
])
def test_class_balance(dataset, n, k):
    counts = np.bincount(dataset(n).labels, minlength=k)
    assert counts.sum() == n and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("encoding, k, width", [("pm1", 2, 1), ("01", 2, 1), ("onehot", 2, 2), ("onehot", 5, 5)])
def test_encodings_round_trip(encoding, k, width):
    labels = np.random.default_rng(0).integers(0, k, 40)
    targets = encode_labels(labels, encoding, k)
    assert targets.shape == (40, width)
    np.testing.assert_array_equal(decode_outputs(targets, encoding), labels)
    np.testing.assert_array_equal(decode_outputs(0.9 * targets + 0.05, encoding), labels)  # imperfect outputs


def test_encoding_values_and_thresholds():
    np.testing.assert_array_equal(encode_labels([0, 1], "pm1", 2).ravel(), [-1, 1])
    np.testing.assert_array_equal(encode_labels([0, 1], "01", 2).ravel(), [0, 1])
    np.testing.assert_array_equal(encode_labels([2, 0], "onehot", 3), [[0, 0, 1], [1, 0, 0]])
    np.testing.assert_array_equal(decode_outputs([-0.1, 0.0, 0.2], "pm1"), [0, 0, 1])
    np.testing.assert_array_equal(decode_outputs([[0.4], [0.6]], "01"), [0, 1])
    with pytest.raises(ValueError, match="onehot"):
        encode_labels([0, 1, 2], "pm1", 3)
    with pytest.raises(ValueError, match="0..1"):
        encode_labels([0, 2], "01", 2)


def test_multiclass_defaults_to_onehot():
    assert spiral(n_classes=3).encoding == "onehot" and spiral(n_classes=3).n_outputs == 3
    assert spiral(n_classes=2).encoding == "pm1"
    assert moons(encoding="01").y.min() == 0
    with pytest.raises(ValueError, match="onehot"):
        gaussians(centers=3, encoding="pm1")


def test_xor_labels_follow_quadrant_rule():
    ds = xor(n=400, noise=0.6, test_fraction=0.25)      # much noise: many points pushed towards the axes
    for X, labels in ((ds.X, ds.labels), (ds.X_test, ds.labels_test)):
        np.testing.assert_array_equal(labels, (X[:, 0] * X[:, 1] > 0).astype(int))


def test_linear_margin():
    ds = linear(n=200, margin=0.4, angle=30)
    distance = ds.X @ np.array([np.cos(np.pi / 6), np.sin(np.pi / 6)])
    assert distance[ds.labels == 1].min() >= 0.2 and distance[ds.labels == 0].max() <= -0.2


def test_above_and_harder():
    ds = above("sin10x", n=300)
    np.testing.assert_array_equal(ds.labels, ds.X[:, 1] > np.sin(10 * ds.X[:, 0]))
    assert ds.class_names == ["below", "above"] and ds.target is TARGETS["sin10x"].f
    assert above(lambda x: 0.5 * x, n=10).X.shape == (10, 2)
    X = harder().X
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1)


def test_split_sizes_and_contents():
    full, split = moons(100, noise=0.1), moons(100, noise=0.1, test_fraction=0.2)
    assert split.X.shape == (80, 2) and split.X_test.shape == (20, 2)
    assert split.y.shape == (80, 1) and split.labels_test.shape == (20,)
    rows = lambda X, labels: sorted(map(tuple, np.column_stack([X, labels])))  # noqa: E731
    assert rows(np.vstack([split.X, split.X_test]), np.append(split.labels, split.labels_test)) \
        == rows(full.X, full.labels)
    np.testing.assert_array_equal(split.y_test, encode_labels(split.labels_test, "pm1", 2))


def test_train_test_split_function():
    a, b = np.arange(10), np.arange(10) * 10
    a_train, a_test, b_train, b_test, none_train, none_test = train_test_split(a, b, None, test_fraction=0.3, seed=1)
    assert len(a_train) == 7 and len(a_test) == 3 and none_train is None and none_test is None
    np.testing.assert_array_equal(b_train, a_train * 10)
    assert np.all(np.diff(a_train) > 0)                                   # order kept
    assert sorted(np.append(a_train, a_test)) == list(range(10))
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(a, test_fraction=1.0)


def test_function1d_and_targets():
    ds = function1d("sin2x")                               # seed 000: linspace(-1, 1, 200), sin(2x)
    x = np.linspace(-1, 1, 200)[:, None]
    np.testing.assert_array_equal(ds.X, x)
    np.testing.assert_array_equal(ds.y, np.sin(2 * x))
    np.testing.assert_array_equal(ds.target(x[:, 0]), np.sin(2 * x[:, 0]))
    np.testing.assert_array_equal(make_dataset("function", target="sin2x").y, make_dataset("sin2x").y)
    s4 = make_dataset("seed004", n=11)
    assert s4.X[0, 0] == 0 and s4.X[-1, 0] == 1 and s4.name == "seed004"
    np.testing.assert_allclose(s4.y[-1, 0], 0.2 + 0.4 + 0.3 * np.sin(15) + 0.05 * np.cos(50))
    custom = function1d(np.cos, n=5, interval=(0, np.pi), noise=0.1, test_fraction=0.4)
    assert custom.name == "cos" and custom.X.shape == (3, 1) and custom.X_test.shape == (2, 1)
    assert np.all(np.diff(custom.X[:, 0]) > 0)
    assert function1d(lambda x: 2.0, n=3).y.ravel().tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(ValueError, match="sin2x"):
        function1d("no_such_function")


def test_single_sample():
    ds = single_sample()
    np.testing.assert_array_equal(ds.X, [[0.5]])
    np.testing.assert_array_equal(ds.y, [[np.sin(1.0)]])
    assert ds.X_test.shape == (0, 1) and ds.task == "regression"


def test_make_dataset_errors():
    with pytest.raises(ValueError, match="unknown data set 'moon'.*moons.*spiral"):
        make_dataset("moon")
    with pytest.raises(ValueError, match="no parameter 'nosie'.*accepted: n, noise, seed"):
        make_dataset("moons", nosie=0.1)
    with pytest.raises(ValueError, match="'target'"):
        make_dataset("sin2x", target="sin10x")             # the name already fixes the target
    with pytest.raises(ValueError, match="needs the parameter 'f'"):
        make_dataset("above")
    assert make_dataset("moons", n=100, noise=0.1, seed=0).X.shape == (100, 2)
    assert make_dataset("above", f="seed004", interval=[0, 1]).X[:, 0].min() >= 0  # TOML gives lists


def test_every_dataset_function_has_defaults_except_required():
    for name, factory in DATASETS.items():
        required = [p for p, d in dataset_parameters(name).items() if d is inspect.Parameter.empty]
        assert required == {"above": ["f"], "csv": ["path"]}.get(name, []), name


def test_from_arrays_guesses_task_and_encoding():
    X = np.arange(12.0).reshape(6, 2)
    ds = from_arrays(X, [1, -1, 1, -1, 1, -1])
    assert ds.task == "classification" and ds.encoding == "pm1" and ds.class_names == ["-1", "1"]
    np.testing.assert_array_equal(ds.labels, [1, 0, 1, 0, 1, 0])
    assert from_arrays(X, [0.0, 1, 0, 1, 0, 1]).encoding == "01"
    assert from_arrays(X, np.array([0, 2, 1, 2, 1, 0])).encoding == "onehot"
    assert from_arrays(X, ["cat", "dog", "cat", "dog", "cat", "dog"]).class_names == ["cat", "dog"]
    assert from_arrays(X, np.eye(3)[[0, 1, 2, 0, 1, 2]]).n_classes == 3
    reg = from_arrays(X[:, 0], np.linspace(0, 1, 6))
    assert reg.task == "regression" and reg.X.shape == (6, 1) and reg.y.shape == (6, 1)
    assert from_arrays(X, [0, 1, 0, 1, 0, 1], task="regression").task == "regression"


CSV_GOOD = """# a comment
x1, x2, label

0.5, 1.25, 1
-0.5, 2.5, 0
1.5, -1.75, 1
"""


def test_from_csv(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text(CSV_GOOD)
    ds = from_csv(path)
    assert ds.name == "points" and ds.X.shape == (3, 2) and ds.encoding == "01"
    np.testing.assert_array_equal(ds.labels, [1, 0, 1])
    by_name = from_csv(path, target_column="x2")
    assert by_name.task == "regression" and by_name.X[:, 1].tolist() == [1, 0, 1]

    path.write_text("1 2 setosa\n3 4 virginica\n5 6 setosa\n")      # no header, whitespace, text labels
    ds = from_csv(path, delimiter=None)
    assert ds.class_names == ["setosa", "virginica"] and ds.X.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert make_dataset("csv", path=str(path), delimiter=None).n_classes == 2


@pytest.mark.parametrize("text, message", [
    ("x,y\n1,2\nabc,3\n", r"bad\.csv, line 3: 'abc' in column 1 is not a number"),
    ("1,2,0\n3,4\n", r"bad\.csv, line 2: expected 3 values, found 2"),
    ("# only a comment\n", r"bad\.csv: no data"),
])
def test_from_csv_malformed(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=message) as info:
        from_csv(path)
    assert "\n" not in str(info.value)


def test_digits():
    pytest.importorskip("sklearn")
    ds = digits()
    assert ds.X.shape[1] == 64 and ds.y.shape[1] == 10 and ds.image_shape == (8, 8)
    assert len(ds.X) + len(ds.X_test) == 1797 and len(ds.X_test) == round(0.2 * 1797)
    assert 0 <= ds.X.min() and ds.X.max() <= 1 and ds.class_names[3] == "3"
    assert digits(n=100, test_fraction=0.0).X.shape == (100, 64)


def test_digits_without_sklearn(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)     # makes the import fail
    with pytest.raises(ImportError, match=r"pip install 'nnviz\[sklearn\]'"):
        digits()
