# mypy: disable-error-code="no-untyped-call,unused-ignore"
"""Build and open genome indexes for the off-target search (`vivo genome add/list/remove`).

A thin workflow: check the source file, take the genome's build lock in the store
(:mod:`vivo.io.genome_store`: layout, metadata, locks, staging, ``.npy`` array sink), read the
genome (:mod:`vivo.io.twobit` for .2bit files, chunk by chunk; the other readers of
:mod:`vivo.io.genomes`), pack it and write one sorted site table per PAM set
(:mod:`vivo.editing.offtarget.build`, next to the search), and commit.
Several PAM sets of one genome coexist:

* a new PAM set of a genome already in the store (same source content, current format) is
  added next to the others, the packed genome reused;
* a PAM set that is already there is rebuilt and replaces only itself;
* a genome whose source changed, whose index was written by another vivo version or whose
  packed arrays are damaged is rebuilt whole, with every PAM set it had (so nothing is lost).

Progress is reported as ``progress(what, done, total, unit)`` with ``unit`` ``"bp"`` (packing)
or ``"sites"`` (site tables). ``home`` is an explicit argument, else ``$VIVO_HOME/genomes``,
else ``~/.local/share/vivo/genomes``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from pathlib import Path

from vivo import __version__
from vivo.core.errors import InputError
from vivo.editing.nucleases import get_nuclease
from vivo.editing.offtarget.build import (
    ContigSource,
    Progress,
    chunked,
    pack_contigs,
    write_site_tables,
)
from vivo.editing.offtarget.encoding import PamSet, encode, pam_set
from vivo.editing.offtarget.index import KEY_BASES, PackedGenome, SiteIndex, masked_runs
from vivo.io.genome_store import (
    FORMAT_VERSION,
    GenomeMeta,
    GenomeStore,
    IndexInfo,
    NpyFolder,
    check_name,
    sha256_file,
)
from vivo.io.places import genomes_home
from vivo.io.sniff import Format, require_file, require_format

__all__ = [
    "FORMAT_VERSION",
    "IndexInfo",
    "Progress",
    "build_genome_index",
    "genomes_home",
    "index_checksum",
    "list_genomes",
    "open_index",
    "remove_genome",
]

_GENOME_FORMATS: tuple[Format, ...] = ("fasta", "2bit", "genbank")
_STEP = 1 << 26


def _contigs(source: Path) -> list[ContigSource]:
    """The genome's contigs as codes in chunks: .2bit decoded from a memory map, chunk by chunk;
    other formats through their readers, one contig at a time."""
    from vivo.io.genomes import GENOME_FORMATS, open_genome

    if require_format(source, GENOME_FORMATS).format == "2bit":
        from vivo.io.twobit import twobit_contigs

        return twobit_contigs(source)
    genome = open_genome(source).genome

    def one(name: str) -> ContigSource:
        seq = genome.fetch_region(name, 0, genome.contig_length(name))
        return ContigSource(name, len(seq), chunked(encode(seq), _STEP), masked_runs(seq))

    return [one(name) for name in genome.contig_names()]


def _write_sites(
    genome: PackedGenome,
    pams: PamSet,
    folder: Path,
    *,
    max_sites_per_pass: int,
    progress: Progress | None,
) -> None:
    """Write the sorted site tables of one PAM set into ``folder`` (+ its info.json)."""
    write_site_tables(genome, pams, NpyFolder(folder), max_rows=max_sites_per_pass,
                      progress=progress)  # fmt: skip
    (folder / "info.json").write_text(json.dumps({
        "key_bases": KEY_BASES, "patterns": list(pams.patterns), "weights": list(pams.weights),
        "side": pams.side,
    }))  # fmt: skip


def build_genome_index(
    name: str,
    source: str | os.PathLike[str],
    *,
    nucleases: tuple[str, ...] = ("SpCas9",),
    home: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
    max_sites_per_pass: int = 250_000_000,
    pams: tuple[str, ...] = (),
) -> IndexInfo:
    """Add genome ``name`` from a FASTA(.gz)/2bit/GenBank file, or add PAM sets to it.

    ``nucleases`` and ``pams`` choose the PAM sets (``pams`` restricts each nuclease's set,
    e.g. ``("NGG", "NAG")``; default: canonical plus every alternative PAM). What is already
    in the store is kept (see the module docstring); everything is staged next to its target
    and renamed into place, so an interrupted or failed build leaves the store as it was.
    A version-0 .2bit file is converted chunk by chunk; ``max_sites_per_pass`` bounds the site
    rows held in memory at once (about 22 bytes each).
    """
    check_name(name)
    if max_sites_per_pass < 1:
        raise InputError("max_sites_per_pass must be at least 1")
    src = require_file(source, "genome file")
    require_format(src, (*_GENOME_FORMATS, "text", "empty"), what="a genome file")
    if not nucleases:
        raise InputError("no nuclease given", hint="e.g. --nuclease SpCas9")
    requested = list({p.key: p for p in (pam_set(get_nuclease(n), pams=pams)
                                          for n in nucleases)}.values())  # fmt: skip
    store = GenomeStore.at(home)
    with store.building(name):
        meta = store.reusable_meta(name, src)
        if meta is None:
            kept = [store.pam_set(name, k) for k in store.readable_sets(name)]
            todo = requested + [p for p in kept if p.key not in {r.key for r in requested}]
            _build_whole(store, name, src, todo, max_sites_per_pass, progress)
        else:
            _add_sets(store, name, meta, requested, max_sites_per_pass, progress)
    return store.info(name)


def _build_whole(
    store: GenomeStore, name: str, src: Path, sets: list[PamSet], max_rows: int,
    progress: Progress | None,
) -> None:  # fmt: skip
    stage = store.stage(store.root, name)
    try:
        names = pack_contigs(_contigs(src), NpyFolder(stage / "genome"), progress=progress)
        stat = src.stat()
        meta = GenomeMeta(
            name=name, contigs=tuple(names), total_length=0,
            format_version=FORMAT_VERSION, vivo_version=__version__, source=str(src.resolve()),
            source_size=stat.st_size, source_mtime=stat.st_mtime, sha256=sha256_file(src),
            pam_sets=tuple(p.key for p in sets),
        )  # fmt: skip
        genome = store.load_genome(name, meta, folder=stage)
        meta = dataclasses.replace(meta, total_length=genome.total_length)
        for pset in sets:
            _write_sites(genome, pset, stage / "sites" / pset.key, max_sites_per_pass=max_rows,
                         progress=progress)  # fmt: skip
        store.write_meta(stage, meta)
        del genome
        store.swap(stage, store.folder(name))
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _add_sets(
    store: GenomeStore, name: str, meta: GenomeMeta, sets: list[PamSet], max_rows: int,
    progress: Progress | None,
) -> None:  # fmt: skip
    folder = store.folder(name)
    genome = store.load_genome(name, meta)
    for pset in sets:
        stage = store.stage(folder / "sites", pset.key)
        try:
            _write_sites(genome, pset, stage, max_sites_per_pass=max_rows, progress=progress)
            store.swap(stage, folder / "sites" / pset.key)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
    store.write_meta(folder, dataclasses.replace(meta, pam_sets=store.pam_set_keys(name)))


def remove_genome(
    name: str, *, pam_set_key: str | None = None, home: str | os.PathLike[str] | None = None
) -> None:
    """Remove genome ``name`` from the store, or only its PAM set ``pam_set_key``."""
    GenomeStore.at(home).remove(name, pam_set_key)


def list_genomes(home: str | os.PathLike[str] | None = None) -> list[IndexInfo]:
    """Every genome of the store (a damaged one with its ``problem``)."""
    return GenomeStore.at(home).genomes()


def open_index(
    name: str,
    *,
    nuclease: str = "SpCas9",
    home: str | os.PathLike[str] | None = None,
    check_source: bool = True,
    pams: tuple[str, ...] = (),
) -> SiteIndex:
    """Memory-map the index of ``name`` for ``nuclease`` (checked against version, source and
    the shapes of its arrays); ``pams`` selects an index built with a restricted PAM set."""
    store = GenomeStore.at(home)
    meta = store.read_meta(name)
    store.check_current(meta, name)
    if check_source:
        store.check_source(meta, name)
    nuc = get_nuclease(nuclease)
    pset = pam_set(nuc, pams=pams)
    flags = f" --nuclease {nuc.name}" + "".join(f" --pam {p}" for p in pams)
    if pset.key not in store.pam_set_keys(name):
        have = ", ".join(store.pam_set_keys(name)) or "none"
        raise InputError(
            f"genome {name!r} has no site index for {pset.key} (it has: {have})",
            hint=f"add it (the others are kept): vivo genome add {name} {meta.source}{flags}",
        )
    return store.open_sites(name, meta, pset, repair=flags)


def index_checksum(name: str, home: str | os.PathLike[str] | None = None) -> str:
    """The recorded sha256 of the genome's source file (for provenance)."""
    return GenomeStore.at(home).read_meta(name).sha256
