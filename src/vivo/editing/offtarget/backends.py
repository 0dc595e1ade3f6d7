"""Backend choice, made in one place: ``auto`` → ``gpu`` if an NVIDIA GPU is usable, else
``cpu`` if numba is installed, else ``numpy``.

>>> resolve_backend("numpy")
'numpy'
"""

from __future__ import annotations

from types import ModuleType
from typing import Literal

from vivo.core.errors import InputError

__all__ = ["BACKENDS", "Backend", "KernelBackend", "kernel_module", "resolve_backend"]

Backend = Literal["auto", "numpy", "cpu", "gpu"]
KernelBackend = Literal["numpy", "cpu", "gpu"]
BACKENDS: tuple[str, ...] = ("auto", "numpy", "cpu", "gpu")


def resolve_backend(backend: str) -> KernelBackend:
    """The concrete kernel for ``backend``; an :class:`InputError` if it cannot run here."""
    from vivo.editing.offtarget._kernels.search import cpu, gpu

    name = backend.strip().lower()
    if name == "auto":
        if gpu.available():
            return "gpu"
        return "cpu" if cpu.available() else "numpy"
    if name == "numpy":
        return "numpy"
    if name == "cpu":
        if not cpu.available():
            raise InputError(
                "the 'cpu' backend needs numba", hint="pip install 'vivo[fast]' or use numpy"
            )
        return "cpu"
    if name == "gpu":
        if not gpu.available():
            raise InputError(
                "the 'gpu' backend needs an NVIDIA GPU with CUDA and numba",
                hint="use --backend cpu (or auto), or install numba with CUDA support",
            )
        return "gpu"
    if name == "dask":
        raise InputError(
            "the 'dask' backend runs through the workflow layer",
            hint="use `vivo offtargets --backend dask` or vivo.workflows.offtargets",
        )
    raise InputError(f"unknown backend {backend!r}", hint="use auto, numpy, cpu, gpu or dask")


def kernel_module(backend: KernelBackend) -> ModuleType:
    """The ``_kernels`` module implementing ``backend``."""
    from vivo.editing.offtarget._kernels.search import cpu, gpu, reference

    return {"numpy": reference, "cpu": cpu, "gpu": gpu}[backend]
