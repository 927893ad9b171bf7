// Command bms is the command line of the bms biometric identification
// library: it inspects and converts fingerprint interchange files today,
// and grows extraction, comparison, enrolment, identification, evaluation
// and benchmarks as those parts land.
package main
