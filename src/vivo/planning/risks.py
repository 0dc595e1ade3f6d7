"""Standard risks of each kind of intervention, in one place."""

from __future__ import annotations

from vivo.planning.plan import Risk

__all__ = ["AAV", "BASE_EDIT", "CONDITIONING", "DSB", "GRV", "LNP", "LV", "PRIME_EDIT"]

DSB = (
    Risk(
        "off_target",
        "medium",
        "Cas9 double-strand breaks at off-target sites; search the "
        "genome for sites with mismatches and bulges and score them (CFD).",
    ),
    Risk(
        "other",
        "medium",
        "On-target double-strand breaks can cause large deletions and, in "
        "cultured stem cells, chromosome-arm loss.",
    ),
)
BASE_EDIT = (
    Risk(
        "off_target",
        "low",
        "Guide-dependent off-target edits and bystander edits of other "
        "editable bases in the activity window; no double-strand break.",
    ),
)
PRIME_EDIT = (
    Risk(
        "off_target",
        "low",
        "Few off-target edits reported; efficiency varies widely between sites and pegRNA designs.",
    ),
)
LV = (
    Risk(
        "insertional_mutagenesis",
        "medium",
        "Integrating lentiviral vector: insertional "
        "mutagenesis; hematologic malignancy has been reported (boxed warning on Lyfgenia).",
    ),
)
GRV = (
    Risk(
        "insertional_mutagenesis",
        "high",
        "Gamma-retroviral vectors caused insertional leukemia (LMO2) in the SCID-X1 trial.",
    ),
)
CONDITIONING = (
    Risk(
        "conditioning",
        "high",
        "Myeloablative busulfan conditioning before stem-cell infusion: "
        "infertility, infections, organ toxicity; weeks in hospital.",
    ),
)
AAV = (
    Risk(
        "immunogenicity",
        "medium",
        "Capsid immunity: pre-existing neutralizing antibodies may "
        "exclude the patient; dose-dependent liver inflammation (transaminase rise) and "
        "complement activation; redosing is blocked by the antibodies the first dose raises.",
    ),
)
LNP = (
    Risk(
        "immunogenicity",
        "low",
        "Infusion reactions to lipid nanoparticles; edits are "
        "permanent while the editor is transient.",
    ),
)
