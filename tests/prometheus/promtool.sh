#!/bin/sh
# Runs `promtool "$@"`; exits 77 (ctest SKIP_RETURN_CODE) when promtool is not installed,
# so a missing tool shows as a skipped test, never as a pass.
if ! command -v promtool >/dev/null 2>&1; then
  echo "SKIP: promtool not found in PATH (it comes with Debian's prometheus package; ./scripts/setup installs it)"
  exit 77
fi
exec promtool "$@"
