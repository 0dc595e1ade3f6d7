"""Genome editing design: nucleases, guide finding, on-target scoring and ranking.

The guide-design core is :mod:`vivo.editing.nucleases` (the catalog of RNA-guided nucleases),
:mod:`vivo.editing.guides` (``find_guides``), :mod:`vivo.editing.scoring` (one module per
on-target model, ``score_guides``) and :mod:`vivo.editing.ranking` (``rank_guides``).
"""
