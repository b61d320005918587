import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def moons_trace(tmp_path_factory):
    """The seed-003 moons run with every step recorded (shared, read-only)."""
    import nnviz

    path = tmp_path_factory.mktemp("traces") / "moons.h5"
    return nnviz.train("moons", trace=path, record="all")
