#!/bin/sh
# Load a `policykg dump` (N-Quads) into Virtuoso with its own bulk loader, the fast path for a large
# corpus (docs/scale.md, "A shared server"). Every graph the dump holds is cleared first, so loading
# a new dump of a plan replaces that plan's graph (the bulk loader alone only adds triples); graphs
# the dump does not hold are left alone. Runs isql-vt against the server's SQL port.
#
#   scripts/virtuoso_bulk_load.sh DUMP.nq
#   VIRTUOSO_PORT=1111 VIRTUOSO_USER=dba VIRTUOSO_PASSWORD=... scripts/virtuoso_bulk_load.sh corpus.nq
#
# The server reads the file itself: its folder must be listed in DirsAllowed of virtuoso.ini (and
# be readable by the server). Steps: ld_dir (register the file; a folder the server may not read
# stops here, before anything is cleared), CLEAR GRAPH for each graph in the dump,
# rdf_loader_run() (parse and load), checkpoint (make it durable), then a check that the loader
# recorded no error for the file.
set -eu
if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    echo "usage: $0 DUMP.nq   (a file written by: policykg dump --store DIR --out DUMP.nq)" >&2
    exit 2
fi
ISQL=${VIRTUOSO_ISQL:-isql-vt}
PORT=${VIRTUOSO_PORT:-1111}
USER=${VIRTUOSO_USER:-dba}
PASSWORD=${VIRTUOSO_PASSWORD:-dba}
DEFAULT_GRAPH=${VIRTUOSO_DEFAULT_GRAPH:-https://w3id.org/policykg/id/graph/loaded}
command -v "$ISQL" >/dev/null 2>&1 || { echo "error: $ISQL not found (apt-get install virtuoso-opensource)" >&2; exit 1; }
case "$1" in
    *.nq|*.nquads) ;;
    *) echo "error: $1: give an N-Quads dump (policykg dump --format nq)" >&2; exit 2 ;;
esac
dir=$(cd "$(dirname "$1")" && pwd)
file=$(basename "$1")
script=$(mktemp)
trap 'rm -f "$script"' EXIT
sql_string() { printf "%s" "$1" | sed "s/'/''/g"; }
path_sql=$(sql_string "$dir/$file")

run_isql() {  # the SQL in $script; stops the script on any error
    output=$("$ISQL" "$PORT" "$USER" "$PASSWORD" VERBOSE=OFF BANNER=OFF PROMPT=OFF ERRORS=STDOUT < "$script" 2>&1) || {
        echo "$output" >&2; echo "error: isql-vt failed (is Virtuoso listening on port $PORT?)" >&2; exit 1; }
    if printf "%s\n" "$output" | grep -q '\*\*\* Error'; then
        printf "%s\n" "$output" | grep -A2 '\*\*\* Error' >&2
        exit 1
    fi
}
value_of() { printf "%s\n" "$output" | sed -n "s/^$1 *\([0-9]*\).*/\1/p" | head -n 1; }

# 1. register the file (the server checks it may read the folder)
{
    echo "DELETE FROM DB.DBA.load_list WHERE ll_file = '$path_sql';"
    echo "ld_dir('$(sql_string "$dir")', '$(sql_string "$file")', '$(sql_string "$DEFAULT_GRAPH")');"
    echo "SELECT 'REGISTERED', COUNT(*) FROM DB.DBA.load_list WHERE ll_file = '$path_sql';"
} > "$script"
run_isql
if [ "$(value_of REGISTERED)" != "1" ]; then
    echo "error: Virtuoso did not register $dir/$file for loading (is its folder in DirsAllowed?)" >&2
    exit 1
fi

# 2. clear the graphs the dump holds, load, checkpoint, check
{
    echo "log_enable(3, 1);"
    # the graph of every quad: the last IRI on the line (lines are `S P O G .`), each once. awk in
    # the C locale, not sed: sed's backtracking over long text literals took 60 CPU-s per 300 MB.
    LC_ALL=C awk '{
        if (match($0, /<[^<>]*> *\.[ \t\r]*$/)) {
            graph = substr($0, RSTART + 1); sub(/>.*/, "", graph)
            if (!(graph in seen)) { seen[graph] = 1; print "SPARQL CLEAR GRAPH <" graph ">;" }
        }
    }' "$1"
    echo "rdf_loader_run();"
    echo "checkpoint;"
    echo "SELECT 'LOADED-FILES', COUNT(*) FROM DB.DBA.load_list WHERE ll_file = '$path_sql' AND ll_state = 2 AND ll_error IS NULL;"
    echo "SELECT 'LOAD-ERROR', ll_error FROM DB.DBA.load_list WHERE ll_file = '$path_sql' AND ll_error IS NOT NULL;"
} > "$script"
run_isql
if [ "$(value_of LOADED-FILES)" != "1" ]; then
    printf "%s\n" "$output" | grep 'LOAD-ERROR' >&2
    echo "error: the bulk loader could not load $dir/$file" >&2
    exit 1
fi
echo "loaded $dir/$file into Virtuoso (port $PORT)" >&2
