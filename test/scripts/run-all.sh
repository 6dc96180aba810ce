#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, then runs it.
# Usage: npm run test:all   (as root for the Debian packages; otherwise install them yourself first)
set -euo pipefail
cd "$(dirname "$0")/../.."

# Debian packages the tests use: ffmpeg makes audio fixtures in every common format.
APT_PACKAGES=(ffmpeg)
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
npm test -- --reporter=default --reporter=json --outputFile=test-artifacts/vitest.json || status=$?

# A plain closing line that CI reads: "N passed, N failed".
if [[ -f test-artifacts/vitest.json ]]; then
  node_modules/.bin/node -e '
    const r = JSON.parse(require("fs").readFileSync("test-artifacts/vitest.json", "utf8"));
    const failed = r.numFailedTests + (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? r.numFailedTestSuites : 0);
    console.log(`${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
  '
else
  echo "0 passed, 1 failed"
fi
exit "$status"
