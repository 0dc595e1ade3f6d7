# mypy: disable-error-code="no-untyped-call,attr-defined,no-untyped-def,unused-ignore"
"""Compile the one-source recursion (:mod:`.recursion`) for a numba target.

Each function of ``recursion.FUNCTIONS`` is re-created with its own globals table in which
its callees are the compiled versions for the same target, then compiled:

* ``"cpu"``: ``numba.njit(cache=True)`` (small helpers ``inline="always"``); the functions
  keep their source file and name, so numba's on-disk cache reuses them across processes;
* ``"cuda"``: ``numba.cuda.jit(device=True)``, called from the GPU kernels (numba's CUDA
  simulator runs them as Python when ``NUMBA_ENABLE_CUDASIM=1``).

numba is imported here only, lazily, by the kernel modules that need it.
"""

from __future__ import annotations

import types
from functools import cache
from typing import Any

from vivo.editing.offtarget._kernels import recursion

__all__ = ["compiled", "drop_stale_caches"]


@cache
def compiled(target: str) -> types.SimpleNamespace:
    """The recursion's functions compiled for ``target`` (``"cpu"`` or ``"cuda"``)."""
    if target == "cpu":
        import numba as nb

        def jit(fn: Any, small: bool) -> Any:
            return nb.njit(cache=True, inline="always" if small else "never")(fn)
    elif target == "cuda":
        from numba import cuda

        def jit(fn: Any, small: bool) -> Any:
            return cuda.jit(device=True)(fn)
    else:  # pragma: no cover - a programming error
        raise ValueError(f"unknown target {target!r}")
    table: dict[str, Any] = dict(vars(recursion))
    for name, small in recursion.FUNCTIONS:
        src = getattr(recursion, name)
        fn = types.FunctionType(src.__code__, table, name, src.__defaults__, src.__closure__)
        fn.__qualname__ = src.__qualname__
        fn.__doc__ = src.__doc__
        table[name] = jit(fn, small)
    return types.SimpleNamespace(**{name: table[name] for name, _ in recursion.FUNCTIONS},
                                 inf=recursion.inf)  # fmt: skip


def drop_stale_caches(*dispatchers: Any) -> None:
    """Forget numba's on-disk cache entries of kernels compiled before the last change of
    ``recursion.py``. numba checks a cached kernel against its own source file only, and the
    kernels in other files inline or call the recursion: without this, an edited recursion
    would keep running its old compiled form (a persistent ``NUMBA_CACHE_DIR``, as in CI)."""
    from pathlib import Path

    source = Path(recursion.__file__).stat().st_mtime
    for d in dispatchers:
        try:
            index = Path(d._cache._cache_file._index_path)
        except AttributeError:  # not a caching dispatcher
            continue
        if index.is_file() and index.stat().st_mtime < source and not d.signatures:
            d._cache.flush()
