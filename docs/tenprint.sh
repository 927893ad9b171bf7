#!/usr/bin/env bash
# Reproduces the ten-print table of docs/performance.md: the NIST ten-print
# card (type-4-tpcard.an2) enrolled among two other NIST transactions and
# 10,000 synthetic single-finger distractors of unknown position
# (bench.Synth, seed 11, compared with every probe finger), then searched
# with the Type-14 copy of the card (rolled prints and slaps) and with the
# slaps alone (type-14-amp-nqm-utf8.an2, left ring declared amputated).
# Prints the mate's rank, score, FMR estimate and fingers with evidence,
# and the best distractor. Needs ../shared/data; about half a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
an2=${BMS_SHARED_DATA:-../shared/data}/fingerprint/ansi-nist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bms" ./cmd/bms
bms=$work/bms
mkdir -p "$work/gal"
cp "$an2"/type-4-tpcard.an2 "$an2"/type-9-14-std.an2 "$an2"/type-9-10-14.an2 "$work/gal/"
"$bms" synth finger -fingers 10000 -seed 11 -score=false -o "$work/gal/syn" > /dev/null
"$bms" enroll -o "$work/gallery.bms" "$work/gal" > /dev/null 2>&1
printf '| probe | probe views | mate rank | mate score | mate FMR | views ≥ FMR 1 %% threshold | best other | its FMR |\n|---|---|---|---|---|---|---|---|\n'
for p in type-14-tpcard-nqm type-14-amp-nqm-utf8; do
  "$bms" identify -gallery "$work/gallery.bms" -probe "$an2/$p.an2" -k 10003 --json 2>/dev/null |
    python3 -c '
import json,sys
r=json.load(sys.stdin)
c=r["candidates"]
for i,x in enumerate(c):
    if x["id"]=="type-4-tpcard":
        o=next(y for y in c if y["id"]!="type-4-tpcard")
        ev=sum(1 for v in x["views"] if v["score"]>=0.2973)
        print("| %s | %d | %d | %.1f | %.2g | %d | %.2f | %.2g |"%(sys.argv[1],r["probe_views"],i+1,x["score"],x["fmr"],ev,o["score"],o["fmr"]))
' "$p"
done
