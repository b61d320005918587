"""A small, whitelisting parser for function strings such as ``"sin(3*x)*cos(3*y) + x**2"``.

Function strings come from the command line (``nnviz bumps --function ...``) and from config
files, so they are never handed to :func:`eval`. A tokenizer and a recursive-descent parser accept
exactly this grammar and nothing else::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := ("-" | "+") unary | power
    power  := atom ("**" unary)?              right-associative; -x**2 is -(x**2), as in Python
    atom   := NUMBER | VARIABLE | CONSTANT | FUNCTION "(" expr ")" | "(" expr ")"

with the variables ``x`` and ``y``, the constants ``pi`` and ``e``, and the functions ``sin cos tan
exp log sqrt abs tanh`` (``log`` is the natural logarithm). Numbers are decimal (``2``, ``0.5``,
``.5``, ``1e-3``). Anything else is rejected with a one-line message that names the offending
token and its column (1-based)::

    >>> parse("x^2")
    Traceback (most recent call last):
    ...
    nnviz.expr.ExpressionError: unexpected character '^' at column 2: "x^2" (use ** for powers)

The parse tree is compiled into nested numpy calls, so the result is vectorised:

    >>> import numpy as np
    >>> f = parse("0.2 + 0.4*x**2")
    >>> f(np.array([0.0, 1.0]))
    array([0.2, 0.6])
"""

from __future__ import annotations

import math
import re
from typing import Callable, NamedTuple, Sequence

import numpy as np

__all__ = ["Expression", "ExpressionError", "parse", "FUNCTIONS", "CONSTANTS", "VARIABLES"]

#: Whitelisted functions: name -> numpy ufunc.
FUNCTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log, "sqrt": np.sqrt,
    "abs": np.abs, "tanh": np.tanh,
}
#: Whitelisted constants.
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
#: Variables a function string may use.
VARIABLES = ("x", "y")

MAX_LENGTH = 2000  # characters
MAX_DEPTH = 100    # nesting of parentheses, unary signs and powers (keeps recursion bounded)


class ExpressionError(ValueError):
    """A function string that is not in the grammar; the message is one line with the column."""


class _Token(NamedTuple):
    kind: str   # "num", "name", "op", "(", ")", "end"
    text: str
    col: int    # 1-based column of the token's first character


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|[-+*/])
  | (?P<lpar>\()
  | (?P<rpar>\))
