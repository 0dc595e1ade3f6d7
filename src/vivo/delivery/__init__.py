"""vivo.delivery: gene-addition design — vectors, capsids, parts, cassettes, codon optimisation.

The catalog (vectors, capsids, parts, transgenes), cassette assembly, checks and vector
recommendation need only the core dependencies. Codon optimisation (:mod:`vivo.delivery.codon`)
needs DNA Chisel: ``pip install 'vivo[design]'``; it is imported lazily.
"""

from vivo.delivery.capsids import CAPSIDS, TISSUES, Capsid, capsids_for_tissue, get_tissue
from vivo.delivery.cassettes import Cassette, assemble_cassette, design_cassette
from vivo.delivery.checks import CassetteReport, Check, check_cassette
from vivo.delivery.parts import Part, get_part, list_parts, make_part
from vivo.delivery.recommend import VectorRecommendation, recommend_vectors
from vivo.delivery.transgenes import Transgene, get_transgene, make_transgene
from vivo.delivery.vectors import VECTORS, Vector, check_capacity, get_vector, list_vectors

__all__ = [
    "CAPSIDS",
    "TISSUES",
    "VECTORS",
    "Capsid",
    "Cassette",
    "CassetteReport",
    "Check",
    "Part",
    "Transgene",
    "Vector",
    "VectorRecommendation",
    "assemble_cassette",
    "capsids_for_tissue",
    "check_capacity",
    "check_cassette",
    "design_cassette",
    "get_part",
    "get_tissue",
    "get_transgene",
    "get_vector",
    "list_parts",
    "list_vectors",
    "make_part",
    "make_transgene",
    "recommend_vectors",
]
