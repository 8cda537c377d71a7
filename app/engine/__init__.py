"""The Parade RNN engine: Elman RNN, LSTM and GRU in float64 NumPy, PyTorch-compatible.

Imports only NumPy and the standard library, never the web or database layers.
"""

from .cells import backward, forward
from .influence import influence
from .numerics import log_softmax, sigmoid, softmax
from .params import CELLS, GATES, init_params
from .trace import Trace

__all__ = [
    "CELLS",
    "GATES",
    "Trace",
    "backward",
    "forward",
    "influence",
    "init_params",
    "log_softmax",
    "sigmoid",
    "softmax",
]
