"""Seed 000: "How many epochs do you need to reach convergence? When you change the learning
rate, how does it affect the convergence?"

Trains the 1-3-1 network on its one sample at six learning rates. Convergence here means the
cost stays below 1e-6; a run whose cost becomes infinite is reported as diverged (the trainer
stops it and marks its trace), one that never settles as oscillating.

    python examples/seed000_learning_rates.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

from nnviz.exercises import convergence_study
from nnviz.render.study import convergence_figure

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

study = convergence_study("sample131", lrs=[0.03, 0.1, 0.3, 1.0, 2.0, 5.0], steps=300, tol=1e-6,
                          folder=out / "learning-rates")
print(study.table())
# lr 0.03: converged in 101 epochs ... lr 5: diverged (loss inf at step 255)

convergence_figure(study, out / "learning_rates.png")
print("wrote", out / "learning_rates.png")
