"""Backends of the off-target search: what each can do, whether it runs here, and the choice
of ``auto`` — in this one place.

* ``numpy``: the reference kernels (brute force over every site row, pure numpy): the oracle.
* ``cpu``: numba ``njit`` kernels on the pigeonhole key tables, parallel over guides.
* ``gpu``: numba.cuda kernels driven by the same keys, the index resident on the device.
* ``dask`` is not a kernel: the workflow layer shards a search over a Dask cluster whose
  workers run one of the kernels above (``vivo.workflows.offtargets``).

``auto`` picks the fastest backend *measured* for the kind of search (``mismatch`` or
``bulge``): the GPU only when :data:`GPU_SPEEDUP` records that it beat the CPU backend on the
same machine for that kind and a probe kernel runs on this machine's GPU; otherwise ``cpu``
(numba importable), else ``numpy``. ``auto`` never probes the GPU when no measurement says it
would win, so it costs nothing at start-up.

>>> resolve_backend("numpy")
'numpy'
>>> resolve_backend("auto", kind="bulge") in ("cpu", "numpy")
True
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Literal

from vivo.core.errors import InputError

__all__ = [
    "BACKENDS",
    "CAPABILITIES",
    "GPU_SPEEDUP",
    "Backend",
    "BackendStatus",
    "KernelBackend",
    "SearchKind",
    "kernel_module",
    "probe_backend",
    "resolve_backend",
    "search_kind",
    "small_search",
]

Backend = Literal["auto", "numpy", "cpu", "gpu"]
KernelBackend = Literal["numpy", "cpu", "gpu"]
SearchKind = Literal["mismatch", "bulge"]
BACKENDS: tuple[str, ...] = ("auto", "numpy", "cpu", "gpu")

#: What each kernel backend does (shown by ``vivo doctor``).
CAPABILITIES: dict[str, str] = {
    "numpy": "reference kernels: brute force over every site row (the oracle; slow at scale)",
    "cpu": "numba, pigeonhole key tables, parallel over guides; every limit",
    "gpu": "numba.cuda, pigeonhole keys on the device, index resident on the device; every limit",
}

#: Speed of the GPU backend over the CPU backend on the same machine, per kind of search, as
#: measured by ``benchmarks/device_offtarget_check.py`` with the current GPU kernels (``None``:
#: not measured). The previous, brute-force GPU kernel was slower than the CPU (0.26x for 535
#: guides <= 4 mm, 0.15x for 32 guides <= 4 mm + 1 DNA + 1 RNA bulge on an H200, issue 17);
#: the candidate-driven kernels have not been timed on a device yet, so ``auto`` keeps the CPU.
GPU_SPEEDUP: dict[str, float | None] = {"mismatch": None, "bulge": None}

#: A mismatch-only search of at most ``SMALL_SEARCH_GUIDES`` guides whose guides x index rows
#: stay within ``SMALL_SEARCH_GUIDE_ROWS`` runs the ``cpu`` backend's vectorised numpy
#: pigeonhole path (the same candidates as its numba kernel) instead of the numba kernel, so
#: that a short search does not pay numba's start-up (importing numba and loading the cached
#: kernels: 0.6 s measured on the 2-core machine). Measured on GRCh37 chr20 (2.3e7 rows, <= 4
#: mm): numpy 8.7 ms per guide, numba 2.6 ms per guide after its start-up, so numpy wins below
#: about 2.3e9 guide x rows (about 100 guides on chr20, 3-4 guides at 3.1 Gb); the budget is
#: half of that.
SMALL_SEARCH_GUIDES = 64
SMALL_SEARCH_GUIDE_ROWS = 1_000_000_000


def small_search(n_guides: int, kind: SearchKind, n_rows: int = 0) -> bool:
    """Whether the ``cpu`` backend runs a search of ``n_guides`` over ``n_rows`` index rows
    without numba."""
    return (
        kind == "mismatch"
        and n_guides <= SMALL_SEARCH_GUIDES
        and n_guides * n_rows <= SMALL_SEARCH_GUIDE_ROWS
    )


@dataclass(frozen=True, slots=True)
class BackendStatus:
    """Whether a backend runs here, and the detail (version, device) or the reason it does
    not."""

    name: str
    usable: bool
    detail: str


def search_kind(dna_bulges: int, rna_bulges: int) -> SearchKind:
    """``bulge`` when either bulge limit is above 0, else ``mismatch``."""
    return "bulge" if dna_bulges or rna_bulges else "mismatch"


def probe_backend(name: str, *, detail: bool = True) -> BackendStatus:
    """Probe one kernel backend: ``numpy`` always runs; ``cpu`` needs numba; ``gpu`` needs a
    CUDA device on which a probe kernel of the one-source recursion compiles, runs and gives
    the right answers (a failing toolchain is "unavailable" with its reason, not a crash).
    Without ``detail`` the ``cpu`` probe only looks numba up (importing it takes a second)."""
    if name == "numpy":
        return BackendStatus("numpy", True, CAPABILITIES["numpy"])
    if name == "cpu" and not detail:
        import importlib.util

        found = importlib.util.find_spec("numba") is not None
        return BackendStatus("cpu", found, "numba found" if found else "numba is not installed")
    if name == "cpu":
        try:
            import numba
        except Exception as exc:  # any import failure means "not usable here"
            return BackendStatus("cpu", False, f"numba cannot be imported: {exc}")
        threads = numba.config.NUMBA_NUM_THREADS  # type: ignore[attr-defined]
        return BackendStatus("cpu", True, f"numba {numba.__version__}, {threads} threads")
    if name == "gpu":
        from vivo.editing.offtarget._kernels.search import gpu

        usable, why = gpu.probe()
        return BackendStatus("gpu", usable, why)
    raise InputError(f"unknown backend {name!r}", hint="use numpy, cpu or gpu")


def _gpu_wins(kind: SearchKind | None) -> bool:
    if kind is None:
        return False
    speedup = GPU_SPEEDUP.get(kind)
    return speedup is not None and speedup > 1.0


def resolve_backend(backend: str, *, kind: SearchKind | None = None) -> KernelBackend:
    """The concrete kernel for ``backend`` and the kind of search; an :class:`InputError` if
    the backend asked for cannot run here."""
    name = backend.strip().lower()
    if name == "auto":
        if _gpu_wins(kind) and probe_backend("gpu").usable:
            return "gpu"
        return "cpu" if probe_backend("cpu", detail=False).usable else "numpy"
    if name == "numpy":
        return "numpy"
    if name == "cpu":
        if not probe_backend("cpu", detail=False).usable:
            raise InputError(
                "the 'cpu' backend needs numba", hint="pip install numba or use --backend numpy"
            )
        return "cpu"
    if name == "gpu":
        status = probe_backend("gpu")
        if not status.usable:
            raise InputError(
                f"the 'gpu' backend cannot run here: {status.detail}",
                hint="use --backend cpu (or auto); `vivo doctor` shows the probe; install "
                "'vivo[gpu]' (numba-cuda) on a machine with an NVIDIA GPU",
            )
        return "gpu"
    if name == "dask":
        raise InputError(
            "the 'dask' backend runs through the workflow layer",
            hint="use `vivo offtargets --backend dask` or vivo.workflows.offtargets",
        )
    raise InputError(f"unknown backend {backend!r}", hint="use auto, numpy, cpu, gpu or dask")


def kernel_module(backend: KernelBackend) -> ModuleType:
    """The ``_kernels.search`` module implementing ``backend``."""
    if backend == "numpy":
        from vivo.editing.offtarget._kernels.search import reference

        return reference
    if backend == "cpu":
        from vivo.editing.offtarget._kernels.search import cpu

        return cpu
    from vivo.editing.offtarget._kernels.search import gpu

    return gpu
