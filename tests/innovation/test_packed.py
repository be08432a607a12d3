"""Potentials packed one by one: the same objects back, by supplier id, decoded on access."""

from __future__ import annotations

import pickle
from datetime import date

import joblib
import numpy as np
import pytest

from matcher.innovation.facts import FundingEvent, SupplierFacts
from matcher.innovation.packed import PackedPotentials
from matcher.innovation.supplier import SupplierPotential, supplier_potential

TODAY = date(2024, 6, 1)


def _potentials() -> dict[int, SupplierPotential]:
    funded = [FundingEvent("bf_grant", 2019 + i % 4, 10_000 * (i + 1)) for i in range(3)]
    return {sid: supplier_potential(SupplierFacts(sid, "FI", finnish=True, funding=funded[: sid % 4]),
                                    None, TODAY)
            for sid in (907, 3, 41, 12_000, 5)}  # fmt: skip


def test_reads_back_every_potential_by_id() -> None:
    plain = _potentials()
    packed = PackedPotentials(plain)
    assert len(packed) == len(plain) and list(packed) == sorted(plain)
    for sid, p in plain.items():
        assert sid in packed
        assert packed[sid] == p and packed.get(sid) == p
    assert 4 not in packed and packed.get(4) is None and 99_999 not in packed and "3" not in packed
    with pytest.raises(KeyError):
        packed[4]


def test_keeps_only_its_cache_of_decoded_potentials(tmp_path) -> None:  # type: ignore[no-untyped-def]
    packed = PackedPotentials(_potentials(), cache=2)
    for sid in packed:
        packed[sid]
    assert len(packed._decoded) == 2
    # Saved and loaded as the build does (joblib), without the cache or the lock.
    joblib.dump(packed, tmp_path / "p.joblib")
    again = joblib.load(tmp_path / "p.joblib")
    assert len(again._decoded) == 0 and dict(again) == dict(packed)
    assert pickle.loads(pickle.dumps(again))[907] == packed[907]


def test_a_memory_mapped_table_reads_the_same_potentials(tmp_path) -> None:  # type: ignore[no-untyped-def]
    packed = PackedPotentials(_potentials())
    joblib.dump(packed, tmp_path / "p.joblib")
    mapped = joblib.load(tmp_path / "p.joblib", mmap_mode="r")
    assert isinstance(mapped.blob, np.memmap) and not mapped.blob.flags.writeable
    assert dict(mapped) == dict(packed) and 4 not in mapped
