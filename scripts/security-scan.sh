#!/usr/bin/env bash
# Attack the running gateway with two public GraphQL attack tools (docs/security.md, "Attack tools run against the gateway"):
#   graphql-cop  https://github.com/dolevf/graphql-cop         12 checks; a strict server shows 0 findings
#   clairvoyance https://github.com/nikitastupin/clairvoyance  rebuilds a schema from error messages; must recover nothing
# It downloads nothing: both tools must already be checked out under TOOLS_DIR (see tools_missing below).
#
# Environment:
#   GATEWAY_URL   default http://127.0.0.1:4000/graphql
#   TOOLS_DIR     default /work/tools if it exists, else ${TMPDIR:-/tmp}/graphql-attack-tools
#   TOKEN         optional; sent as "Authorization: Bearer $TOKEN" by both tools
#   PYTHON        default /usr/bin/python3 (Debian's, with python3-requests … python3-rich), else python3
#   SCAN_OUT_DIR  where raw outputs go (default: a new directory under ${TMPDIR:-/tmp})
#   CLAIRVOYANCE_CONCURRENCY  default 4 (the gateway rate-limits per caller; 429 answers would blind the tool)
#   CLAIRVOYANCE_TIMEOUT / CLAIRVOYANCE_MEM_KB / CLAIRVOYANCE_WORDLIST  180 s / 4 GB / bundled list
#   CLAIRVOYANCE_BUCKET       words per probe, default 4; "stock" keeps clairvoyance's own 64. With 64 and a
#                 server that reports at most 5 validation errors (maxErrors), the unreported words look
#                 like fields, so an attacker lowers the bucket; so do we (through a wrapper that sets its
#                 Config — the tool's files are not changed).
#
# What counts as "clairvoyance recovered something": a type or field in the schema it writes, or — when it
# stops before writing one (EndpointError "Unable to get TypeRef", its usual end against a server that
# gives it no signal) — a field-name probe that told words apart: the wrapper records, per probe round,
# how many words it sent and which it took for fields. All words (or none) taken = the answers were the
# same for every name = nothing learnt. A proper subset = a field-existence oracle = a finding.
# The root type names clairvoyance gets from `query|mutation|subscription { __typename }` at start are
# listed but not counted (__typename on a root type is standard GraphQL and names no field).
#
# Hand probes: `{ hospital }` and `{ hospitalz { x } }` (a real field without selection, a made-up one)
# must get the same answer apart from the request id, with no "Did you mean" and no schema name in it;
# `subscription { __typename }` must get a 4xx, never a 5xx.
#
# Exit: 0 no finding and nothing recovered; 1 a finding or a recovered type/field; 2 could not run.
set -uo pipefail

GATEWAY_URL="${GATEWAY_URL:-http://127.0.0.1:4000/graphql}"
if [[ -z "${TOOLS_DIR:-}" ]]; then
  if [[ -d /work/tools ]]; then TOOLS_DIR=/work/tools; else TOOLS_DIR="${TMPDIR:-/tmp}/graphql-attack-tools"; fi
fi
TOKEN="${TOKEN:-}"
CLAIRVOYANCE_CONCURRENCY="${CLAIRVOYANCE_CONCURRENCY:-4}"
CLAIRVOYANCE_BUCKET="${CLAIRVOYANCE_BUCKET:-4}"
CLAIRVOYANCE_TIMEOUT="${CLAIRVOYANCE_TIMEOUT:-180}"   # seconds; it writes its schema after each iteration
CLAIRVOYANCE_MEM_KB="${CLAIRVOYANCE_MEM_KB:-4000000}" # it grew to 24 GB and was OOM-killed against this gateway
CLAIRVOYANCE_WORDLIST="${CLAIRVOYANCE_WORDLIST:-}"    # default: the list bundled with clairvoyance
COP_DIR="$TOOLS_DIR/graphql-cop"
CV_DIR="$TOOLS_DIR/clairvoyance"

