"""The whitelisting function-string parser: values, precedence, rejections with columns."""

import builtins
import warnings

import numpy as np
import pytest

from nnviz.expr import CONSTANTS, FUNCTIONS, ExpressionError, parse

X = np.linspace(-0.9, 0.9, 7)


@pytest.mark.parametrize("text, expected", [
    ("0.2+0.4*x**2+0.3*x*sin(15*x)+0.05*cos(50*x)",
     0.2 + 0.4 * X**2 + 0.3 * X * np.sin(15 * X) + 0.05 * np.cos(50 * X)),
    ("-x**2", -(X**2)),                 # unary minus binds looser than ** (as in Python)
    ("2**3**2 + 0*x", np.full_like(X, 512.0)),   # ** is right-associative
    ("2**-1 + x", 0.5 + X),             # a signed exponent
    ("x/2/2", X / 4),                   # / is left-associative
    ("1 - x - 1", -X),
    ("(1 + x) * (1 - x)", 1 - X**2),
    ("+x", X),
    ("--x", X),
    ("pi * e + 0*x", np.full_like(X, np.pi * np.e)),
    (".5e1 * x", 5 * X),
    ("1E-3*x", 1e-3 * X),
    ("abs(x) + sqrt(abs(x)) + exp(x) + log(2+x) + tan(x) + tanh(x)",
     np.abs(X) + np.sqrt(np.abs(X)) + np.exp(X) + np.log(2 + X) + np.tan(X) + np.tanh(X)),
])
def test_values_match_numpy(text, expected):
    f = parse(text)
    np.testing.assert_allclose(f(X), expected, rtol=1e-14, atol=1e-15)


def test_every_whitelisted_name_works():
    for name, fn in FUNCTIONS.items():
        with np.errstate(invalid="ignore"):  # log and sqrt of negative x: NaN in both
            np.testing.assert_allclose(parse(f"{name}(0.5*x)")(X), fn(0.5 * X))
    for name, value in CONSTANTS.items():
        assert parse(name)(X).tolist() == [value] * len(X)


def test_two_variables_and_broadcasting():
    f = parse("sin(3*x)*cos(3*y)")
    assert f.variables == ("x", "y")
    gx, gy = np.meshgrid(np.linspace(0, 1, 4), np.linspace(0, 1, 3))
    np.testing.assert_allclose(f(gx, gy), np.sin(3 * gx) * np.cos(3 * gy))
    assert parse("2")(np.zeros(5)).shape == (5,)       # a constant still gives one value per x
    with pytest.raises(ValueError, match="uses y"):
        f(X)


def test_floating_point_problems_give_nan_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = parse("log(x) + 1/x")(np.array([-1.0, 0.0, 1.0]))
    assert np.isnan(out[0]) and not np.isfinite(out[1]) and out[2] == 1.0


@pytest.mark.parametrize("text, fragment", [
    ("import os", "unexpected name 'import' at column 1: \"import os\""),
    ("__import__('os').system('ls')", "unexpected name '__import__' at column 1"),
    ("os.system('rm -rf /')", "unexpected name 'os' at column 1"),
    ("x.real", "unexpected character '.' at column 2"),
    ("lambda: 1", "unexpected name 'lambda' at column 1"),
    ("x^2", "unexpected character '^' at column 2"),
    ("2x", "unexpected name 'x' at column 2"),
    ("sin x", "expected '(' after 'sin' at column 5"),
    ("sin(x", "unexpected end of expression at column 6"),
    ("(x", "expected ')' to close the '(' at column 1"),
    ("x)", "unexpected ')' at column 2"),
    ("x +", "unexpected end of expression at column 4"),
    ("x + * 2", "unexpected '*' at column 5"),
    ("foo(x)", "unexpected name 'foo' at column 1"),
    ("x; 1", "unexpected character ';' at column 2"),
    ("", "empty expression"),
    ("   ", "empty expression"),
])
def test_rejections_name_the_token_and_its_column(text, fragment):
    with pytest.raises(ExpressionError) as e:
        parse(text)
    msg = str(e.value)
    assert fragment in msg, msg
    assert "\n" not in msg


def test_hints():
    with pytest.raises(ExpressionError, match=r"use \*\* for powers"):
        parse("x^2")
    with pytest.raises(ExpressionError, match=r"write 2\*x, not 2x"):
        parse("2x")
    with pytest.raises(ExpressionError, match="this function takes only x"):
        parse("x + y", variables=("x",))


def test_limits_are_errors_not_crashes():
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("(" * 500 + "x" + ")" * 500)
    with pytest.raises(ExpressionError, match="nested too deeply"):
        parse("-" * 500 + "x")
    with pytest.raises(ExpressionError, match="too long"):
        parse("x+" * 2000 + "x")
    with pytest.raises(ExpressionError, match="must be text"):
        parse(3.0)


def test_never_calls_eval(monkeypatch):
    def forbidden(*a, **k):
        raise AssertionError("eval/exec/compile must not be used")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    assert parse("sin(x) + 1")(np.array([0.0])).tolist() == [1.0]


def test_data_sets_accept_formulas():
    from nnviz.data import function1d, make_dataset

    ds = function1d("sin(3*x) + x**2", n=5, interval=(0, 1))
    np.testing.assert_allclose(ds.y[:, 0], np.sin(3 * ds.X[:, 0]) + ds.X[:, 0] ** 2)
    ds = make_dataset("function", target="0.5*x", n=3)
    assert ds.y[:, 0].tolist() == [-0.5, 0.0, 0.5]
    with pytest.raises(ValueError, match="column 4"):
        function1d("sin(3*x")
    with pytest.raises(ValueError, match="sin2x"):      # a bare unknown word still lists the targets
        function1d("no_such_function")
