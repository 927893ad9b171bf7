#!/usr/bin/env bash
# Reproduces the tables of docs/accuracy.md: every development set with the
# official FVC protocol and with the full protocol, with the label audit
# (bms eval finger -audit). Needs ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${BMS_SHARED_DATA:-../shared/data}/fingerprint
go build -o /tmp/bms-accuracy ./cmd/bms
printf '| set | protocol | EER | FMR100 | FMR1000 | ZeroFMR | genuine | impostor | FTE |\n|---|---|---|---|---|---|---|---|---|\n'
run() { # name layout protocol dir
  /tmp/bms-accuracy eval finger -q -json -audit -layout "$2" -protocol "$3" "$4" | python3 -c '
import json,sys
r=json.load(sys.stdin); name,proto=sys.argv[1],sys.argv[2]
def row(label,m):
    p=lambda x:"%.2f %%"%(100*x)
    print("| %s | %s | %s | %s | %s | %s | %d | %d | %d |"%(label,proto,p(m["eer"]),p(m["fmr100"]),p(m["fmr1000"]),p(m["zerofmr"]),m["genuine"],m["impostor"],r["fte"]))
row(name,r)
if r.get("without_same_person"): row(name+", no same-person impostors",r["without_same_person"])
if r.get("without_suspect_labels"): row(name+", without %d suspect labels"%len(r["suspect_labels"]),r["without_suspect_labels"])
' "$1" "$3"
}
for proto in fvc full; do
  for db in DB1_B DB2_B DB3_B DB4_B; do run "FVC2000 $db" fvc $proto "$data/fvc2000/$db"; done
  run FCJ2020 fcj2020 $proto "$data/fcj2020"
done