tools_missing() {
  cat >&2 <<EOF
Missing: $*
This script downloads nothing. Get the tools and their Python dependencies once:

  sudo apt-get install -y python3-requests python3-simplejson python3-termcolor python3-aiohttp python3-rich
  mkdir -p "$TOOLS_DIR"
  git clone https://github.com/dolevf/graphql-cop "$COP_DIR"
  git clone https://github.com/nikitastupin/clairvoyance "$CV_DIR"

(docs/security.md records the commits last used; 'git -C <dir> checkout <commit>' to pin them.)
Then: GATEWAY_URL=$GATEWAY_URL TOOLS_DIR=$TOOLS_DIR $0
EOF
  exit 2
}

missing=()
[[ -f "$COP_DIR/graphql-cop.py" ]] || missing+=("graphql-cop ($COP_DIR/graphql-cop.py)")
[[ -f "$CV_DIR/clairvoyance/__main__.py" ]] || missing+=("clairvoyance ($CV_DIR/clairvoyance/__main__.py)")
((${#missing[@]} == 0)) || tools_missing "${missing[@]}"

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" /usr/bin/python3 python3; do
    [[ -n "$candidate" ]] || continue
    if "$candidate" -c 'import requests, simplejson, termcolor, aiohttp, rich' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
PY="$(pick_python)" || tools_missing "a python3 with requests, simplejson, termcolor, aiohttp and rich"

OUT="${SCAN_OUT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/security-scan.XXXXXX")}"
mkdir -p "$OUT"

commit_of() { git -C "$1" rev-parse HEAD 2>/dev/null || echo unknown; }
COP_COMMIT="$(commit_of "$COP_DIR")"
CV_COMMIT="$(commit_of "$CV_DIR")"

cop_header=()
cv_header=()
curl_auth=()
if [[ -n "$TOKEN" ]]; then
  cop_header=(-H "{\"Authorization\": \"Bearer $TOKEN\"}")
  cv_header=(-H "Authorization: Bearer $TOKEN")
  curl_auth=(-H "Authorization: Bearer $TOKEN")
fi

echo "security scan of $GATEWAY_URL ($([[ -n "$TOKEN" ]] && echo 'with a bearer token' || echo 'without a token')) — $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "  python       $PY ($("$PY" --version 2>&1))"
echo "  graphql-cop  $COP_DIR @ $COP_COMMIT"
echo "  clairvoyance $CV_DIR @ $CV_COMMIT"
echo "  raw output   $OUT"

# A plain probe, so that a 401/403/429 that blinds the tools is visible in the summary.
probe_status="$(curl -s -o "$OUT/probe.json" -w '%{http_code}' --max-time 20 "$GATEWAY_URL" \
  -H 'content-type: application/json' "${curl_auth[@]}" -d '{"query":"query probe { __typename }"}')"
echo "  probe        POST {__typename} → HTTP $probe_status $(head -c 300 "$OUT/probe.json" 2>/dev/null)"
if [[ "$probe_status" == 000 ]]; then
  echo "The gateway does not answer at $GATEWAY_URL — start it first (README.md: npm start)." >&2
  exit 2
fi

# graphql-cop: -f runs every check even when its own detection fails (it would otherwise print
# nothing and look clean); its detection result is reported separately.
echo
echo "== graphql-cop"
(cd "$COP_DIR" && "$PY" graphql-cop.py -t "$GATEWAY_URL" -f -o json "${cop_header[@]}") >"$OUT/graphql-cop.out" 2>"$OUT/graphql-cop.err"
cop_rc=$?
"$PY" - "$OUT/graphql-cop.out" "$OUT/graphql-cop.summary.json" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding='utf-8').read().splitlines()
results = None
for line in reversed(lines):
    line = line.strip()
    if line.startswith('['):
        try:
            results = json.loads(line)
            break
        except ValueError:
            pass
