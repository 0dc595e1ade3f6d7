"""Off-target site indexes for one dossier: built or opened once per nuclease, then reused.

The guide sections (genome-wide specificity column) and the off-target sections search the
same indexes; :func:`vivo.workflows.dossier.build_sections` makes one :class:`SiteIndexes`
per dossier and hands it to them explicitly.
"""

from __future__ import annotations

from vivo.core.errors import VivoError
from vivo.editing.nucleases import Nuclease
from vivo.editing.offtarget import SiteIndex, build_site_index, pack_genome, pam_set
from vivo.workflows.dossier.section import DossierInputs
from vivo.workflows.genome_index import open_index

__all__ = ["SiteIndexes"]


class SiteIndexes:
    """Site indexes of the genome in use (in memory) and of the indexed off-target genome
    (memory-mapped), one per nuclease, made on first use."""

    __slots__ = ("_disk", "_inputs", "_locus")

    def __init__(self, inputs: DossierInputs) -> None:
        self._inputs = inputs
        self._locus: dict[str, SiteIndex] = {}
        self._disk: dict[str, tuple[SiteIndex | None, str]] = {}

    def locus(self, nuclease: str | Nuclease) -> SiteIndex:
        """An in-memory index of every contig of the genome in use for ``nuclease``'s PAMs."""
        key = _name(nuclease)
        if key not in self._locus:
            g = self._inputs.genome.genome
            contigs = [(c, g.fetch_region(c, 0, g.contig_length(c))) for c in g.contig_names()]
            self._locus[key] = build_site_index(pack_genome(contigs), pam_set(nuclease))
        return self._locus[key]

    def genome(self, nuclease: str | Nuclease) -> tuple[SiteIndex | None, str]:
        """The on-disk index of the off-target genome for ``nuclease``, or ``None`` and why it
        cannot be used (no genome named, not indexed for these PAMs, stale)."""
        name = self._inputs.offtarget_genome
        if not name:
            return None, "no indexed genome named"
        key = _name(nuclease)
        if key not in self._disk:
            try:
                index = open_index(name, nuclease=key, home=self._inputs.offtarget_home)
                self._disk[key] = (index, "")
            except VivoError as exc:
                self._disk[key] = (None, f"genome {name} not used: {exc}")
        return self._disk[key]


def _name(nuclease: str | Nuclease) -> str:
    return nuclease if isinstance(nuclease, str) else nuclease.name
