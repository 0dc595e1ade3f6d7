"""Source keys used by the delivery catalog (vectors, capsids, parts), resolved to references.

The keys follow the team's delivery reference digest (``[V1]``, ``[E8]``, ``[A4]`` …); each
catalog entry lists the keys its facts rest on, and reports print the resolved references.

Examples
--------
>>> describe_source("E9").startswith("Salva")
True
"""

from __future__ import annotations

from typing import Final

__all__ = ["REFERENCES", "describe_source"]

#: key → one-line reference (with URL, DOI or PMID where known).
REFERENCES: Final[dict[str, str]] = {
    "V1": "Vector Biolabs AAV FAQ, http://www.vectorbiolabs.com/vbs/page.html?m=262&s=AAV%20FAQ",
    "V2": "Int Arch Med 2010 3:36, Table 2, doi:10.1186/1755-7682-3-36",
    "V3": "PMC12925821, Table 2 (viral vector comparison)",
    "V4": "PMC8049509, Table 1 (viral vector comparison)",
    "V5": "Pharmaceutics 2021 13:1649, Table 2 (PMC8538656)",
    "V6": "PMC3001226, Table 1 (viral vector comparison)",
    "V7": "Tailored Genes FAQ, maximum gene capacity of a LV vector",
    "V8": "Kumar et al., Hum Gene Ther 2001;12:1893-1905, PMID 11589831 (LV titre vs length)",
    "V9": "PMC4781703 (helper-dependent adenovirus, up to 37 kb)",
    "V10": "High-capacity adenoviral vectors review (docslib 1842494)",
    "V11": "Creative Bioarray vendor page (HD-Ad ~30 kb)",
    "V12": "McCarty, Mol Ther 2008;16:1648-1656, PMID 18682697 (scAAV)",
    "V13": "Self-complementary AAV overview (secondary), ~2.2 kb unique transgene",
    "V14": "medicalbiochemist.com AAV notes (secondary), scAAV < 2.5 kb",
    "V15": "J Intern Med 2001 doi:10.1046/j.1365-2796.2001.00806.x (Miller 1990; Naldini 1996)",
    "V16": "Blood 2005;106:2530 (recurrent retroviral integration, MDS1/EVI1)",
    "V17": "PMC3123017 (TLR9 sensing of scAAV in liver)",
    "V18": "Front Immunol 2021 doi:10.3389/fimmu.2021.672449 (CpG depletion and cross-priming)",
    "V19": "BioCentury 2013-07-25 (CpG-depleted AAV, lasting muscle expression)",
    "V20": "J Gene Med doi:10.1002/jgm.516 (CMV promoter silencing by methylation)",
    "V21": "PMC5321474 (AAV biology review)",
    "V22": "Inserm 02465643 (AAV oversize packaging: Grieger 2005, Wu 2010, Lai 2010, Dong 2010)",
    "V23": "PMC8168460 (removing pathogen-associated patterns from vectors)",
    "V24": "γ-retroviral insertional oncogenesis, LMO2 in SCID-X1 (secondary)",
    "A1": "World J Methodol, AAV serotype tropism table (wjgnet v5/i3/28)",
    "A2": "Int J Mol Sci 2023 24:7736, Table 3 (PMC10177981)",
    "A3": "PMC5220346 (AAVrh10)",
    "A4": "PMC4923326 (AAV on human vs mouse hepatocytes in humanised-liver mice)",
    "A5": "PMID 36700121 (AAV-LK03 and HSPG-detargeted variants)",
    "A6": "PMC8693155 (AAV-SYDs)",
    "A7": "J Biomed Sci 2025 doi:10.1186/s12929-025-01123-z, Table 5 (approved AAV products)",
    "A8": "GeneMedi AAV serotype tropism (vendor)",
    "A9": "Boye et al., hGRK1 promoter in AAV5 confers rod and cone expression in NHP (OHSU)",
    "A10": "Acta Biochim Pol 2026 doi:10.3389/abp.2026.15939 (AAV species barriers)",
    "A11": "Gene Ther 2022 doi:10.1038/s41434-022-00380-z (AAV2 receptors)",
    "E1": "Lusby, Fife, Berns 1980, nucleotide sequence of the AAV inverted terminal repetition",
    "E3": "WHP posttranscriptional response element (Wikipedia)",
    "E4": "Gene Therapy, https://www.nature.com/articles/3302698 (WPRE variants, X ORF)",
    "E5": "Ambryon SPA page, https://www.ambryon.com/pages/polyadenylation-signals/spa",
    "E6": "Ambryon hGH polyA page, https://www.ambryon.com/pages/polyadenylation-signals/hghpa",
    "E7": "Levitt et al. 1989 synthetic polyA (Ambryon literature page)",
    "E8": "Gray et al., BMC Mol Biol 2011 (CBh and MeCP2 promoters, 800-bp CMV/CBA)",
    "E9": "Salva et al., Mol Ther 2007, PMID 17235310 (MHCK7, 770 bp)",
    "E10": "scienceinsights.org, hSyn promoter (~470 bp)",
    "E11": "Khani et al., IOVS 2005 (0.2-kb hRK enhancer/promoter)",
    "E12": "vendor page pAAV-CAG-Fluc (CAG ~1.8 kb)",
    "E13": "CAG promoter (Wikipedia mirror)",
    "E14": "SignaGen, common promoters for eukaryotes (2015)",
    "E15": "PMC4519829, Table 3 (promoter silencing)",
    "E17": "EF1α 1,172-bp version contains an intron; Zheng & Baum 2014, http://www.medsci.org/v11p0404",
    "E18": "Nathwani et al., Blood 2006 (scAAV LP1-hFIX cassette), PMC1895379",
    "E19": "Zufferey et al., J Virol 1999 (WPRE 5-8x, sense orientation), PMC104046",
    "E22": "GeneMedi AAV genome structure (145-bp ITRs, 4.7-kb genome; vendor)",
    "T14": "VectorBuilder, promoter selection lesson",
    "P-AAV-PROMO": "PMC10196484, Table 1 (promoters of approved AAV products)",
    "P-ELE-MHCK7": "FDA accelerated approval of Elevidys (MHCK7, AAVrh74)",
    "P-BEQ-EPR": "European Pharmaceutical Review: Beqvez (AAVRh74var FIX) approval",
    "P-GLY-IM": "Alipogene tiparvovec (Glybera), Wikipedia medicine mirror",
    "GIRAFFE": "Addgene GIRAFFE feature database, github.com/addgene/giraffe "
    "c7d3b1f000ceea83e6c98cce06cd2a0f9e4f4c2c (MIT)",
    "NC001401": "NCBI RefSeq NC_001401.2, adeno-associated virus 2 complete genome",
    "U01317": "GenBank U01317.1, human beta-globin region on chromosome 11",
    "KOZAK1987": "Kozak M., Nucleic Acids Res 1987;15:8125-8148 (vertebrate start-site consensus)",
    "UNVERIFIED": "general domain knowledge, not confirmed by a cited source",
}


def describe_source(key: str) -> str:
    """The reference for ``key`` (the key itself, marked unknown, if it is not listed)."""
    return REFERENCES.get(key, f"{key} (unknown source key)")
