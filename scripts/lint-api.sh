#!/usr/bin/env bash
# npm run lint:api — the OpenAPI document checked by tools independent of the server:
# Redocly's recommended rules with no warning, and a client type-checked against the
# types openapi-typescript generates. The document is built without a server (tsx).
set -euo pipefail
# No usage data sent and no update check: CI reaches the npm registry only.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
cd "$(dirname "$0")/.."

dir=$(mktemp -d "${TMPDIR:-/tmp}/liandong-api.XXXXXX")
trap 'rm -rf "$dir"' EXIT

tsx scripts/openapi-document.ts "$dir/openapi.json"

echo "redocly lint (recommended, no warnings)"
redocly lint "$dir/openapi.json" --config redocly.yaml --format=json >"$dir/lint.json" 2>"$dir/lint.err" || true
node -e '
  const fs = require("node:fs");
  let report;
  try { report = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch (e) {
    process.stderr.write(fs.readFileSync(process.argv[2], "utf8"));
    console.error("redocly lint gave no report"); process.exit(1);
  }
  const { errors, warnings } = report.totals;
  for (const p of report.problems) console.error(`${p.severity} ${p.ruleId}: ${p.message} (${p.location.map((l) => l.pointer).join(", ")})`);
  console.log(`redocly: ${errors} errors, ${warnings} warnings`);
  if (errors + warnings > 0) process.exit(1);
' "$dir/lint.json" "$dir/lint.err"

echo "openapi-typescript, and a client type-checked against its types"
openapi-typescript "$dir/openapi.json" --output "$dir/client/api.d.ts" >/dev/null
cp scripts/api-client.check.ts "$dir/client/client.ts"
tsc --noEmit --strict --target es2022 --module nodenext --moduleResolution nodenext --skipLibCheck --types node --typeRoots node_modules/@types "$dir/client/client.ts"
echo "lint:api ok"
