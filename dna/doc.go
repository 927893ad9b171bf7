// Package dna identifies missing persons by STR DNA profiles: directly,
// when the missing person's own profile is on the alert, and by kinship,
// when only relatives' profiles are (Regulation (EU) 2018/1862, Art. 42(3):
// DNA only on alerts on missing persons needing protection; relatives'
// profiles only with their explicit consent).
//
// # Model
//
// A Profile holds at most two alleles per Locus — a single-source profile;
// a third allele is refused (ErrMixture), since mixtures are not accepted.
// Loci are a fixed catalogue (ESS 12, CODIS 20, Penta D/E, SE33, D6S1043,
// the Prüm/Interpol loci and the markers of the supported frequency tables)
// resolved from any usual spelling ("D8", "THO1", "PENTA_D"). An Allele is
// a repeat number in tenths (9.3 is a microvariant), an off-ladder form
// ("<8", ">30", "OL") or the wildcard "*". Amelogenin is kept as text,
// never a locus. A profile's Subject says whose it is: an unidentified
// person, the missing person, or a relative (relationship and consent).
// Profiles are read and written as JSON or CSV (one row per profile, one
// column per locus, cells like "15,16.3").
//
// # Data flow
//
//	frequency table (ReadFrequencies) ──► Model (θ, mutation, alphabet per locus)
//	profiles (ReadProfiles) ──► QualityGate.Check ──► Store.Add ──► rows of genotype codes
//	probe ──► per-locus lookup tables ──► scan (index.Split/ScanParallel, index.TopK) ──► hits
//
// Direct matching (Compare, Store.Match) follows the Prüm rules (full and
// near match, at least six fully designated matching loci, wildcards) or a
// CODIS stringency. Statistics use the product rule with the NRC II 4.10
// θ-correction (MatchProbability), pairwise kinship likelihood ratios from
// the IBD coefficients κ with Balding–Nichols conditioning and a stepwise
// mutation model (PairLR), and the exact likelihood of a whole family on
// its pedigree (FamilyLR): the joint LR of, say, both parents of a missing
// child is a sum over the untyped founders' genotypes, not a product of
// pairwise LRs.
//
// # Search
//
// A Store keeps each profile as a row of uint16 genotype codes, one per
// locus of the table (a triangular index of the two alleles' positions in
// the locus's alphabet; 0 = untyped). A search first turns the probe into
// per-locus tables over every code — the packed outcome of comparing the
// probe's genotype with that code, or the log10 LR of the code under each
// kinship — so that scoring a stored profile is one lookup and one add per
// locus. Direct search orders loci by discriminating power and leaves a
// row at its first excess mismatch. SearchAlerts screens every alert row
// with its pairwise log10 LR, then scores a shortlist exactly (identity or
// pedigree); SearchUnidentified evaluates an alert's pedigree once per
// locus and genotype code, so its scan is exact.
//
// The package never logs; Profile.String names a profile without its
// genotypes. docs/dna.md gives the formulas with references, the matching
// rules, the simulation and benchmark figures, and the commands behind them.
package dna
