"""RNA-targeted therapies: transcript models, siRNA and antisense oligonucleotide design.

A sibling of :mod:`vivo.editing` in purpose; it sits one layer above it so that its transcriptome
off-target search reuses the off-target index machinery of :mod:`vivo.editing.offtarget`.

Modules: :mod:`~vivo.rna.transcript` (mature mRNA and pre-mRNA with exon/intron/UTR labels and
genome coordinates; bundled SMN2, DMD and ADA records), :mod:`~vivo.rna.offtargets` (3'UTR seed
matches and near-complementary sites on a PAM-less index), :mod:`~vivo.rna.sirna` with
:mod:`~vivo.rna.sirna_rules` and :mod:`~vivo.rna.thermo` (siRNA design), :mod:`~vivo.rna.aso`
and :mod:`~vivo.rna.splicing` (antisense oligonucleotides). User guide: ``docs/rna.md``.
"""
