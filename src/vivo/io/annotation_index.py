"""Genome-scale annotation: a GTF/GFF3 file streamed once into an on-disk SQLite index.

A full GENCODE or Ensembl annotation (about 60,000 genes, 250,000 transcripts, 1.5 GB of
text) is too big to parse at every command. :func:`index_annotation` reads it once, line by
line (:func:`vivo.io.gtf.iter_features`), into a SQLite database (Python's standard
``sqlite3``): the exon and CDS pieces go to a staging table as they stream by, so memory stays
bounded whatever the order of the rows, and are then grouped into one row per transcript.
:class:`IndexedAnnotation` opens the database read-only and builds the :class:`Gene` objects
of the genes asked for, so opening it and looking up a gene takes milliseconds.

Where the index lives: next to nothing the user gave. For a user's file it goes to vivo's
cache (:func:`vivo.io.places.cache_path`, keyed by the file's path, size and modification
time), so a read-only input folder works; for a fetched genome it goes into the genome store
(:mod:`vivo.workflows.genome_fetch`). The index is written to a temporary file and renamed
into place, so an interrupted indexing leaves nothing that a later run would trust. Its
``meta`` table holds a schema version; an index of another version is rebuilt.

Schema (version 1)::

    meta(key TEXT PRIMARY KEY, value TEXT)
    transcripts(tx TEXT, gene TEXT, gene_id TEXT, contig TEXT, strand INTEGER,
                exons TEXT,            -- "start-end,start-end" 0-based half-open, sorted
                cds_start INTEGER, cds_end INTEGER)  -- NULL when non-coding
    genes(name TEXT, key TEXT, gene_id TEXT, contig TEXT, start INTEGER, end INTEGER)
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from vivo.core.coords import Interval, Locus, Strand
from vivo.core.errors import DataError, FormatError
from vivo.genome.annotation import Annotation, Gene, Transcript, unversioned_accession
from vivo.genome.base import suggest
from vivo.io.gtf import canonical_order, iter_rows
from vivo.io.places import cache_path
from vivo.io.sniff import require_file

__all__ = [
    "INDEX_SCHEMA_VERSION",
    "IN_MEMORY_MAX_BYTES",
    "IndexedAnnotation",
    "annotation_index_path",
    "index_annotation",
    "open_annotation",
]

INDEX_SCHEMA_VERSION = "1"
#: annotation files up to this size (on disk) are read into memory; larger ones are indexed
IN_MEMORY_MAX_BYTES = 4 << 20
_BATCH = 50_000

#: progress callback, called every batch with the number of exon/CDS rows read so far
Progress = Callable[[int], None]


def annotation_index_path(source: str | os.PathLike[str]) -> Path:
    """Where the index of the annotation file ``source`` lives in vivo's cache."""
    return cache_path(require_file(source, "annotation file"), "annotation", ".sqlite")


