"""Data sets for nnviz: toy 2-D classification, 1-D function fitting, digits, your own data.

Every function returns a :class:`Dataset` (numpy arrays plus a few strings) and
is deterministic given its ``seed``. Pick one by name with :func:`make_dataset`:

>>> from nnviz.data import make_dataset
>>> ds = make_dataset("moons", n=100, noise=0.1, seed=0)
>>> ds.X.shape, ds.y.shape          # targets are -1/+1 ("pm1" encoding)
((100, 2), (100, 1))
"""

from .dataset import ENCODINGS, Dataset, decode_outputs, default_encoding, encode_labels, train_test_split
from .functions import TARGETS, Target, function1d, resolve_target, single_sample
from .loaders import digits, from_arrays, from_csv
from .registry import DATASETS, dataset_parameters, make_dataset
from .synthetic import above, circles, gaussians, harder, linear, moons, spiral, xor

__all__ = [
    "Dataset", "ENCODINGS", "encode_labels", "decode_outputs", "default_encoding", "train_test_split",
    "moons", "circles", "xor", "spiral", "gaussians", "linear", "harder", "above",
    "Target", "TARGETS", "resolve_target", "function1d", "single_sample",
    "digits", "from_arrays", "from_csv",
    "DATASETS", "make_dataset", "dataset_parameters",
]
