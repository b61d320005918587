#!/usr/bin/env bash
# Set up nnviz on a fresh Debian machine: system packages (for manim and the browser tests),
# a virtual environment in .venv, and the package with its extras. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: cairo/pango headers for manim, chromium for the HTML-player browser tests.
APT_PACKAGES="libcairo2-dev libpango1.0-dev pkg-config chromium"
missing=""
for p in $APT_PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages:$missing"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
  else
    echo "setup: please install these Debian packages (as root):$missing" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
EXTRAS="dev"
if pkg-config --exists pangocairo 2>/dev/null; then EXTRAS="dev,manim"; fi
.venv/bin/python -m pip install -q -e ".[$EXTRAS]" 2>&1 | grep -v "is ignored" || true
# PyTorch for the tests of nnviz.integrations.torch: the CPU build of 2.13.0 this machine kind keeps
# on disk (a plain "pip install torch" would download a CUDA build of several GB)
if ! .venv/bin/python -c "import torch" 2>/dev/null; then
  .venv/bin/python -m pip install -q "torch==2.13.0" 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -c "import torch" 2>/dev/null || echo "setup: torch is not installed; its tests are skipped" >&2
fi
# Keras 3 for the Keras callback's tests (about 2 s; pure Python, no TensorFlow): only when torch,
# its backend here (KERAS_BACKEND=torch), is installed (Keras itself never pulls torch)
if .venv/bin/python -c "import torch" 2>/dev/null; then
  .venv/bin/python -m pip install -q "keras>=3.15.1" 2>&1 | grep -v "is ignored" || true
fi
.venv/bin/nnviz --version
