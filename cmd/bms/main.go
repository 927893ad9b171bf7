package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: run gets the arguments after its name.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"demo":      {"run the main job on generated data: [--data DIR] [--store DIR]", runDemo},
	"inspect":   {"show what fingerprint files hold: [--json] FILE...", runInspect},
	"compare":   {"compare two fingerprints (images, templates, transactions): [--json] [-fmr F] A B", runCompare},
	"convert":   {"convert an image to PNG/PGM or a template to another format: [-format F] [-record N] IN OUT", runConvert},
	"fixtures":  {"write the project's generated fixtures: DIR", runFixtures},
	"calibrate": {"measure score ↔ FMR on a dataset and optionally write the default table: finger [-layout L] [-write FILE] DIR", runCalibrate},
	"eval":      {"accuracy: finger [-layout fvc|fcj2020] [-protocol fvc|full] [-json] [-out DIR] DIR | identify [-distractors N] LAYOUT:DIR... | face -embeddings F.npy -labels F.txt", runEval},
	"extract":   {"extract minutiae templates from images: [-format F] [-impression M] [-debug DIR] -o DIR IMAGE...", runExtract},
	"enroll":    {"enrol images, templates or transactions into a gallery file: -o FILE [-impression M] FILE|DIR...", runEnroll},
	"identify":  {"1:N search of a probe against a gallery: -gallery FILE|DIR -probe FILE [-k 10] [--json]", runIdentify},
	"synth":     {"synthetic fingers and their impostor scores against real ones: finger [-fingers N] [-compare scores.csv] [-o DIR]", runSynth},
	"dna":       {"DNA profiles: match|kinship|search|simulate [--json] ... (bms dna help)", runDNA},
	"audit":     {"verify the hash chain of an alert store's audit log: verify [--json] DIR", runAudit},
	"bench":     {"search speed on a generated gallery: finger [flags] | face [-gallery N] [-dim D] [-threads T] [-batch B] [-storage float32|float16|int8] [--json]", runBench},
}

// errUsage marks errors whose message is a usage hint (exit status 2).
var errUsage = errors.New("usage")

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "bms: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd.run(args[1:], stdout, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "bms %s: %v\n", args[0], err)
		if errors.Is(err, errUsage) {
			return 2
		}
		return 1
	}
	return 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: bms COMMAND [ARGS]")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, commands[n].summary)
	}
}

// newFlags makes a flag set that reports errors instead of exiting, so the
// commands stay testable.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("bms "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}