""", re.VERBOSE)


def _quote(text: str) -> str:
    return '"' + text.replace("\n", " ") + '"'


def _tokenize(text: str) -> list[_Token]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # reported by the parser when it gets there, so errors come in reading order
            tokens.append(_Token("bad", text[pos], pos + 1))
            break
        kind = m.lastgroup
        if kind != "ws":
            kind = {"lpar": "(", "rpar": ")"}.get(kind, kind)
            tokens.append(_Token(kind, m.group(), pos + 1))
        pos = m.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


def _describe(tok: _Token) -> str:
    if tok.kind == "bad":
        return f"character {tok.text!r}"
    if tok.kind == "end":
        return "end of expression"
    if tok.kind == "num":
        return f"number {tok.text}"
    if tok.kind == "name":
        return f"name {tok.text!r}"
    return f"{tok.text!r}"


# A compiled node is a function of the variable values: node(env) -> ndarray or float.
_Node = Callable[[dict], "np.ndarray | float"]


class _Parser:
    def __init__(self, text: str, variables: Sequence[str]):
        self.text = text
        self.variables = tuple(variables)
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.used: set[str] = set()

    # ------------------------------------------------------------ helpers
    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def error(self, tok: _Token, hint: str = "") -> ExpressionError:
        if tok.kind == "bad" and tok.text == "^":
            hint = "use ** for powers"
        msg = f"unexpected {_describe(tok)} at column {tok.col}: {_quote(self.text)}"
        return ExpressionError(msg + (f" ({hint})" if hint else ""))

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def enter(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"expression nested too deeply (more than {MAX_DEPTH} levels) "
                                  f"at column {self.tok.col}: {_quote(self.text[:60])}")

    # ------------------------------------------------------------ grammar
    def parse(self) -> _Node:
        if self.tok.kind == "end":
            raise ExpressionError(f"empty expression: {_quote(self.text)}")
        node = self.expr()
        if self.tok.kind != "end":
            tok = self.tok
            hint = ""
            if tok.kind in ("name", "num", "("):
                prev = self.tokens[self.i - 1]
                hint = "missing operator: write 2*x, not 2x" if prev.kind == "num" else "missing operator?"
            if tok.kind == ")":
                hint = "unbalanced parenthesis"
            raise self.error(tok, hint)
        return node

    def expr(self) -> _Node:
        first, rest = self.term(), []
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take().text
            rest.append((np.add if op == "+" else np.subtract, self.term()))
        return _chain(first, rest)

    def term(self) -> _Node:
        first, rest = self.unary(), []
        while self.tok.kind == "op" and self.tok.text in ("*", "/"):
            op = self.take().text
            rest.append((np.multiply if op == "*" else np.true_divide, self.unary()))
        return _chain(first, rest)

    def unary(self) -> _Node:
        if self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take().text
            self.enter()
            operand = self.unary()
            self.depth -= 1
            return operand if op == "+" else _unary(np.negative, operand)
        return self.power()

    def power(self) -> _Node:
        base = self.atom()
        if self.tok.kind == "op" and self.tok.text == "**":
            self.take()
            self.enter()
            exponent = self.unary()  # right-associative, and 2**-1 is allowed
            self.depth -= 1
            return _binary(np.power, base, exponent)
        return base

    def atom(self) -> _Node:
        tok = self.tok
        if tok.kind == "num":
            self.take()
            value = float(tok.text)
            return lambda env: value
        if tok.kind == "(":
            self.take()
            self.enter()
            node = self.expr()
            self.depth -= 1
            self.expect_close(tok)
            return node
        if tok.kind == "name":
            self.take()
            name = tok.text
            if name in FUNCTIONS:
                if self.tok.kind != "(":
                    raise ExpressionError(f"expected '(' after {name!r} at column {self.tok.col}: "
                                          f"{_quote(self.text)}")
                open_tok = self.take()
                self.enter()
                arg = self.expr()
                self.depth -= 1
                self.expect_close(open_tok)
                return _unary(FUNCTIONS[name], arg)
            if name in self.variables:
                self.used.add(name)
                return lambda env: env[name]
            if name in CONSTANTS:
                value = CONSTANTS[name]
                return lambda env: value
            allowed = ", ".join(list(self.variables) + list(CONSTANTS) + list(FUNCTIONS))
            if name in VARIABLES:  # a variable this function may not use (y in a 1-D function)
                allowed = "this function takes only " + " and ".join(self.variables)
            else:
                allowed = "allowed names: " + allowed
            raise self.error(tok, allowed)
        hint = "missing operand" if tok.kind in ("op", ")", "end") else ""
        raise self.error(tok, hint)

    def expect_close(self, open_tok: _Token):
        if self.tok.kind != ")":
            tok = self.tok
            raise self.error(tok, f"expected ')' to close the '(' at column {open_tok.col}")
        self.take()


def _unary(fn, a: _Node) -> _Node:
    return lambda env: fn(a(env))


def _chain(first: _Node, rest: list) -> _Node:
    """``a op b op c ...`` evaluated left to right in a loop: a long sum is one node, not a chain of
    nested calls as deep as it is long (so any string within MAX_LENGTH evaluates)."""
    if not rest:
        return first

    def run(env):
        acc = first(env)
        for fn, node in rest:
            acc = fn(acc, node(env))
        return acc

    return run


def _binary(fn, a: _Node, b: _Node) -> _Node:
    return lambda env: fn(a(env), b(env))


class Expression:
    """A parsed function string, callable on numpy arrays.

    Parameters are given with :func:`parse`. Calling it evaluates the expression elementwise:
    ``f(x)`` for a function of ``x``, ``f(x, y)`` for a function of ``x`` and ``y`` (a function
    of ``x`` only ignores ``y``). The result always has the broadcast shape of the inputs, also for
    a constant such as ``"2"``. Floating-point problems (``log(-1)``, ``1/0``) give NaN or inf
    without warnings; callers check :func:`numpy.isfinite`.

    Attributes
    ----------
    text : str
        The function string.
    variables : tuple of str
        The variables the string actually uses, in the order ``x, y``.
    """

    def __init__(self, text: str, node: _Node, variables: Sequence[str]):
        self.text = text
        self._node = node
        self.variables = tuple(variables)
        self.__name__ = text  # shown by nnviz.data.resolve_target as the function's name

    def __call__(self, x, y=None) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        env = {"x": x}
        if y is not None:
            y = np.asarray(y, dtype=float)
            env["y"] = y
            shape = np.broadcast_shapes(x.shape, y.shape)
        else:
            if "y" in self.variables:
                raise ValueError(f"the function {self.text!r} uses y: call it as f(x, y)")
            shape = x.shape
        with np.errstate(all="ignore"):
            out = np.asarray(self._node(env), dtype=float)
        return np.broadcast_to(out, shape).copy() if out.shape != shape else out

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


def parse(text: str, variables: Sequence[str] = VARIABLES) -> Expression:
    """Parse a function string into a vectorised :class:`Expression`.

    Parameters
    ----------
    text : str
        E.g. ``"0.2+0.4*x**2+0.3*x*sin(15*x)+0.05*cos(50*x)"``.
    variables : sequence of str, default ("x", "y")
        The variables allowed; ``("x",)`` for a function of one variable.

    Returns
    -------
    Expression
        Callable on arrays: ``f(x)`` or ``f(x, y)``.

    Raises
    ------
    ExpressionError
        (a ValueError) with one line naming the offending token and its 1-based column.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"a function string must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"function string too long ({len(text)} characters, at most {MAX_LENGTH})")
    bad = [v for v in variables if v not in VARIABLES]
    if bad:
        raise ValueError(f"unknown variable(s) {bad}; function strings may use {', '.join(VARIABLES)}")
    p = _Parser(text, variables)
    node = p.parse()
    used = tuple(v for v in VARIABLES if v in p.used)
    return Expression(text, node, used)