def open_annotation(
    source: str | os.PathLike[str],
    *,
    index: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> Annotation:
    """The annotation of GTF/GFF3 file ``source``: read into memory when small (at most
    :data:`IN_MEMORY_MAX_BYTES`), else indexed once on disk (at ``index``, default in vivo's
    cache) and opened from the index."""
    from vivo.io.gtf import read_annotation

    src = require_file(source, "annotation file")
    fetched = (
        src.parent / "annotation.sqlite"
    )  # a genome fetched into the store (vivo genome fetch)
    if index is None and (src.parent / "fetch.json").is_file() and _current(fetched, src):
        return IndexedAnnotation(fetched)
    if index is None and src.stat().st_size <= IN_MEMORY_MAX_BYTES:
        return read_annotation(src)
    target = Path(index) if index is not None else annotation_index_path(src)
    if not _current(target, src):
        index_annotation(src, target, progress=progress)
    if index is None:  # in the cache: its last use, for `vivo cache clear --older-than`
        with contextlib.suppress(OSError):
            os.utime(target)
    return IndexedAnnotation(target)


def _source_key(src: Path) -> str:
    st = src.stat()
    return f"{st.st_size}:{st.st_mtime_ns}"


def _current(target: Path, src: Path) -> bool:
    """True if ``target`` is a finished index of this schema for ``src`` as it is now."""
    if not target.is_file():
        return False
    try:
        with contextlib.closing(_connect_ro(target)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.Error:
        return False
    return (meta.get("schema_version") == INDEX_SCHEMA_VERSION
            and meta.get("source_key") == _source_key(src))  # fmt: skip


def _connect_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


# ---- building ------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE txinfo(k INTEGER PRIMARY KEY, tx TEXT, gene TEXT, gene_id TEXT, contig TEXT,
                    strand INTEGER, parent TEXT);
CREATE TABLE parts(k INTEGER, cds INTEGER, start INTEGER, end INTEGER);
CREATE TABLE generows(id TEXT PRIMARY KEY, name TEXT);
"""


def index_annotation(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    *,
    progress: Progress | None = None,
) -> Path:
    """Stream GTF/GFF3 ``source`` once into a new SQLite index at ``target`` (atomically:
    built under a temporary name in the same folder, then renamed). Returns ``target``."""
    src = require_file(source, "annotation file")
    out = Path(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        db = sqlite3.connect(tmp)
        try:
            _fill(db, src, progress)
        finally:
            db.close()
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return out


def _fill(db: sqlite3.Connection, src: Path, progress: Progress | None) -> None:
    db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;"
                     "PRAGMA temp_store=FILE;" + _SCHEMA)  # fmt: skip
    n_rows = _stream(db, src, progress)
    if n_rows == 0:
        raise FormatError("no transcripts (exon or CDS rows) found", path=str(src))
    _finish(db)
    meta = {"schema_version": INDEX_SCHEMA_VERSION, "source": str(src.resolve()),
            "source_key": _source_key(src), "feature_rows": str(n_rows)}  # fmt: skip
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    db.commit()
    db.execute("VACUUM")


def _stream(db: sqlite3.Connection, src: Path, progress: Progress | None) -> int:
    keys: dict[str, int] = {}
    info: list[tuple[int, str, str, str, str, int, str]] = []
    parts: list[tuple[int, int, int, int]] = []
    genes: list[tuple[str, str]] = []
    n = 0

    def key(tx: str, gene: str, gene_id: str, contig: str, sign: int) -> int:
        k = keys.get(tx)
        if k is None:
            k = keys[tx] = len(keys)
            info.append((k, tx, gene, gene_id, contig, sign, ""))
        return k

    for kind, txs, contig, start, end, sign, gene, gene_id, parent in iter_rows(src):
        if kind == "gene":
            genes.append((gene_id, gene))
        elif kind == "transcript":
            k = key(txs, "", "", contig, sign)
            info.append((k, txs, "", "", contig, sign, parent))
        else:
            cds = int(kind == "cds")
            for tx in txs.split(",") if "," in txs else (txs,):
                parts.append((key(tx, gene, gene_id, contig, sign), cds, start, end))
                n += 1
        if len(parts) >= _BATCH or len(info) >= _BATCH:
            _flush(db, info, parts, genes)
            if progress is not None:
                progress(n)
    _flush(db, info, parts, genes)
    if progress is not None:
        progress(n)
    return n


def _flush(db: sqlite3.Connection, info: list, parts: list, genes: list) -> None:  # type: ignore[type-arg]
    # a GFF3 transcript row after its exons replaces the placeholder (INSERT OR REPLACE)
    db.executemany("INSERT OR REPLACE INTO txinfo VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [r for r in info if r[6]])  # fmt: skip
    db.executemany("INSERT OR IGNORE INTO txinfo VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [r for r in info if not r[6]])  # fmt: skip
    db.executemany("INSERT INTO parts VALUES (?, ?, ?, ?)", parts)
    db.executemany("INSERT OR REPLACE INTO generows VALUES (?, ?)", genes)
    info.clear()
    parts.clear()
    genes.clear()


def _finish(db: sqlite3.Connection) -> None:
    """Group the streamed pieces into one row per transcript and one per gene."""
    db.executescript(
        """
        UPDATE txinfo SET gene_id = parent,
            gene = COALESCE((SELECT name FROM generows WHERE id = txinfo.parent), parent)
            WHERE parent != '';
        UPDATE txinfo SET gene = tx WHERE gene = '';
        CREATE TABLE transcripts(tx TEXT, gene TEXT, gene_id TEXT, contig TEXT,
                                 strand INTEGER, exons TEXT, cds_start INTEGER, cds_end INTEGER);
        CREATE INDEX parts_k ON parts(k, cds, start);
        """
    )
    rows = db.execute(
        "SELECT p.k, p.cds, p.start, p.end, t.tx, t.gene, t.gene_id, t.contig, t.strand "
        "FROM parts p JOIN txinfo t ON t.k = p.k ORDER BY p.k, p.cds, p.start"
    )
    batch: list[tuple[object, ...]] = []
    for row in _group(rows):
        batch.append(row)
        if len(batch) >= _BATCH:
            db.executemany("INSERT INTO transcripts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
            batch.clear()
    db.executemany("INSERT INTO transcripts VALUES (?, ?, ?, ?, ?, ?, ?, ?)", batch)
    db.executescript(
        """
        DROP TABLE parts; DROP TABLE txinfo; DROP TABLE generows;
        CREATE INDEX tx_gene ON transcripts(gene);
        CREATE INDEX tx_id ON transcripts(tx);
        CREATE TABLE genes AS SELECT gene AS name, MIN(gene_id) AS gene_id, contig,
            MIN(CAST(substr(exons, 1, instr(exons, '-') - 1) AS INTEGER)) AS start,
            MAX(last_end) AS end
            FROM (SELECT rowid AS r, gene, gene_id, contig, exons,
                  CAST(substr(exons, length(rtrim(exons, '0123456789')) + 1) AS INTEGER)
                      AS last_end FROM transcripts)
            GROUP BY gene ORDER BY MIN(r);
        CREATE INDEX genes_name ON genes(name);
        CREATE INDEX genes_upper ON genes(upper(name));
        CREATE INDEX genes_id ON genes(upper(gene_id));
        CREATE INDEX genes_pos ON genes(contig, start);
        """
    )


def _group(
    rows: Iterator[tuple[int, int, int, int, str, str, str, str, int]],
) -> Iterator[tuple[object, ...]]:
    """One transcripts row per transcript from its sorted (k, cds, start) pieces."""
    current = -1
    head: tuple[str, str, str, str, int] = ("", "", "", "", 1)
    exons: list[tuple[int, int]] = []
    cds: list[tuple[int, int]] = []
    for k, is_cds, start, end, *rest in rows:
        if k != current:
            if current >= 0:
                yield _tx_row(head, exons, cds)
            current, exons, cds = k, [], []
            head = (rest[0], rest[1], rest[2], rest[3], rest[4])  # type: ignore[assignment]
        (cds if is_cds else exons).append((start, end))
    if current >= 0:
        yield _tx_row(head, exons, cds)


def _tx_row(
    head: tuple[str, str, str, str, int], exons: list[tuple[int, int]], cds: list[tuple[int, int]]
) -> tuple[object, ...]:
    merged: list[list[int]] = []
    for start, end in sorted(exons or cds):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    text = ",".join(f"{a}-{b}" for a, b in merged)
    cds_start = min(a for a, _ in cds) if cds else None
    cds_end = max(b for _, b in cds) if cds else None
    tx, gene, gene_id, contig, strand = head
    return (tx, gene, gene_id, contig, strand, text, cds_start, cds_end)


# ---- reading -------------------------------------------------------------------------------


class IndexedAnnotation(Annotation):
    """An :class:`Annotation` answered from an index built by :func:`index_annotation`.

    Genes are built on demand (and kept once built); ``names()`` and iteration read every
    gene and are meant for listings, not for look-ups.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(())
        self.path = Path(path)
        try:
            self._db = _connect_ro(self.path)
            meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as exc:
            raise DataError(
                f"annotation index {self.path} cannot be read: {exc}",
                hint="delete it; it is rebuilt from the GTF/GFF3 file at the next run",
            ) from exc
        if meta.get("schema_version") != INDEX_SCHEMA_VERSION:
            raise DataError(
                f"annotation index {self.path} has schema {meta.get('schema_version')!r}, "
                f"this vivo reads {INDEX_SCHEMA_VERSION!r}",
                hint="delete it; it is rebuilt from the GTF/GFF3 file at the next run",
            )
        self.source = meta.get("source", "")
        self._lock = threading.Lock()
        self._built: dict[str, Gene] = {}
        self._count: int | None = None

    def _query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise DataError(
                    f"annotation index {self.path} is damaged: {exc}",
                    hint="delete it; it is rebuilt at the next run",
                ) from exc

    def __len__(self) -> int:
        if self._count is None:
            self._count = int(self._query("SELECT COUNT(*) FROM genes")[0][0])  # type: ignore[call-overload]
        return self._count

    def __iter__(self) -> Iterator[Gene]:
        for name in self.names():
            gene = self._find(name)
            if gene is not None:
                yield gene

    def names(self) -> list[str]:
        return [str(r[0]) for r in self._query("SELECT name FROM genes ORDER BY rowid")]

    def _find(self, name: str) -> Gene | None:
        if name in self._built:
            return self._built[name]
        found = self._query("SELECT name FROM genes WHERE name = ?", (name,))
        if not found:
            key = name.upper()
            bare = unversioned_accession(key)
            found = self._query(
                "SELECT name FROM genes WHERE upper(name) = ? OR upper(gene_id) IN (?, ?) "
                "OR upper(gene_id) LIKE ? ORDER BY rowid LIMIT 1",
                (key, key, bare, bare + ".%"),
            )
        if not found:
            return None
        gene = self._gene(str(found[0][0]))
        self._built[name] = gene
        return gene

    def _gene(self, name: str) -> Gene:
        rows = self._query("SELECT tx, gene, gene_id, contig, strand, exons, cds_start, cds_end "
                           "FROM transcripts WHERE gene = ?", (name,))  # fmt: skip
        txs = canonical_order([_transcript(r) for r in rows])
        span = txs[0].span
        for t in txs[1:]:
            span = span.hull(t.span)
        ids = sorted({str(r[2]) for r in rows} - {"", name})
        return Gene(name, Locus(txs[0].contig, span, txs[0].strand), tuple(txs),
                    synonyms=tuple(ids))  # fmt: skip

    def _suggest(self, name: str) -> str:
        prefix = name.upper()[:3]
        close = self._query("SELECT name FROM genes WHERE upper(name) LIKE ? LIMIT 200",
                            (prefix + "%",))  # fmt: skip
        return suggest(name, [str(r[0]) for r in close] or ["(no gene starting with "
                                                             f"{name[:3]!r})"])  # fmt: skip

    def find_transcript(self, accession: str) -> Transcript | None:
        bare = unversioned_accession(accession)
        rows = self._query("SELECT gene FROM transcripts WHERE tx = ? LIMIT 1", (accession,))
        if not rows:
            rows = self._query("SELECT gene FROM transcripts WHERE tx = ? OR tx LIKE ? LIMIT 1",
                               (bare, bare + ".%"))  # fmt: skip
        if not rows:
            return None
        gene = self._find(str(rows[0][0]))
        if gene is None:  # pragma: no cover - every transcript row has its gene row
            return None
        exact = [t for t in gene.transcripts if t.transcript_id == accession]
        return (exact or [t for t in gene.transcripts
                          if unversioned_accession(t.transcript_id) == bare])[0]  # fmt: skip

    def overlapping(self, locus: Locus) -> list[Gene]:
        rows = self._query(
            "SELECT name FROM genes WHERE contig = ? AND start < ? AND end > ?",
            (locus.contig, locus.end, locus.start),
        )
        genes = (self._find(str(r[0])) for r in rows)
        return [g for g in genes if g is not None]

    def close(self) -> None:
        """Close the database."""
        self._db.close()


def _transcript(row: tuple[object, ...]) -> Transcript:
    tx, gene, _gid, contig, strand, exons, cds_start, cds_end = row
    ivs = tuple(Interval(int(a), int(b)) for a, b in
                (piece.split("-") for piece in str(exons).split(",")))  # fmt: skip
    cds = Interval(int(cds_start), int(cds_end)) if cds_start is not None else None  # type: ignore[call-overload]
    return Transcript(str(tx), str(gene), str(contig),
                      Strand.MINUS if strand == -1 else Strand.PLUS, ivs, cds)  # fmt: skip