detected = not any('Running a forced scan' in l or 'does not seem to be running GraphQL' in l for l in lines)
if results is None:
    print('graphql-cop produced no JSON result (see graphql-cop.out / .err)')
    json.dump({'ok': False}, open(sys.argv[2], 'w'))
    sys.exit(0)
found = [r for r in results if r.get('result') is True or r.get('vulnerable') is True]
print(f"checks run: {len(results)}; endpoint recognised as GraphQL by graphql-cop: {'yes' if detected else 'NO (forced scan; checks may only show that requests are rejected)'}")
print(f"findings: {len(found)}")
for r in results:
    mark = 'VULNERABLE' if r in found else 'ok        '
    print(f"  {mark} [{r.get('severity')}] {r.get('title')} — {r.get('description')}")
for r in found:
    print(f"\n  reproduce '{r.get('title')}':\n    {r.get('curl_verify')}")
json.dump({'ok': True, 'findings': len(found), 'titles': [r.get('title') for r in found], 'detected': detected}, open(sys.argv[2], 'w'))
PY

# clairvoyance: blind schema recovery through "Did you mean …" suggestions and error messages.
echo
echo "== clairvoyance"
echo "(bucket $CLAIRVOYANCE_BUCKET words per request, $CLAIRVOYANCE_CONCURRENCY concurrent requests, ${CLAIRVOYANCE_WORDLIST:-bundled wordlist})"
rm -f "$OUT/clairvoyance.json" "$OUT/clairvoyance.trace.jsonl"
cv_wordlist=()
[[ -n "$CLAIRVOYANCE_WORDLIST" ]] && cv_wordlist=(-w "$CLAIRVOYANCE_WORDLIST")
(cd "$CV_DIR" && ulimit -v "$CLAIRVOYANCE_MEM_KB" && CLAIRVOYANCE_BUCKET="$CLAIRVOYANCE_BUCKET" CLAIRVOYANCE_TRACE="$OUT/clairvoyance.trace.jsonl" \
  timeout -s KILL "$CLAIRVOYANCE_TIMEOUT" "$PY" -c '
import json, os, sys
import clairvoyance.config as config
import clairvoyance.oracle as oracle
from clairvoyance.cli import cli
if os.environ["CLAIRVOYANCE_BUCKET"] != "stock":
    init = config.Config.__init__
    def bucketed(self):
        init(self)
        self._bucket_size = int(os.environ["CLAIRVOYANCE_BUCKET"])
    config.Config.__init__ = bucketed
def trace(record):
    with open(os.environ["CLAIRVOYANCE_TRACE"], "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")
# Record what the tool learns, without changing it: root type names, and per field-name probe round
# how many words went out and which it took for fields.
fetch_roots, probe_fields = oracle.fetch_root_typenames, oracle.probe_valid_fields
async def traced_roots():
    roots = await fetch_roots()
    trace({"roots": roots})
    return roots
async def traced_fields(wordlist, input_document):
    found = await probe_fields(wordlist, input_document)
    trace({"document": input_document, "probed": len(set(wordlist)), "accepted": sorted(found)})
    return found
oracle.fetch_root_typenames, oracle.probe_valid_fields = traced_roots, traced_fields
cli(sys.argv[1:])
' -c "$CLAIRVOYANCE_CONCURRENCY" "${cv_wordlist[@]}" -o "$OUT/clairvoyance.json" "${cv_header[@]}" "$GATEWAY_URL") \
  >"$OUT/clairvoyance.out" 2>"$OUT/clairvoyance.log"
cv_rc=$?
"$PY" - "$OUT/clairvoyance.json" "$cv_rc" "$OUT/clairvoyance.summary.json" "$OUT/clairvoyance.log" "$OUT/clairvoyance.trace.jsonl" <<'PY'
import json, os, sys
path, rc, summary_path, log_path, trace_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
log = open(log_path, encoding='utf-8', errors='replace').read().splitlines()
warnings = [l for l in log if 'WARNING' in l or 'Error' in l or 'Traceback' in l]
trace = [json.loads(l) for l in open(trace_path, encoding='utf-8')] if os.path.exists(trace_path) else []
roots = {v for r in trace if 'roots' in r for v in r['roots'].values() if v}
rounds = [r for r in trace if 'probed' in r]
# A round that took some words but not all for fields told names apart: that is what it recovered.
oracle_rounds = [r for r in rounds if 0 < len(r['accepted']) < r['probed']]
no_typeref = any('Unable to get TypeRef' in l for l in log)
server_errors = sum('Received status code 5' in l for l in log)
if server_errors:
    print(f'{server_errors} HTTP 5xx answers to clairvoyance (see {log_path})')
for r in rounds:
    verdict = 'TOLD NAMES APART' if r in oracle_rounds else 'no signal (same answer for every name)'
    print(f"field-name probe on {r['document']!r}: {r['probed']} words sent, {len(r['accepted'])} taken for fields — {verdict}")
if rc != 0:
    print(f'clairvoyance stopped (exit {rc}{", killed: time or memory limit" if rc in (137, 124) else ""}); last log lines:')
    for l in log[-6:]:
        print('   ', l[:300])
recovered = [f"{r['document']} → {w}" for r in oracle_rounds for w in r['accepted']]
if not os.path.exists(path):
    # Stopped before its first schema: complete only if it got as far as a field-name probe round and then
    # gave up for lack of type information (EndpointError), not if it crashed or was killed earlier.
    complete = bool(rounds) and (rc == 0 or no_typeref)
    if complete and not recovered:
        print('no schema written: it could not type a single field (EndpointError "Unable to get TypeRef") — nothing recovered')
    print(f"root types seen (__typename at start, not counted): {', '.join(sorted(roots)) or 'none'}")
    print(f"recovered: {len(recovered)}")
    for r in recovered[:50]:
        print('  ', r)
    json.dump({'ok': complete or bool(recovered), 'recovered': recovered, 'roots': sorted(roots), 'server_errors': server_errors}, open(summary_path, 'w'))
    sys.exit(0)
if rc != 0:
    print(f'using the schema it wrote after its last complete iteration ({path})')
schema = json.load(open(path, encoding='utf-8'))['data']['__schema']
roots |= {t['name'] for t in (schema.get('queryType'), schema.get('mutationType'), schema.get('subscriptionType')) if t}
builtin = {'String', 'ID', 'Int', 'Float', 'Boolean'}
for t in schema['types']:
    name, fields = t['name'], t.get('fields') or []
    if name in roots:
        recovered += [f"{name}.{f['name']}" for f in fields]
    elif name not in builtin:
        recovered.append(name + (' {' + ', '.join(f['name'] for f in fields) + '}' if fields else ''))
recovered = [r for r in recovered if not r.endswith('.dummy')]  # clairvoyance's placeholder field
print(f"root types seen (__typename at start, not counted): {', '.join(sorted(roots)) or 'none'}")
print(f"recovered: {len(recovered)}")
for r in recovered[:50]:
    print('  ', r)
if len(recovered) > 50:
    print(f'   … {len(recovered) - 50} more in {path}')
if warnings:
    print(f'{len(warnings)} warning lines in the log (429/401/timeouts blind the tool), first: {warnings[0]}')
json.dump({'ok': True, 'recovered': recovered, 'roots': sorted(roots), 'server_errors': server_errors}, open(summary_path, 'w'))
PY

# Field suggestions and validation detail, by hand: the signal clairvoyance feeds on. A real field used
# wrongly and a made-up one must get the same answer (apart from the request id).
sugg_status="$(curl -s -o "$OUT/suggestion-probe.json" -w '%{http_code}' --max-time 20 "$GATEWAY_URL" \
  -H 'content-type: application/json' "${curl_auth[@]}" -d '{"query":"{ hospital }"}')"
fake_status="$(curl -s -o "$OUT/unknown-field-probe.json" -w '%{http_code}' --max-time 20 "$GATEWAY_URL" \
  -H 'content-type: application/json' "${curl_auth[@]}" -d '{"query":"{ hospitalz { x } }"}')"
echo "$sugg_status $fake_status" > "$OUT/validation-probe.status"
echo
echo "== validation probe: POST { hospital } → HTTP $sugg_status $(head -c 300 "$OUT/suggestion-probe.json")"
echo "                     POST { hospitalz { x } } → HTTP $fake_status $(head -c 300 "$OUT/unknown-field-probe.json")"

sub_status="$(curl -s -o "$OUT/subscription-probe.json" -w '%{http_code}' --max-time 20 "$GATEWAY_URL" \
  -H 'content-type: application/json' "${curl_auth[@]}" -d '{"query":"subscription { __typename }"}')"
echo "== missing root type probe: POST subscription { __typename } → HTTP $sub_status $(head -c 200 "$OUT/subscription-probe.json")"
echo "$sub_status" > "$OUT/subscription-probe.status"

echo
echo "== summary"
"$PY" - "$OUT/graphql-cop.summary.json" "$OUT/clairvoyance.summary.json" "$OUT/suggestion-probe.json" "$OUT/subscription-probe.status" \
  "$OUT/unknown-field-probe.json" "$OUT/validation-probe.status" <<'PY'
import json, re, sys
server_error = open(sys.argv[4]).read().strip().startswith('5')
cop = json.load(open(sys.argv[1]))
cv = json.load(open(sys.argv[2]))
real_raw = open(sys.argv[3], encoding='utf-8', errors='replace').read()
fake_raw = open(sys.argv[5], encoding='utf-8', errors='replace').read()
statuses = open(sys.argv[6]).read().split()
def normalised(raw):
    try:
        body = json.loads(raw)
    except ValueError:
        return raw
    for e in body.get('errors') or []:
        (e.get('extensions') or {}).pop('requestId', None)
    return json.dumps(body, sort_keys=True)
suggestion = 'Did you mean' in real_raw or 'Did you mean' in fake_raw
names = re.search(r'hospital|Hospital|"Query"|on type', real_raw + fake_raw)
differs = statuses[0] != statuses[1] or normalised(real_raw) != normalised(fake_raw)
server_error = server_error or any(s.startswith('5') for s in statuses) or bool(cv.get('server_errors'))
findings = False
incomplete = not cop.get('ok') or not cv.get('ok')
if cop.get('ok'):
    print(f"graphql-cop findings: {cop['findings']}" + (f" ({', '.join(cop['titles'])})" if cop['titles'] else ''))
    findings = findings or cop['findings'] > 0
else:
    print('graphql-cop: no result')
if cv.get('ok'):
    print(f"clairvoyance recovered beyond root types: {'yes, ' + str(len(cv['recovered'])) + ' item(s)' if cv['recovered'] else 'nothing'}")
    findings = findings or bool(cv['recovered'])
else:
    print('clairvoyance: no result')
print(f"field suggestions in errors: {'YES' if suggestion else 'no'}")
print(f"'{{ hospital }}' and '{{ hospitalz {{ x }} }}' answered differently or with schema names: {'YES' if differs or names else 'no (same answer)'}")
findings = findings or suggestion or differs or bool(names)
print(f"HTTP 5xx on a probe (malformed input must get 4xx): {'YES' if server_error else 'no'}")
findings = findings or server_error
code = 1 if findings else 2 if incomplete else 0
print('result:', {0: 'clean', 1: 'FINDINGS', 2: 'INCOMPLETE (a tool did not run to the end)'}[code])
sys.exit(code)
PY
exit $?
