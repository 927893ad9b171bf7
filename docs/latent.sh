#!/usr/bin/env bash
# Reproduces the latent-search table of docs/performance.md: each SD27
# latent (and the NIST Type-13 latent) searched with `bms identify` in a
# gallery of the four mated rolled prints and 10,000 synthetic distractors
# (bench.Synth, seed 7). Prints the mate's rank, its score and FMR
# estimate, and the best distractor. Needs ../shared/data; under a minute.
# Optional: ROI=DIR with {good,bad,ugly}_latent.png masks.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${BMS_SHARED_DATA:-../shared/data}/fingerprint
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/bms" ./cmd/bms
bms=$work/bms
mkdir -p "$work/syn" "$work/rolled"
"$bms" synth finger -fingers 10000 -seed 7 -score=false -o "$work/syn" > /dev/null
cp "$data"/latent-sd27/*_rolled.bmp "$work/rolled/"
an2=$data/ansi-nist/type-13-14-latent-match.an2
"$bms" convert -record 3 "$an2" "$work/rolled/nist_rolled.png" > /dev/null
"$bms" convert -record 2 "$an2" "$work/nist_latent.png" > /dev/null
"$bms" enroll -impression rolled -o "$work/gallery.bms" "$work/rolled" "$work/syn" > /dev/null 2>&1
printf '| latent | outline | mate rank | mate score | FMR estimate | best distractor |\n|---|---|---|---|---|---|\n'
rank() { # name probe [roi]
  local roi=()
  [ -n "${3:-}" ] && roi=(-roi "$3")
  "$bms" identify -gallery "$work/gallery.bms" -probe "$2" -impression latent "${roi[@]}" -k 10004 --json 2>/dev/null |
    python3 -c '
import json,sys
name,outline=sys.argv[1],sys.argv[2]
c=json.load(sys.stdin)["candidates"]
for i,x in enumerate(c):
    if name+"_rolled" in x["id"]:
        d=next(y for y in c if "synth" in y["id"])
        print("| %s | %s | %d | %.3f | %.3g | %.3f |"%(name,outline,i+1,x["score"],x["fmr"],d["score"]))
' "$1" "$([ -n "${3:-}" ] && echo yes || echo no)"
}
for q in good bad ugly; do rank $q "$data/latent-sd27/${q}_latent.bmp"; done
rank nist "$work/nist_latent.png"
if [ -n "${ROI:-}" ]; then
  for q in good bad ugly; do rank $q "$data/latent-sd27/${q}_latent.bmp" "$ROI/${q}_latent.png"; done
fi
