"""Versioned builds under ``INDEX_DIR`` and the pointer that says which one is live.

A build writes everything it makes (index, manifest, innovation table, CPV inferrer, backend
files) into a new folder ``builds/<id>``; only when all of it is on disk is the ``current`` link
switched to it, by renaming a new symbolic link over the old one (a single atomic rename). A
reader resolves ``current`` once and reads every file from that folder, so it never mixes two
builds, and a server still reading an old build is not disturbed: the old folder stays until
``keep`` newer builds exist (and on POSIX an open or memory-mapped file outlives its removal).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from datetime import datetime
from pathlib import Path

__all__ = ["INDEX_FILE", "current_build", "live_build_beside", "new_build_dir", "publish"]

#: The index file in a build folder (and, in the flat layout of older versions, in ``INDEX_DIR``).
INDEX_FILE = "index.joblib"
_CURRENT = "current"
_BUILDS = "builds"


def current_build(index_dir: Path) -> Path | None:
    """The folder of the live build, or None if nothing was built.

    An ``INDEX_DIR`` written before versioned builds (the index file directly in it) is its own
    build folder.
    """
    link = index_dir / _CURRENT
    with contextlib.suppress(OSError):
        target = index_dir / os.readlink(link)
        if (target / INDEX_FILE).is_file():
            return target
    if (index_dir / INDEX_FILE).is_file():
        return index_dir
    return None


def live_build_beside(folder: Path) -> Path | None:
    """The live build of the ``INDEX_DIR`` that the build folder ``folder`` belongs to (a step of
    a build still being written reads the one before this way); None if ``folder`` is not a
    build folder or nothing is live."""
    if folder.parent.name != _BUILDS:
        return None
    return current_build(folder.parent.parent)


def new_build_dir(index_dir: Path) -> Path:
    """A new, empty folder for a build (named by time, so builds sort in the order made)."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S.%f")
    folder = index_dir / _BUILDS / f"{stamp}-{secrets.token_hex(3)}"
    folder.mkdir(parents=True)
    return folder


def publish(index_dir: Path, folder: Path, keep: int = 3) -> None:
    """Make ``folder`` the live build, then remove all but the ``keep`` newest builds made before
    it (a build started later and still being written is left alone).

    The link is relative (``builds/<id>``), so ``INDEX_DIR`` can be moved or mounted elsewhere.
    """
    tmp = index_dir / f".{_CURRENT}.{secrets.token_hex(4)}"
    os.symlink(Path(_BUILDS) / folder.name, tmp)
    os.replace(tmp, index_dir / _CURRENT)
    older = sorted(p for p in (index_dir / _BUILDS).iterdir() if p.is_dir() and p.name < folder.name)
    for old in older[: max(0, len(older) - keep)]:
        shutil.rmtree(old, ignore_errors=True)
