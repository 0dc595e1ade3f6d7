"""Index-build kernels (numba): PAM scan, site windows and counting sorts (see ``sites``)."""

from vivo.editing.offtarget._kernels.builder.sites import (
    CHUNKS,
    _compiled,
    available,
    chunk_pieces,
    count_sites,
    fill_distal,
    fill_sites,
)

__all__ = ["CHUNKS", "_compiled", "available", "chunk_pieces", "count_sites", "fill_distal",
           "fill_sites"]  # fmt: skip
