"""Build the PyTorch reference fixtures in tests/engine/fixtures/ (run by hand, needs torch).

    python tests/engine/make_fixtures.py [PREFIX ...]   # only the files named PREFIX...

Each .npz holds, in float64: params (weight_ih, weight_hh, bias_ih, bias_hh), xs,
h0/c0 when given, dh (the upstream gradient), torch's h (and c for the LSTM) at
every step, and torch's gradients grad_<name> for every parameter and for xs, h0, c0.
The tests compare the engine to these without importing torch.

train_<cell>_<dtype>.npz hold one next-character training step in float64 and in
float32: the cell plus an nn.Linear readout (weight_hy, bias_y), input ids and
targets (T, B), the mean cross-entropy `loss`, every gradient grad_<name>, and the
parameters after clipping the global norm at 1.0 and one Adam step, after_<name>.

"rnnrelu" is nn.RNN(nonlinearity="relu"): the engine's rnn cell with nonlinearity="relu".
Its forward fixtures start from PyTorch's default weights; train_rnnrelu_* starts from
the IRNN init (identity weight_hh, zero biases; Le et al., 2015), as the Train view does.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import numpy as np
import torch

OUT = Path(__file__).parent / "fixtures"
SHAPES = [(3, 4, 5), (5, 2, 7), (1, 3, 1)]  # (D, H, T)
MODULES = {
    "rnn": torch.nn.RNN,
    "lstm": torch.nn.LSTM,
    "gru": torch.nn.GRU,
    "rnnrelu": functools.partial(torch.nn.RNN, nonlinearity="relu"),
}


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


def build_train(cell: str, dtype: torch.dtype, seed: int) -> dict[str, np.ndarray]:
    V, H, T, B = 7, 5, 6, 3
    torch.manual_seed(seed)
    net = MODULES[cell](V, H).double()
    head = torch.nn.Linear(H, V).double()
    if cell == "rnnrelu":  # the IRNN init: W_hh = I, biases 0
        with torch.no_grad():
            net.weight_hh_l0.copy_(torch.eye(H, dtype=torch.float64))
            net.bias_ih_l0.zero_()
            net.bias_hh_l0.zero_()
    ids = torch.randint(0, V, (T, B))
    targets = torch.randint(0, V, (T, B))
    arrays: dict[str, np.ndarray] = {"ids": ids.numpy(), "targets": targets.numpy()}
    named = {f"{n}_l0": n for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
    named |= {"weight": "weight_hy", "bias": "bias_y"}
    params = {named[n]: p for n, p in [*net.named_parameters(), *head.named_parameters()]}
    for name, p in params.items():
        arrays[name] = p.detach().numpy().copy()  # float64, rounded below for float32
    net.to(dtype)
    head.to(dtype)
    out, _ = net(torch.nn.functional.one_hot(ids, V).to(dtype))
    loss = torch.nn.functional.cross_entropy(head(out).reshape(-1, V), targets.reshape(-1))
    loss.backward()
    arrays["loss"] = np.array(loss.item())
    for name, p in params.items():
        arrays[name] = p.detach().numpy().copy()
        arrays[f"grad_{name}"] = p.grad.numpy().copy()
    torch.nn.utils.clip_grad_norm_(list(params.values()), 1.0)
    torch.optim.Adam(list(params.values()), lr=0.01).step()
    for name, p in params.items():
        arrays[f"after_{name}"] = p.detach().numpy().copy()
    return arrays


def main(prefixes: list[str]) -> None:
    """Write every fixture, or only those whose file name starts with one of `prefixes`.

    Seeds are numbered in a fixed order (cells as listed in MODULES), so a file rebuilt
    alone holds the same numbers as when all are rebuilt.
    """
    OUT.mkdir(exist_ok=True)

    def save(name: str, make: functools.partial[dict[str, np.ndarray]]) -> None:
        if prefixes and not name.startswith(tuple(prefixes)):
            return
        np.savez_compressed(OUT / name, **make())
        print(name)

    seed = 0
    for cell in ("rnn", "lstm", "gru"):
        for D, H, T in SHAPES:
            for with_state in (False, True):
                seed += 1
                name = f"{cell}_D{D}_H{H}_T{T}_{'state' if with_state else 'zero'}.npz"
                save(name, functools.partial(build, cell, D, H, T, with_state, seed))
    for cell in ("rnn", "lstm", "gru"):
        for dtype in (torch.float64, torch.float32):
            seed += 1
            name = f"train_{cell}_{str(dtype).split('.')[1]}.npz"
            save(name, functools.partial(build_train, cell, dtype, seed))
    # added later: numbered after the others, so their seeds did not move
    for D, H, T in SHAPES:
        for with_state in (False, True):
            seed += 1
            name = f"rnnrelu_D{D}_H{H}_T{T}_{'state' if with_state else 'zero'}.npz"
            save(name, functools.partial(build, "rnnrelu", D, H, T, with_state, seed))
    for dtype in (torch.float64, torch.float32):
        seed += 1
        name = f"train_rnnrelu_{str(dtype).split('.')[1]}.npz"
        save(name, functools.partial(build_train, "rnnrelu", dtype, seed))


if __name__ == "__main__":
    main(sys.argv[1:])
