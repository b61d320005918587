"""What the network view writes beside its diagram: the caption of each sub-frame and the
backprop equations (seed 002's (1)-(4), with the forward pass, the loss and the update), whose
boxes light up as a phase uses them."""

from __future__ import annotations

from matplotlib.patches import FancyBboxPatch

from ....nn import get_activation
from ...style import SMALLEST_TEXT
from .numbers import sup

__all__ = ["caption_text", "draw_equations", "LOSS_TEX"]

_OPTIMIZERS = {"adam": "Adam", "momentum": "momentum", "lbfgs": "L-BFGS"}

#: The cost of each loss, as the equations panel writes it.
LOSS_TEX = {
    "half_sse": r"C = \frac{1}{2}\sum_i (a_i^L - t_i)^2",
    "mse": r"C = \frac{1}{n}\sum_i (a_i^L - t_i)^2",
    "bce": r"C = -\frac{1}{n}\sum_i [t_i \ln a_i^L + (1-t_i)\ln(1-a_i^L)]",
    "log_loss": r"C = -\frac{1}{n}\sum_i [t_i \ln a_i^L + (1-t_i)\ln(1-a_i^L)]",
    "cross_entropy": r"C = -\frac{1}{n}\sum_i \sum_k t_{ik} \ln a_{ik}^L",
    "perceptron": r"C = \frac{1}{n}\sum_i \max(0,\, -t_i\, a_i^L)",
    "hinge": r"C = \frac{1}{n}\sum_i \max(0,\, 1 - t_i\, a_i^L)",
}


def draw_equations(view, fig, ax, renderer=None):
    """Seed 002's four equations (and the forward pass, the loss, the update) in the panel ``ax``
    beside the diagram of ``view`` (a NetworkView); their highlight boxes go to ``view.eq_boxes``."""
    th = view.theme
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fs = 1.02 * view._rc_fontsize
    loss_tex = LOSS_TEX.get(view.loss_name, r"C = \mathrm{loss}(a^L, t)")
    if view.l2:
        loss_tex += r" + \frac{\lambda}{2}\sum_l \Vert W^l\Vert^2"
    rows = [
        ("F", "", r"$z_j^l = \sum_k w_{jk}^l\, a_k^{l-1} + b_j^l,\;\; a_j^l = f(z_j^l)$"),
        ("C", "", f"${loss_tex}$"),
        ("1", "(1)", r"$\delta_j^L = f\,'(z_j^L)\,\dfrac{\partial C}{\partial a_j^L}$"),
        ("2", "(2)", r"$\delta_j^l = \sum_k \delta_k^{l+1}\, w_{kj}^{l+1}\, f\,'(z_j^l)$"),
        ("3", "(3)", r"$\dfrac{\partial C}{\partial w_{jk}^l} = \delta_j^l\, a_k^{l-1}$"),
        ("4", "(4)", r"$\dfrac{\partial C}{\partial b_j^l} = \delta_j^l$"),
        ("U", "", r"$w \leftarrow w - \eta\, \frac{\partial C}{\partial w},\;\; b \leftarrow b - \eta\, \frac{\partial C}{\partial b}$"),
    ]
    heads = {"F": "forward", "C": "loss", "1": "backward", "U": "update"}
    top, bottom = 0.84, 0.13
    step = (top - bottom) / (len(rows) - 1)
    ax.text(0.0, 0.995, "backpropagation (seed 002)", ha="left", va="top", color=th.text,
            fontsize=0.95 * view._rc_fontsize, weight="bold")
    view.eq_boxes = {}
    hl = view.grad_colors[0]
    renderer = renderer or fig.canvas.get_renderer()
    ax_w = max(ax.get_window_extent(renderer).width, 50.0)
    tag_w = 0.9 * fs * view.px * 1.9 + 6  # "(1) "
    x_eq = min(tag_w / ax_w, 0.2)
    texts = []
    for i, (key, tag, tex) in enumerate(rows):
        y = top - i * step
        if key in heads:
            ax.text(0.0, y + 0.42 * step, heads[key], ha="left", va="center", color=th.muted,
                    fontsize=SMALLEST_TEXT * view._rc_fontsize)
        ax.text(0.0, y, tag, ha="left", va="center", color=th.text, fontsize=0.9 * fs)
        texts.append(ax.text(x_eq, y, tex, ha="left", va="center", color=th.text, fontsize=fs))
    # the widest equation must fit the panel: shrink every equation alike if it does not
    widest = max(t.get_window_extent(renderer).width for t in texts)
    room = (1.0 - x_eq) * ax_w - 4
    if widest > room:
        for t in texts:
            t.set_fontsize(fs * max(room / widest, SMALLEST_TEXT / 1.02))
    for i, (key, tag, tex) in enumerate(rows):
        y = top - i * step
        box = FancyBboxPatch((-0.02, y - 0.36 * step), 1.02, 0.72 * step, boxstyle="round,pad=0.005,rounding_size=0.02",
                             facecolor=hl, edgecolor=hl, alpha=0.16, lw=1.2, animated=True, zorder=0)
        ax.add_patch(box)
        box.set_clip_on(False)
        box.set_visible(False)
        view.eq_boxes[key] = box
    # the footnote in the smallest text; lines broken shorter where the panel is narrow
    for lines in (["w$_{jk}^l$: from unit k of layer l−1 to unit j of layer l", "(nnviz stores it as W[l][k, j])"],
                  ["w$_{jk}^l$: from unit k of layer l−1", "to unit j of layer l", "(nnviz stores it as W[l][k, j])"],
                  ["w$_{jk}^l$: from unit k", "of layer l−1 to unit j", "of layer l (nnviz stores", "it as W[l][k, j])"]):
        note = ax.text(0.0, 0.015, "\n".join(lines), ha="left", va="bottom", color=th.muted,
                       fontsize=SMALLEST_TEXT * view._rc_fontsize, linespacing=1.3)
        if note.get_window_extent(renderer).width <= ax_w - 2:
            break
        note.remove()
        note = None
    if note is None:  # nothing fits: the shortest, as it is
        ax.text(0.0, 0.015, "\n".join(lines), ha="left", va="bottom", color=th.muted,
                fontsize=SMALLEST_TEXT * view._rc_fontsize, linespacing=1.3)


