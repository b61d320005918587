"""A plain PyTorch training loop, recorded with nnviz and animated.

A 2-16-16-1 tanh network on the moons, trained by the loop every PyTorch tutorial writes; one
line, ``rec.step(k)`` between ``backward()`` and ``opt.step()``, records it. nnviz stores torch's
own gradients and checks them against its own backprop (``nnviz info`` prints the difference).

    python examples/torch_moons.py [OUTPUT_DIR]
"""

import sys
from pathlib import Path

import torch

from nnviz.data import moons
from nnviz.integrations.torch import TorchRecorder
from nnviz.render import animate

out = Path(sys.argv[1] if len(sys.argv) > 1 else "out")
out.mkdir(parents=True, exist_ok=True)

data = moons(n=200, noise=0.15, seed=0, encoding="01")
X = torch.tensor(data.X)
y = torch.tensor(data.labels, dtype=torch.float64)[:, None]

torch.set_num_threads(1)   # a network this small is fastest on one thread
torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(2, 16), torch.nn.Tanh(),
    torch.nn.Linear(16, 16), torch.nn.Tanh(),
    torch.nn.Linear(16, 1),              # logits: BCEWithLogitsLoss applies the sigmoid
).double()
loss_fn = torch.nn.BCEWithLogitsLoss()
opt = torch.optim.SGD(model.parameters(), lr=0.5)
steps = 400

with TorchRecorder(model, X, y, loss=loss_fn, trace=out / "torch_moons.h5", steps=steps, optimizer=opt,
                   name="PyTorch 2-16-16-1 tanh on moons") as rec:
    for k in range(steps + 1):
        opt.zero_grad()
        loss = loss_fn(model(X), y)
        loss.backward()
        rec.step(k, loss=loss)           # W(k) and its gradient, before the update
        if k < steps:
            opt.step()

trace = rec.trace
s = trace.summary()
print(f"final loss {s['final_loss']:.4f}  accuracy {s['final_accuracy']:.1%}")
print("torch gradients", s["torch_gradients"])
animate(trace, out / "torch_moons.gif")
print("wrote", out / "torch_moons.gif")
