// Package dna handles STR DNA profiles: loci and alleles, the quality gate,
// Prüm and CODIS direct matching, random match probabilities, and kinship
// likelihood ratios for identifying missing persons through relatives'
// profiles.
//
// This package is built by a later issue; until then it holds only this
// description.
package dna
