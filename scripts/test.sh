#!/usr/bin/env bash
# The README's second command: set everything up and run every check (lint, typecheck, all tests).
# Ends with one line: "N passed, N failed" (", N skipped" only if non-zero).
source "$(dirname "$0")/lib/toolchain.sh"
soc_bootstrap
# Debian packages the integration tests start themselves (see each package's test/README).
if [ -f "$SOC_ROOT/scripts/apt-packages.txt" ]; then
  mapfile -t pkgs < <(grep -v '^\s*#' "$SOC_ROOT/scripts/apt-packages.txt" | grep -v '^\s*$')
  [ ${#pkgs[@]} -gt 0 ] && soc_apt_install "${pkgs[@]}"
fi
rm -f packages/*/reports/vitest.json apps/*/reports/vitest.json
rc=0
pnpm turbo run lint typecheck test --continue --output-logs=new-only || rc=$?
node scripts/test-summary.mjs || rc=1
exit $rc
