"""Seed 000, "more samples": the compact 1-10-1 tanh code fitting sin(2x) on 200 points.

"Change the code to define 3 hyper parameters: number of neurons in the hidden layer, learning
rate and the number of epochs." They are the options of this script; the defaults are the
tutorial's (10 neurons, lr 1e-4, 5000 epochs, U(0, 1) weights, biases 0.1, cost sum((y - t)^2)/2).
"What hyper parameter has the most impact?" Try --lr 3e-3, then --lr 1e-2.

The tutorial draws its weights without a seed, so one run's cost is one random draw: the script
also prints the final cost over init seeds 0-4 (at lr 1e-4 it ends anywhere between about 0.8
and 1.3).

    python examples/seed000_sin2x_tanh.py [--neurons 10] [--lr 1e-4] [--epochs 5000] [--out out]
"""

import argparse
from pathlib import Path

import nnviz
from nnviz.exercises import seed_spread
from nnviz.render import animate
from nnviz.train import resolve_config

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--neurons", type=int, default=10, help="hidden neurons (default 10)")
parser.add_argument("--lr", type=float, default=1e-4, help="learning rate (default 1e-4)")
parser.add_argument("--epochs", type=int, default=5000, help="epochs (default 5000)")
parser.add_argument("--out", default="out", help="output folder")
args = parser.parse_args()
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)

config = resolve_config("sin2x-tanh", lr=args.lr, steps=args.epochs)   # the preset, with the options
config["model"]["hidden"] = [args.neurons]
config["name"] = f"sin2x-tanh-{args.neurons}"
trace = nnviz.train(config, trace=out / f"{config['name']}.h5")
if trace.diverged:
    print("diverged:", trace.message)
else:
    print(f"{args.neurons} neurons, lr {args.lr:g}, {args.epochs} epochs: "
          f"cost {trace.loss[0]:.3g} -> {trace.loss[-1]:.3g}")
    spread = seed_spread(config, "loss", seeds=range(5), folder=out / "seeds")
    print(f"final cost {spread.describe()}")
    animate(trace, out / f"{config['name']}.gif", view_options={"loss": {"log": True}}, max_frames=80)
    print("wrote", out / f"{config['name']}.gif")