def _batch(view) -> str:
    """What the trace's gradient averages over: "100 samples", or "minibatch of 32"."""
    size = int(view.trace.config.get("train", {}).get("batch_size", 0) or 0)
    return f"minibatch of {size}" if 0 < size < view.n_train else f"{view.n_train} samples"


def caption_text(view, key, st, d) -> str:
    """What sub-frame ``key`` of ``view`` (a NetworkView) shows, in one line."""
    L, phase, layer = view.L, st["phase"], getattr(key, "layer", None)
    mean = view.sample == "mean"  # a real sample's pass beside the batch-mean gradient
    who = f"sample {d.extra['forward_sample']}" if mean else f"sample {view.sample}"
    if phase is None:
        return f"forward pass ({who})"
    if phase == "z":
        return f"forward, layer {layer}: z{sup(layer)} = a{sup(layer - 1)}·W{sup(layer)} + b{sup(layer)}"
    if phase == "forward":
        return f"forward pass ({who}): z and a of every layer"
    if phase == "a":
        return f"forward, layer {layer}: a{sup(layer)} = {get_activation(view.acts[layer - 1]).symbol}(z{sup(layer)})"
    if phase == "loss":
        text = f"loss at the output: {view._loss_symbol()} = {view.fmt(d.loss)}"
        return text + (f" ({who}; batch C = {view.fmt(d.extra['batch_loss'])})" if mean else "")
    if phase == "delta":
        if layer == L:
            return f"output error δ{sup(L)} = f′(z{sup(L)}) ∂C/∂a{sup(L)}   (1)"
        return f"backward, layer {layer}: δ{sup(layer)} from δ{sup(layer + 1)} and W{sup(layer + 1)}   (2)"
    if phase == "backward":
        return "backward pass: every δ, top to bottom   (1), (2)"
    if phase == "gradient":
        if mean:
            return f"gradients of every layer: batch means over the {_batch(view)} (nodes: {who})   (3), (4)"
        return "gradients of every layer: ∂C/∂w = δ a, ∂C/∂b = δ   (3), (4)"
    if phase == "grad":
        if mean:  # the trace's dW: not the δ a of the sample on the nodes
            return (f"gradient of layer {layer}: ∂C/∂w = mean of δ{sup(layer)} a{sup(layer - 1)} over the "
                    f"{_batch(view)}{' + λw' if view.l2 else ''} (nodes: {who})   (3), (4)")
        return f"gradient of layer {layer}: ∂C/∂w = δ{sup(layer)} a{sup(layer - 1)} (sample's own gradient)   (3), (4)"
    if phase == "update":
        lr = float(view.trace.lr[int(key)]) if len(view.trace.lr) > int(key) else float("nan")
        done = f"{round(st['update'] * 100):d}%"
        train = view.trace.config.get("train", {})
        opt = train.get("optimizer", "gd")
        if opt not in ("gd", "sgd"):  # the weights still come from the trace; the rule is the optimizer's
            return f"update by {_OPTIMIZERS.get(opt, opt)} (η = {lr:g}): W(k) → W(k+1)   {done}"
        if 0 < int(train.get("batch_size", 0) or 0) < view.n_train:
            return f"update: w ← w − η ∂C/∂w, η = {lr:g} (minibatch gradient)   {done}"
        batch = "" if view.n_train == 1 else " (batch gradient)"
        return f"update: w ← w − η ∂C/∂w, η = {lr:g}{batch}   {done}"
    return ""
