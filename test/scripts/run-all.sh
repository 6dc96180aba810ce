#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, then runs it.
# Usage: npm run test:all   (as root for the Debian packages; otherwise install them yourself first)
set -euo pipefail
cd "$(dirname "$0")/../.."

# Debian packages the tests use: ffmpeg makes audio fixtures in every common format; chromium (with a CJK font) runs the overlay pages.
APT_PACKAGES=(ffmpeg openssl chromium fonts-wqy-microhei redis-server)  # redis-server: the scale-out queue tests start their own
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "Installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages: ${missing[*]}. Run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# npm ci when the lockfile matches, so CI installs exactly what was tested.
if [[ ! -x node_modules/.bin/node || ! -d node_modules/vitest || "${CI:-}" == "true" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p test-artifacts
status=0
# Strict types are part of the suite: a type error counts as one failed test.
typecheck_failed=0
npm run --silent typecheck || { status=1; typecheck_failed=1; }
# Two passes: everything else in parallel, then the real-time tests alone (see vitest.config.ts).
for group in main realtime; do
  rm -f "test-artifacts/vitest-$group.json"
  CHORUS_TEST_GROUP=$group npm test -- --reporter=default --reporter=json --outputFile="test-artifacts/vitest-$group.json" || status=$?
done

# A plain closing line that CI reads: "N passed, N failed".
TYPECHECK_FAILED=$typecheck_failed node_modules/.bin/node -e '
  const fs = require("fs");
  let passed = 0, failed = Number(process.env.TYPECHECK_FAILED), skipped = 0;
  for (const group of ["main", "realtime"]) {
    const file = `test-artifacts/vitest-${group}.json`;
    if (!fs.existsSync(file)) { failed += 1; continue; }   // the runner itself failed
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    // A file that fails to load counts as a failure even when no test inside it ran.
    failed += r.numFailedTests + (r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
'
exit "$status"
