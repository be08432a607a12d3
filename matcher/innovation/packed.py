"""Innovation potentials saved one by one and decoded when a request asks for them.

A server used to unpickle every supplier's potential at start (18.4k potentials and 129k coded
sentences: about 3 s of CPU and 200 MiB per worker at 100k procurements, ten times that at
national size), though a request reads some fifty. Each potential is now pickled on its own
into one byte array with offsets, sorted by supplier id; a read decodes one and keeps the most
recent in a small cache.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping

import numpy as np

from .supplier import SupplierPotential

__all__ = ["PackedPotentials"]


class PackedPotentials(Mapping[int, SupplierPotential]):
    """Supplier id -> :class:`SupplierPotential`, decoded on access (read-only).

    Args:
        potentials: The potentials by supplier id.
        cache: Decoded potentials kept (the most recently read).
    """

    def __init__(self, potentials: Mapping[int, SupplierPotential], cache: int = 4096) -> None:
        ids = sorted(potentials)
        parts = [pickle.dumps(potentials[i], protocol=pickle.HIGHEST_PROTOCOL) for i in ids]
        self.ids = np.array(ids, np.int64)
        self.offsets = np.cumsum([0, *map(len, parts)], dtype=np.int64)
        self.blob = np.frombuffer(b"".join(parts), np.uint8)
        self.cache = cache
        self._init_cache()

    def _init_cache(self) -> None:
        self._decoded: OrderedDict[int, SupplierPotential] = OrderedDict()
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if k not in ("_decoded", "_lock")}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._init_cache()

    def __getitem__(self, supplier_id: int) -> SupplierPotential:
        with self._lock:
            hit = self._decoded.get(supplier_id)
            if hit is not None:
                self._decoded.move_to_end(supplier_id)
                return hit
        i = int(np.searchsorted(self.ids, supplier_id))
        if i == len(self.ids) or self.ids[i] != supplier_id:
            raise KeyError(supplier_id)
        potential: SupplierPotential = pickle.loads(
            self.blob[self.offsets[i] : self.offsets[i + 1]].tobytes()
        )
        with self._lock:
            self._decoded[supplier_id] = potential
            if len(self._decoded) > self.cache:
                self._decoded.popitem(last=False)
        return potential

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids.tolist())

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, supplier_id: object) -> bool:
        if not isinstance(supplier_id, int | np.integer):
            return False
        i = int(np.searchsorted(self.ids, supplier_id))
        return i < len(self.ids) and int(self.ids[i]) == supplier_id
