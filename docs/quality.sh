#!/usr/bin/env bash
# Does template quality predict match failure? For each development set:
# the false non-match rate (FMR 0.01 % threshold, official protocol's
# genuine pairs) of pairs involving one of the 10 % lowest-quality
# templates, against the other pairs. Needs ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${BMS_SHARED_DATA:-../shared/data}/fingerprint
bms=/tmp/bms-quality
go build -o $bms ./cmd/bms
tmp=$(mktemp -d)
threshold=$($bms compare --json testdata/gen/two-fingers.iso2011 testdata/gen/two-fingers.iso2011 | python3 -c 'import json,sys; print(json.load(sys.stdin)["threshold"])')
echo "threshold at FMR 0.01 %: $threshold"
printf '| set | genuine pairs | FNMR, pairs with a lowest-10 %% template | FNMR, other pairs | share of all false non-matches in lowest-10 %% pairs |\n|---|---|---|---|---|\n'
run() { # name layout dir
  out="$tmp/${1// /_}"; mkdir -p "$out"
  $bms eval finger -q -layout "$2" -out "$out" "$3" > /dev/null
  find "$3" -name '*.tif' -o -name '*.bmp' | sort > "$out/files"
  xargs $bms extract -workers 2 -format json -o "$out/t" < "$out/files" 2>/dev/null > "$out/extract.txt" || true
  python3 - "$1" "$3" "$out" "$threshold" <<'PY'
import csv, os, re, sys
name, root, out, th = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
quality = {}
for line in open(os.path.join(out, "extract.txt")):
    m = re.match(r"(.*) → .*quality (\d+),", line)
    if m:
        quality[os.path.relpath(m.group(1), root)] = int(m.group(2))
qs = sorted(quality.values())
cut = qs[max(0, len(qs) // 10 - 1)]  # quality of the 10th percentile template
low_names = {k for k, q in sorted(quality.items(), key=lambda kv: kv[1])[: len(qs) // 10]}
low = [0, 0]; rest = [0, 0]; fnm_low = fnm_all = 0
for r in csv.DictReader(open(os.path.join(out, "scores.csv"))):
    if r["genuine"] != "1":
        continue
    fail = float(r["score"]) < th
    bucket = low if (r["probe"] in low_names or r["candidate"] in low_names) else rest
    bucket[0] += 1; bucket[1] += fail
    fnm_all += fail; fnm_low += fail and bucket is low
rate = lambda b: "%.1f %% (%d/%d)" % (100 * b[1] / b[0], b[1], b[0]) if b[0] else "–"
share = "%.0f %% (%d/%d)" % (100 * fnm_low / fnm_all, fnm_low, fnm_all) if fnm_all else "–"
print(f"| {name} | {low[0] + rest[0]} | {rate(low)} | {rate(rest)} | {share} |")
PY
}
for db in DB1_B DB2_B DB3_B DB4_B; do run "FVC2000 $db" fvc "$data/fvc2000/$db"; done
run FCJ2020 fcj2020 "$data/fcj2020"
rm -rf "$tmp"
