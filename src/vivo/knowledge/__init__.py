"""Knowledge base: approved products, diseases, vectors, editors, cell types and a glossary.

Every row of every bundled table carries its sources (see ``data/SOURCES.md``).
"""

from vivo.knowledge.catalog import (
    CellType,
    EditorInfo,
    VectorInfo,
    get_editor,
    get_vector,
    load_cell_types,
    load_editors,
    load_vectors,
)
from vivo.knowledge.diseases import Disease, diseases_for_gene, get_disease, load_diseases
from vivo.knowledge.glossary import Term, explain, load_glossary
from vivo.knowledge.products import MODALITIES, Product, find_products, get_product, load_products
from vivo.knowledge.sources import Source, cite, load_literature

__all__ = [
    "MODALITIES",
    "CellType",
    "Disease",
    "EditorInfo",
    "Product",
    "Source",
    "Term",
    "VectorInfo",
    "cite",
    "diseases_for_gene",
    "explain",
    "find_products",
    "get_disease",
    "get_editor",
    "get_product",
    "get_vector",
    "load_cell_types",
    "load_diseases",
    "load_editors",
    "load_glossary",
    "load_literature",
    "load_products",
    "load_vectors",
]
