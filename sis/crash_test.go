package sis

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/openbms/bms/sis/store"
)

// The crash test: a child process (this test binary, re-executed) enters,
// updates and deletes alerts in a loop on a durable store and is killed
// with SIGKILL at a random moment; after each kill the parent reopens the
// store and checks that every acknowledged operation is there, that at
// most the one operation in flight is undecided, that every alert reads
// back whole, and that the audit chain verifies. BMS_SIS_CRASH_KILLS sets
// the number of kills (default 5; 50 for the full run). The child also
// compacts the store now and then, so kills land inside file rewrites too.

const crashEnv = "BMS_SIS_CRASH_DIR"

func crashSystem(tb testing.TB, dir string) *System {
	st, err := store.OpenBolt(filepath.Join(dir, "sis.db"), store.BoltOptions{}) // fsync on every commit
	if err != nil {
		tb.Fatal(err)
	}
	engine := NewAFIS()
	engine.Threads = 1
	s, err := Open(Config{Store: st, Fingerprints: engine})
	if err != nil {
		tb.Fatal(err)
	}
	if _, ok := s.users[userOf("DE", Police)]; !ok {
		for _, k := range []AuthorityKind{Police, SIRENE} {
			registerUser(tb, s, "DE", k)
		}
	}
	return s
}

// TestCrashChild is the child's loop; it runs only when re-executed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("runs as the child of TestCrashRecovery")
	}
	s := crashSystem(t, dir)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	user := userOf("DE", Police)
	out := os.Stdout
	for i := 0; ; i++ {
		var own []AlertID
		for id := range s.alerts {
			own = append(own, id)
		}
		r := rng.IntN(100)
		switch {
		case r < 55 || len(own) < 3:
			a := personAlert(Check, fmt.Sprintf("Crash%d", rng.Uint64()), adultDOB.AddDate(0, 0, rng.IntN(9000)))
			if rng.IntN(4) == 0 {
				a.Biometrics.Prints, _ = tenPrint(rng.Uint64(), 1)
			}
			fmt.Fprintf(out, "SISCRASH B enter -\n")
			res, err := s.Enter(ctx, user, a)
			if errors.Is(err, ErrRefused) { // a synthetic print below the quality gate
				fmt.Fprintf(out, "SISCRASH A refused - 0\n")
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(out, "SISCRASH A enter %s 1\n", res.ID)
		case r < 85:
			id := own[rng.IntN(len(own))]
			cur := s.alerts[id]
			upd := cur.clone()
			upd.Reason = fmt.Sprintf("reason %d", i)
			fmt.Fprintf(out, "SISCRASH B update %s\n", id)
			if err := s.Update(ctx, user, id, upd); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(out, "SISCRASH A update %s %d\n", id, cur.Version+1)
		case r < 95:
			id := own[rng.IntN(len(own))]
			fmt.Fprintf(out, "SISCRASH B delete %s\n", id)
			if err := s.Delete(ctx, user, id, GroundIssuerDecision); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(out, "SISCRASH A delete %s 0\n", id)
		default: // a kill during the file rewrite must leave the old file whole
			fmt.Fprintf(out, "SISCRASH B compact -\n")
			if err := s.Compact(); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(out, "SISCRASH A compact - 0\n")
		}
	}
}

func TestCrashRecovery(t *testing.T) {
	if os.Getenv(crashEnv) != "" {
		t.Skip("child")
	}
	kills := 5
	if v := os.Getenv("BMS_SIS_CRASH_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err)
		kills = n
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	expected := map[AlertID]int{} // acknowledged alerts and versions
	totalAcks := 0
	for round := 0; round < kills; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())
		lines := make(chan []string, 1)
		go func() {
			var ls []string
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				if l, ok := strings.CutPrefix(sc.Text(), "SISCRASH "); ok {
					ls = append(ls, l)
				}
			}
			lines <- ls
		}()
		time.Sleep(time.Duration(80+rng.IntN(300)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("round %d: the child ended before the kill: %v", round, err)
		}
		ls := <-lines
		_ = cmd.Wait()

		var inflight []string
		for _, l := range ls {
			f := strings.Fields(l)
			if f[0] == "B" {
				inflight = f[1:]
				continue
			}
			inflight = nil
			totalAcks++
			id, v := AlertID(f[2]), f[3]
			switch f[1] {
			case "enter", "update":
				expected[id], _ = strconv.Atoi(v)
			case "delete":
				delete(expected, id)
			}
		}

		s := crashSystem(t, dir)
		present := map[AlertID]int{}
		for id, a := range s.alerts {
			present[id] = a.Version
			require.NotNil(t, a.Person, "alert %s half-written", id)
			require.Equal(t, "Crash", a.Person.Surname[:5])
		}
		for id, v := range expected {
			got, ok := present[id]
			undecided := len(inflight) == 2 && AlertID(inflight[1]) == id
			switch {
			case ok && got == v:
			case undecided && inflight[0] == "update" && got == v+1:
			case undecided && inflight[0] == "delete" && !ok:
			default:
				t.Fatalf("round %d: acknowledged alert %s version %d, found %v (present %v); in flight %v", round, id, v, got, ok, inflight)
			}
		}
		extra := 0
		for id := range present {
			if _, ok := expected[id]; !ok {
				extra++
			}
		}
		if extra > 1 || (extra == 1 && (len(inflight) == 0 || inflight[0] != "enter")) {
			t.Fatalf("round %d: %d unacknowledged alerts present; in flight %v", round, extra, inflight)
		}
		n, err := VerifyAudit(s.st)
		require.NoError(t, err, "round %d", round)
		require.Positive(t, n)
		expected = present // the undecided operation is now decided
		require.NoError(t, s.Close())
	}
	t.Logf("%d kills, %d acknowledged operations, %d alerts at the end", kills, totalAcks, len(expected))
	require.Positive(t, totalAcks)
}
