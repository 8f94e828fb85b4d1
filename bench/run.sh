#!/usr/bin/env bash
# Benchmark plansite against Hugo on the same Markdown, at several plan scales.
#
#   bench/run.sh                       # small, enterprise and huge; 5 timed rounds, 3 memory rounds
#   SCALES="small enterprise" RUNS=7 MEM_RUNS=3 TOUCH_RUNS=3 bench/run.sh
#   KEEP=1 bench/run.sh                # keep the generated plans and sites (path printed at the end)
#   TMPDIR=/mnt/other bench/run.sh     # generate, build and write on another file system
#   MEMDIR= bench/run.sh               # skip the builds in memory (MEMDIR: a tmpfs, /dev/shm)
#
# What it does, for each scale:
#   1. generates a synthetic plan (examples/genplan.rs) and the same Markdown as a Hugo site;
#   2. times `plansite build` and `hugo --quiet` in ALTERNATING rounds (hyperfine has no
#      interleave option, so each round is one hyperfine invocation with --runs 1 per command,
#      and the order flips every round); reports medians of wall time and of CPU time (user+sys);
#      three times: over the previous output (a re-run: plansite writes only the files that
#      changed, Hugo overwrites all of its files), over the previous output in memory (both
#      outputs on the tmpfs MEMDIR, where writing costs either tool little, so the ratio shows
#      the work each does rather than what this disk charges for rewriting files), and into an
#      empty folder never used before (a fresh checkout);
#      `sync` before every timed build, so that no build pays for writing back another's files;
#   3. measures peak memory (/usr/bin/time -v, "Maximum resident set size"), again alternating,
#      median of MEM_RUNS rounds;
#   4. times `plansite check` (hyperfine, RUNS runs, median);
#   5. starts `plansite serve`, edits one initiative TOUCH_RUNS times and takes the median of
#      the rebuild times serve logs (from the start of the rebuild to the new site being served);
#      twice: editing its Markdown body (prose: serve keeps the rules and the analysis) and its
#      front matter (a TOML comment: everything but unchanged files' parse runs again).
# The file system under $TMPDIR (where everything is written) moves the ratio to Hugo more than
# most code changes do: Hugo rewrites every file on every build, plansite only the files that
# changed, and what a rewrite costs depends on the file system (docs/performance.md, "The file
# system"). The table names it; compare only runs on the same one.
# Then prints one Markdown table. Everything runs on whatever machine this is: note the core
# count and load average printed at the top, since other work on the machine skews wall times
# (CPU time is less sensitive to it). On ext4 without a journal, leave several minutes between
# deleting a large tree (a previous run's cleanup included) and starting a run: for 60-300 s
# after, creating files costs several times the system time, and builds into an empty folder
# measure that instead.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCALES=${SCALES:-"small enterprise huge"}
RUNS=${RUNS:-5}
MEM_RUNS=${MEM_RUNS:-3}
TOUCH_RUNS=${TOUCH_RUNS:-3}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}

# --- tools ------------------------------------------------------------------------------------
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v hugo >/dev/null || missing+=(hugo)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]} with apt-get" >&2
  SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "building plansite and genplan (release) into $TARGET" >&2
(cd "$ROOT" && CARGO_TARGET_DIR=$TARGET cargo build --release --quiet --bin plansite --example genplan)
PLANSITE=$TARGET/release/plansite
GENPLAN=$TARGET/release/examples/genplan

WORK=$(mktemp -d "${TMPDIR:-/tmp}/plansite-bench.XXXXXX")
# Outputs in memory, when MEMDIR (default /dev/shm) is a tmpfs: the plans stay in $WORK.
SHM=
MEMDIR=${MEMDIR-/dev/shm}
if [ -n "$MEMDIR" ] && [ "$(findmnt -no FSTYPE -T "$MEMDIR" 2>/dev/null | awk 'NR == 1')" = tmpfs ]; then
  SHM=$(mktemp -d "$MEMDIR/plansite-bench.XXXXXX")
