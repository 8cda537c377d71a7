"""The Parade RNN engine: Elman RNN, LSTM and GRU in float64 NumPy, PyTorch-compatible."""

from .cells import backward, forward
from .params import CELLS, GATES, init_params
from .trace import Trace

__all__ = ["CELLS", "GATES", "Trace", "backward", "forward", "init_params"]
