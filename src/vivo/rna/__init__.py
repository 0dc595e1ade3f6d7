"""RNA-targeted therapies: transcript models, siRNA and antisense oligonucleotide design.

A sibling of :mod:`vivo.editing` in purpose; it sits one layer above it so that its transcriptome
off-target search reuses the off-target index machinery of :mod:`vivo.editing.offtarget`.
"""