fi
# The outputs in memory go in any case (KEEP keeps $WORK only; each scale's are removed anyway).
cleanup() {
  rm -rf ${SHM:+"$SHM"}
  if [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"; exit} if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0 || a == "nan" || b == "nan") print "n/a"; else printf "%.2f", a / b }'; }
fmt() { awk -v a="$1" 'BEGIN { if (a == "nan") print "n/a"; else printf "%.2f", a }'; }
mb() { awk -v a="$1" 'BEGIN { printf "%.0f", a / 1024 }'; }
# Alternating rounds of "$1" (plansite) and "$2" (Hugo), RUNS of them; ROUND in either command
# is replaced by the round number. Leaves median wall and CPU seconds in $WORK/{p,h}.{wall,cpu}.
alternate() {
  : >"$WORK/p.wall"; : >"$WORK/h.wall"; : >"$WORK/p.cpu"; : >"$WORK/h.cpu"
  local r p h first second
  for ((r = 1; r <= RUNS; r++)); do
    echo "[$scale] $3 round $r/$RUNS" >&2
    p=${1//ROUND/$r}; h=${2//ROUND/$r}
    if ((r % 2)); then first=$p; second=$h; else first=$h; second=$p; fi
    # `sync` first: each build starts with no other's files still being written back to disk.
    hyperfine -N --runs 1 --prepare sync --style none --export-csv "$WORK/round.csv" "$first" "$second" >/dev/null
    # command,mean,stddev,median,user,system,min,max
    awk -F, -v p="$p" -v d="$WORK" 'NR > 1 {
        f = ($1 == p) ? "p" : "h";
        print $4 >> (d "/" f ".wall"); print $5 + $6 >> (d "/" f ".cpu") }' "$WORK/round.csv"
  done
}

# Two untimed builds of plansite ("$1") and one of Hugo ("$2"): the second of plansite's leaves
# it the spare folder that every timed build over the previous output then has.
warm_up() {
  $1 >/dev/null 2>&1; $1 >/dev/null 2>&1
  $2 >/dev/null 2>&1
}

# peak RSS in KB of one run of "$@"
peak_kb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}'; }

# The output's file system, as the line under the table names it: device, type, mount options,
# and for ext4 whether it has a journal (without one, ext4 does not reuse inodes freed in the
# last minutes, which slows creating files after a large tree was deleted). The journal is
# looked up by the kernel's name of the device (`dm-0` for an LVM volume whose mount source is
# /dev/mapper/…), as /proc/fs/jbd2 lists it. On overlay file systems this names the overlay,
# not what lies under it.
output_fs() {
  local src fstype opts majmin dev journal=""
  read -r src fstype opts majmin < <(findmnt -no SOURCE,FSTYPE,OPTIONS,MAJ:MIN -T "$1" 2>/dev/null) || { echo "unknown"; return; }
  if [ "$fstype" = ext4 ]; then
    dev=$(basename "$(readlink -f "/sys/dev/block/$majmin" 2>/dev/null || echo "${src##*/}")")
    if compgen -G "/proc/fs/jbd2/$dev-*" >/dev/null; then journal=" with a journal"; else journal=" without a journal"; fi
  fi
  echo "$src, $fstype$journal ($opts)"
}
echo "output file system: $(output_fs "$WORK")" >&2
echo "machine: $(nproc) cores, $(awk -F: '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/^ *//'), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "hyperfine $(hyperfine --version | cut -d' ' -f2), $(hugo version | cut -d' ' -f1-2), plansite $("$PLANSITE" --version | cut -d' ' -f2)" >&2

# Median-able list of serve rebuild times in ms: one per edit of "$2" in plan "$1", appending
# to its body ("$3" = body) or adding a line to its front matter ("$3" = front).
serve_rebuild_ms() {
  local plan=$1 file=$2 where=$3 log=$WORK/serve.log
  "$PLANSITE" serve "$plan" --port 0 >"$WORK/serve.out" 2>"$log" &
  local pid=$!
  for _ in $(seq 1 600); do grep -q "built in" "$log" && break; sleep 0.1; done
  for ((r = 1; r <= TOUCH_RUNS; r++)); do
    if [ "$where" = body ]; then
      echo "<!-- bench edit $r -->" >>"$file"
    else
      # written outside the plan (so serve never sees a half-written or extra file) and renamed
      # over the original, as editors save atomically
      { head -n 1 "$file"; echo "# bench edit $r"; tail -n +2 "$file"; } >"$WORK/edited"
      mv "$WORK/edited" "$file"
    fi
    for _ in $(seq 1 600); do [ "$(grep -c "^rebuilt in" "$log")" -ge "$r" ] && break; sleep 0.1; done
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local kept; kept=$(grep -c "^rebuilt in.*prose only" "$log" || true)
  if [ "$where" = body ] && [ "$kept" -ne "$TOUCH_RUNS" ]; then
    echo "warning: only $kept of $TOUCH_RUNS body edits kept the rules and analysis" >&2
  elif [ "$where" = front ] && [ "$kept" -ne 0 ]; then
    echo "warning: $kept front-matter edits kept the rules and analysis" >&2
  fi
  grep "^rebuilt in" "$log" | sed -E 's/.*build ([0-9]+) ms.*/\1/'
}

header() {
  echo "| scale | plansite build (s) | Hugo (s) | build ÷ Hugo | in memory: plansite (s) | Hugo (s) | ÷ Hugo | into an empty folder: plansite (s) | Hugo (s) | ÷ Hugo | CPU s plansite / Hugo | CPU ratio | peak RSS plansite (MB) | peak RSS Hugo (MB) | RSS ratio | check (s) | check ÷ build | serve rebuild after a body edit (s) | ÷ build | serve rebuild after a front-matter edit (s) | ÷ build | ÷ enterprise (build, RSS) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
}
row() {
  local scale=$1 vs_ent="—"
  if [ "$scale" != enterprise ] && [ -n "${BUILD[enterprise]:-}" ]; then
    vs_ent="$(ratio "${BUILD[$scale]}" "${BUILD[enterprise]}")×, $(ratio "${RSS[$scale]}" "${RSS[enterprise]}")×"
  fi
  echo "| $scale | $(fmt "${BUILD[$scale]}") | $(fmt "${HUGO[$scale]}") | $(ratio "${BUILD[$scale]}" "${HUGO[$scale]}") | $(fmt "${TMPFS[$scale]}") | $(fmt "${HUGO_TMPFS[$scale]}") | $(ratio "${TMPFS[$scale]}" "${HUGO_TMPFS[$scale]}") | $(fmt "${EMPTY[$scale]}") | $(fmt "${HUGO_EMPTY[$scale]}") | $(ratio "${EMPTY[$scale]}" "${HUGO_EMPTY[$scale]}") | $(fmt "${BUILD_CPU[$scale]}") / $(fmt "${HUGO_CPU[$scale]}") | $(ratio "${BUILD_CPU[$scale]}" "${HUGO_CPU[$scale]}") | $(mb "${RSS[$scale]}") | $(mb "${HRSS[$scale]}") | $(ratio "${RSS[$scale]}" "${HRSS[$scale]}") | $(fmt "${CHECK[$scale]}") | $(ratio "${CHECK[$scale]}" "${BUILD[$scale]}") | $(fmt "${TOUCH[$scale]}") | $(ratio "${TOUCH[$scale]}" "${BUILD[$scale]}") | $(fmt "${TOUCH_FRONT[$scale]}") | $(ratio "${TOUCH_FRONT[$scale]}" "${BUILD[$scale]}") | $vs_ent |"
}

declare -A BUILD HUGO TMPFS HUGO_TMPFS EMPTY HUGO_EMPTY BUILD_CPU HUGO_CPU RSS HRSS CHECK TOUCH TOUCH_FRONT
ROWS=$WORK/rows.md
: >"$ROWS"
for scale in $SCALES; do
  plan=$WORK/$scale
  hsrc=$WORK/$scale-hugo
  out=$WORK/$scale-out
  hout=$WORK/$scale-hugo-out
  "$GENPLAN" --scale "$scale" "$plan" --hugo "$hsrc"
  "$PLANSITE" check --quiet "$plan" || { echo "the generated $scale plan has errors" >&2; exit 1; }
  P_CMD="$PLANSITE build --quiet $plan -o $out"
  H_CMD="hugo --quiet -s $hsrc -d $hout"

  echo "[$scale] warm-up" >&2
  warm_up "$P_CMD" "$H_CMD"

  alternate "$P_CMD" "$H_CMD" "build over the previous output,"
  BUILD[$scale]=$(median <"$WORK/p.wall"); HUGO[$scale]=$(median <"$WORK/h.wall")
  BUILD_CPU[$scale]=$(median <"$WORK/p.cpu"); HUGO_CPU[$scale]=$(median <"$WORK/h.cpu")

  TMPFS[$scale]=nan; HUGO_TMPFS[$scale]=nan
  if [ -n "$SHM" ]; then
    M_CMD="$PLANSITE build --quiet $plan -o $SHM/$scale-out"
    MH_CMD="hugo --quiet -s $hsrc -d $SHM/$scale-hugo-out"
    warm_up "$M_CMD" "$MH_CMD"
    alternate "$M_CMD" "$MH_CMD" "build over the previous output in memory,"
    TMPFS[$scale]=$(median <"$WORK/p.wall"); HUGO_TMPFS[$scale]=$(median <"$WORK/h.wall")
    rm -rf "${SHM:?}"/*
  fi

  # Every round into its own new folder: removing one just before would time ext4's
  # allocation of inodes next to thousands just freed, which neither tool meets on a checkout.
  # The folders stay until the run ends, for the same reason: removed here, the enterprise
  # rounds' sites slowed the huge plan's rounds that followed (docs/performance.md, "The file
  # system").
  fresh=$WORK/fresh-$scale
  mkdir "$fresh"
  alternate "$PLANSITE build --quiet $plan -o $fresh/pROUND" "hugo --quiet -s $hsrc -d $fresh/hROUND" "build into an empty folder,"
  EMPTY[$scale]=$(median <"$WORK/p.wall"); HUGO_EMPTY[$scale]=$(median <"$WORK/h.wall")

  : >"$WORK/p.rss"; : >"$WORK/h.rss"
  for ((r = 1; r <= MEM_RUNS; r++)); do
    echo "[$scale] memory round $r/$MEM_RUNS" >&2
    if ((r % 2)); then
      peak_kb $P_CMD >>"$WORK/p.rss"; peak_kb $H_CMD >>"$WORK/h.rss"
    else
      peak_kb $H_CMD >>"$WORK/h.rss"; peak_kb $P_CMD >>"$WORK/p.rss"
    fi
  done
  RSS[$scale]=$(median <"$WORK/p.rss"); HRSS[$scale]=$(median <"$WORK/h.rss")

  echo "[$scale] check" >&2
  hyperfine -N --warmup 1 --runs "$RUNS" --style none --export-csv "$WORK/check.csv" "$PLANSITE check --quiet $plan" >/dev/null
  CHECK[$scale]=$(awk -F, 'NR == 2 {print $4}' "$WORK/check.csv")

  # The serve rebuild: start `plansite serve`, append a line to one initiative TOUCH_RUNS times
  # (its body, then its front matter) and read the time serve logs for each rebuild ("build N ms": from the start of the rebuild
  # to the new site being served, after the 100 ms debounce).
  echo "[$scale] serve rebuild after editing one initiative" >&2
  one=$(find "$plan/departments" -path '*/initiatives/*.md' | sort | awk 'NR == 1')   # awk reads all: no SIGPIPE under pipefail
  TOUCH[$scale]=$(serve_rebuild_ms "$plan" "$one" body | median | awk '{ printf "%.4f", $1 / 1000 }')
  TOUCH_FRONT[$scale]=$(serve_rebuild_ms "$plan" "$one" front | median | awk '{ printf "%.4f", $1 / 1000 }')
  row "$scale" >>"$ROWS"
  { echo "[$scale] done:"; header; row "$scale"; } >&2   # partial results survive an interrupted run
done

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo
header
cat "$ROWS"
echo
echo "Medians: build and Hugo over $RUNS alternating rounds, peak RSS over $MEM_RUNS alternating rounds, check over $RUNS runs, serve rebuild over $TOUCH_RUNS edits."
echo "Written to: $(output_fs "$WORK"); in memory: $(if [ -n "$SHM" ]; then echo "tmpfs at $MEMDIR"; else echo "not measured (MEMDIR is empty or not a tmpfs)"; fi)"
if [ -n "${KEEP:-}" ]; then echo "kept: $WORK"; fi
