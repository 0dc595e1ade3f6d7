# mypy: disable-error-code="no-untyped-call,unused-ignore"
"""`vivo doctor`: what this installation can do, probed rather than assumed.

It reports versions, the off-target backends (each one tried: ``numpy`` always, ``cpu`` when
numba imports, ``gpu`` when numba's CUDA driver finds a device on which a probe kernel of the
one-source recursion compiles, runs and answers right, ``dask`` when
``distributed`` imports; a failing probe says why), the state of numba's kernel cache (which
compiled kernels are on disk; missing ones compile once, on first use), vivo's folders, the
genomes of the store with their PAM sets (and any damage), and the optional extras.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import os
import platform
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from vivo import __version__
from vivo.io.genome_store import GenomeStore, IndexInfo
from vivo.io.places import cache_dir

__all__ = ["BackendStatus", "DoctorReport", "ExtraStatus", "KernelCache", "run_doctor"]

Status = Literal["available", "unavailable"]
_VERSIONS = ("numpy", "scipy", "numba", "llvmlite", "dnachisel", "biopython", "pyfaidx",
             "typer", "rich", "matplotlib", "distributed")  # fmt: skip
#: extra name -> (distributions it installs, module that must import, what it enables)
_EXTRAS = {
    "rs3": (("rs3", "lightgbm", "scikit-learn"), "rs3", "Rule Set 3 on-target model"),
    "fold": (("ViennaRNA",), "RNA", "RNA folding (ViennaRNA)"),
    "dask": (("distributed",), "distributed", "distributed off-target search"),
    "design": (("primer3-py",), "primer3", "primer design (primer3)"),
    "report": (("jsonschema",), "jsonschema", "JSON schema validation of dossiers"),
}


@dataclass(frozen=True, slots=True)
class BackendStatus:
    """One off-target backend: available or not, and why."""

    name: str
    status: Status
    detail: str


@dataclass(frozen=True, slots=True)
class KernelCache:
    """numba's on-disk cache of vivo's compiled kernels."""

    folder: str
    cached: int
    total: int
    missing: tuple[str, ...]
    detail: str


@dataclass(frozen=True, slots=True)
class ExtraStatus:
    """One optional extra: installed or not, and what it enables."""

    name: str
    installed: bool
    enables: str
    detail: str


@dataclass(frozen=True, slots=True)
class DoctorReport:
    """Everything ``vivo doctor`` prints."""

    versions: dict[str, str]
    backends: tuple[BackendStatus, ...]
    auto_backend: str
    kernel_cache: KernelCache
    folders: dict[str, str]
    genomes: tuple[IndexInfo, ...]
    extras: tuple[ExtraStatus, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON document (schema version 1)."""
        return {
            "schema_version": "1",
            "versions": self.versions,
            "backends": [asdict(b) for b in self.backends],
            "auto_backend": self.auto_backend,
            "kernel_cache": {
                **asdict(self.kernel_cache),
                "missing": list(self.kernel_cache.missing),
            },
            "folders": self.folders,
            "genomes": [g.to_dict() for g in self.genomes],
            "extras": [asdict(e) for e in self.extras],
        }


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _why(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def _probe(name: str, *, fresh: bool = False) -> BackendStatus:
    """One kernel backend, probed where the backends are defined
    (:func:`vivo.editing.offtarget.backends.probe_backend`)."""
    from vivo.editing.offtarget.backends import probe_backend

    if name == "gpu" and fresh:  # doctor asks again, not the answer kept by this process
        from vivo.editing.offtarget._kernels.search import gpu

        gpu.probe(fresh=True)
    try:
        st = probe_backend(name)
    except Exception as exc:  # a broken installation is "unavailable", not a crash
        return BackendStatus(name, "unavailable", _why(exc))
    return BackendStatus(name, "available" if st.usable else "unavailable", st.detail)


def _probe_cpu() -> BackendStatus:
    return _probe("cpu")


def _probe_gpu() -> BackendStatus:
    return _probe("gpu", fresh=True)


def _probe_dask() -> BackendStatus:
    try:
        import distributed  # noqa: F401
    except Exception as exc:
        return BackendStatus("dask", "unavailable", f"{_why(exc)} (pip install 'vivo[dask]')")
    return BackendStatus("dask", "available", f"distributed {_version('distributed')}")


def _dispatchers() -> dict[str, Any]:
    """The kernels the backends call from Python (inlined helpers have no cache entry)."""
    from vivo.editing.offtarget._kernels import builder as build
    from vivo.editing.offtarget._kernels.align import jit as align_jit
    from vivo.editing.offtarget._kernels.search import cpu

    tables = {"search": cpu._compiled(), "index": build._compiled(),
              "align": {"align_rows": align_jit.align_rows}}  # fmt: skip
    return {
        f"{group}.{name}": d
        for group, table in tables.items()
        for name, d in table.items()
        if hasattr(d, "_cache") and d.targetoptions.get("inline") != "always"
    }


def _kernel_cache() -> KernelCache:
    try:
        kernels = _dispatchers()
    except Exception as exc:  # numba missing or broken
        return KernelCache("", 0, 0, (), f"no kernels: {_why(exc)}")
    folders, missing = set(), []
    for name, disp in sorted(kernels.items()):
        try:
            index = Path(disp._cache._cache_file._index_path)
        except AttributeError:
            continue
        folders.add(str(index.parent))
        if not index.is_file():
            missing.append(name)
    folder = os.environ.get("NUMBA_CACHE_DIR") or (", ".join(sorted(folders)) or "?")
    total = len(kernels)
    detail = (
        "every kernel is compiled and cached"
        if not missing
        else f"{len(missing)} kernels compile on first use (once per machine, about a minute)"
    )
    return KernelCache(folder, total - len(missing), total, tuple(missing), detail)


def _extras() -> tuple[ExtraStatus, ...]:
    out = []
    for extra, (dists, module, enables) in _EXTRAS.items():
        try:
            importlib.import_module(module)
            ok, detail = True, ", ".join(f"{d} {_version(d)}" for d in dists)
        except Exception as exc:
            ok, detail = False, f"{_why(exc)} (pip install 'vivo[{extra}]')"
        out.append(ExtraStatus(extra, ok, enables, detail))
    return tuple(out)


def _auto(resolve: Any) -> str:
    """``auto``'s choice per kind of search, e.g. ``cpu`` or ``gpu (mismatch), cpu (bulge)``."""
    picks = {kind: resolve("auto", kind=kind) for kind in ("mismatch", "bulge")}
    if len(set(picks.values())) == 1:
        return str(next(iter(picks.values())))
    return ", ".join(f"{b} ({kind})" for kind, b in picks.items())


def run_doctor(*, home: str | os.PathLike[str] | None = None) -> DoctorReport:
    """Probe this installation (see the module docstring)."""
    from vivo.editing.offtarget.backends import resolve_backend

    versions = {"vivo": __version__, "python": platform.python_version(),
                "platform": platform.platform()}  # fmt: skip
    versions.update({d: _version(d) for d in _VERSIONS})
    store = GenomeStore.at(home)
    return DoctorReport(
        versions=versions,
        backends=(
            _probe("numpy"),
            _probe_cpu(),
            _probe_gpu(),
            _probe_dask(),
        ),
        auto_backend=_auto(resolve_backend),
        kernel_cache=_kernel_cache(),
        folders={"genome store": str(store.root), "cache": str(cache_dir())},
        genomes=tuple(store.genomes()),
        extras=_extras(),
    )
