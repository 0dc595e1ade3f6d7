"""vivo's folders on disk: the genome store and the cache, each moved by one variable.

============ ================================================ ==============================
folder        default                                          moved by
============ ================================================ ==============================
genome store  ``~/.local/share/vivo/genomes``                  ``--home``, ``$VIVO_HOME``
cache         ``$XDG_CACHE_HOME/vivo`` (``~/.cache/vivo``)     ``$VIVO_CACHE_DIR``
============ ================================================ ==============================

The cache holds what vivo derives from a user's input files (FASTA ``.fai``/``.gzi`` indexes,
decompressed copies), keyed by the input's path, size and modification time, so nothing is
ever written next to an input. It can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from vivo.core.errors import DataError

__all__ = ["cache_dir", "cache_path", "genomes_home"]


def genomes_home(home: str | os.PathLike[str] | None = None) -> Path:
    """The genome store: ``home``, else ``$VIVO_HOME/genomes``, else
    ``~/.local/share/vivo/genomes``."""
    if home is not None:
        return Path(home)
    env = os.environ.get("VIVO_HOME")
    if env:
        return Path(env) / "genomes"
    return Path.home() / ".local" / "share" / "vivo" / "genomes"


def cache_dir() -> Path:
    """The cache folder: ``$VIVO_CACHE_DIR``, else ``$XDG_CACHE_HOME/vivo``, else
    ``~/.cache/vivo`` (not created here)."""
    env = os.environ.get("VIVO_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "vivo"


def cache_path(source: Path, kind: str, suffix: str) -> Path:
    """Where the cached ``kind`` (e.g. ``"fasta"``) derived from ``source`` lives, keyed by
    the source's resolved path, size and modification time; its folder is created."""
    st = source.stat()
    key = f"{source.resolve()}\0{st.st_size}\0{st.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    folder = cache_dir() / kind
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(
            f"cannot create vivo's cache folder {folder}: {exc.strerror}",
            hint="set VIVO_CACHE_DIR to a writable folder",
        ) from exc
    if not os.access(folder, os.W_OK):
        raise DataError(
            f"vivo's cache folder {folder} is not writable",
            hint="set VIVO_CACHE_DIR to a writable folder",
        )
    return folder / f"{digest}-{source.name}{suffix}"
