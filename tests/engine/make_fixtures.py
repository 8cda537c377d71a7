"""Build the PyTorch reference fixtures in tests/engine/fixtures/ (run by hand, needs torch).

    python tests/engine/make_fixtures.py

Each .npz holds, in float64: params (weight_ih, weight_hh, bias_ih, bias_hh), xs,
h0/c0 when given, dh (the upstream gradient), torch's h (and c for the LSTM) at
every step, and torch's gradients grad_<name> for every parameter and for xs, h0, c0.
The tests compare the engine to these without importing torch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).parent / "fixtures"
SHAPES = [(3, 4, 5), (5, 2, 7), (1, 3, 1)]  # (D, H, T)
MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def build(cell: str, D: int, H: int, T: int, with_state: bool, seed: int) -> dict[str, np.ndarray]:
    torch.manual_seed(seed)
    net = MODULES[cell](D, H).double()
    xs = torch.randn(T, D, dtype=torch.float64, requires_grad=True)
    dh = torch.randn(T, H, dtype=torch.float64)
    arrays: dict[str, np.ndarray] = {}
    state: tuple[torch.Tensor, ...] = ()
    if with_state:
        h0 = torch.randn(1, H, dtype=torch.float64, requires_grad=True)
        c0 = torch.randn(1, H, dtype=torch.float64, requires_grad=True)
        state = (h0, c0) if cell == "lstm" else (h0,)
    if cell == "lstm":
        # c_t is not an output of nn.LSTM, so step it one time step at a time
        h, c = (state[0], state[1]) if state else (None, None)
        hs, cs = [], []
        for t in range(T):
            out, (h, c) = net(xs[t : t + 1], None if h is None else (h, c))
            hs.append(out)
            cs.append(c)
        h_all = torch.cat(hs)
        arrays["c"] = torch.cat(cs).detach().numpy()
    else:
        h_all, _ = net(xs, state[0] if state else None)
    (h_all * dh).sum().backward()
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        p = getattr(net, f"{name}_l0")
        arrays[name] = p.detach().numpy().copy()
        arrays[f"grad_{name}"] = p.grad.numpy().copy()
    arrays["xs"] = xs.detach().numpy()
    arrays["grad_xs"] = xs.grad.numpy()
    arrays["dh"] = dh.numpy()
    arrays["h"] = h_all.detach().numpy()
    for name, tensor in zip(("h0", "c0"), state, strict=False):
        arrays[name] = tensor.detach().numpy()[0]
        arrays[f"grad_{name}"] = tensor.grad.numpy()[0]
    return arrays


def main() -> None:
    OUT.mkdir(exist_ok=True)
    seed = 0
    for cell in MODULES:
        for D, H, T in SHAPES:
            for with_state in (False, True):
                seed += 1
                arrays = build(cell, D, H, T, with_state, seed)
                name = f"{cell}_D{D}_H{H}_T{T}_{'state' if with_state else 'zero'}.npz"
                np.savez_compressed(OUT / name, **arrays)
                print(name)


if __name__ == "__main__":
    main()
