import os
import tempfile

import matplotlib

matplotlib.use("Agg")
# nnviz's trace cache in a folder of the test run's own (subprocesses inherit it), never ~/.cache
os.environ["NNVIZ_CACHE"] = tempfile.mkdtemp(prefix="nnviz-test-cache-")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def moons_trace(tmp_path_factory):
    """The seed-003 moons run with every step recorded (shared, read-only)."""
    import nnviz

    path = tmp_path_factory.mktemp("traces") / "moons.h5"
    return nnviz.train("moons", trace=path, record="all")
