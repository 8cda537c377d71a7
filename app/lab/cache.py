"""A cache of computed answers bounded by their total size in bytes, least recently used
dropped first. A cache of computations, not per-user state: every process keeps its own."""

from __future__ import annotations

import threading
from collections import OrderedDict


class ByteCache:
    """Maps a key to bytes, holding at most `max_bytes` of values in all (keys are small and
    not counted). A value larger than the whole cache is not kept."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0  # bytes held now
        self.hits = 0
        self._values: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()  # requests run on a thread pool

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: str) -> bytes | None:
        """Return the bytes kept for `key` (now the most recently used), or None."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                self.hits += 1
            return value

    def put(self, key: str, value: bytes) -> None:
        """Keep `value` for `key`, dropping the least recently used until it fits."""
        if len(value) > self.max_bytes:
            return
        with self._lock:
            old = self._values.pop(key, None)
            if old is not None:
                self.size -= len(old)
            while self._values and self.size + len(value) > self.max_bytes:
                _, dropped = self._values.popitem(last=False)
                self.size -= len(dropped)
            self._values[key] = value
            self.size += len(value)
