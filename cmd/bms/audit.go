package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/openbms/bms/sis"
)

// AuditReport is what `audit verify --json` prints.
type AuditReport struct {
	Dir      string `json:"dir"`
	Entries  int    `json:"entries"`
	HeadSeq  uint64 `json:"head_seq"`
	HeadHash string `json:"head_hash"`
	Verified bool   `json:"verified"`
	Error    string `json:"error,omitempty"`
}

// runAudit checks the hash chain of an alert store's audit log (Art. 12):
// every entry's hash recomputed from its predecessor's and its content.
func runAudit(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError("audit needs a subcommand: bms audit verify [--json] DIR")
	}
	fs := newFlags("audit verify", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("audit verify needs the store's directory (it holds %s)", sis.DefaultStoreFile)
	}
	rep := AuditReport{Dir: fs.Arg(0)}
	n, seq, head, err := sis.VerifyAuditDir(rep.Dir)
	rep.Entries, rep.HeadSeq, rep.HeadHash, rep.Verified = n, seq, head, err == nil
	if err != nil {
		rep.Error = err.Error()
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if e := enc.Encode(rep); e != nil {
			return e
		}
	} else if err == nil {
		fmt.Fprintf(stdout, "%s: audit chain verified, %d entries; head #%d %s (publish it to anchor the log)\n", rep.Dir, n, seq, head)
	}
	if err != nil {
		return fmt.Errorf("audit chain does not verify: %w", err)
	}
	return nil
}
