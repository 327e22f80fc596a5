#!/bin/sh
# Builds the demo report with `npm start` and screenshots it in headless Debian chromium; fails when the page logs
# a console error or an uncaught exception. Usage (repo root): sh test/report-screenshot.sh [out.png]
# Prints the PNG path; the chromium log is kept next to it (.log).
set -eu
cd "$(dirname "$0")/.."
PNG=${1:-liflux-demo-output/report-screenshot.png}
npm start --silent -- --quiet > /dev/null
REPORT="$(pwd)/liflux-demo-output/report.html"
test -s "$REPORT"
LOG="${PNG%.png}.log"
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$PROFILE" \
  --enable-logging=stderr --v=0 --virtual-time-budget=10000 --screenshot="$PNG" --window-size=1280,4000 "file://$REPORT" > "$LOG" 2>&1 || {
  echo "chromium failed; log: $LOG" >&2
  exit 1
}
test -s "$PNG"
if grep -E "Uncaught|ERROR:CONSOLE" "$LOG" > /dev/null; then
  echo "console errors in the report (see $LOG):" >&2
  grep -E "Uncaught|ERROR:CONSOLE|CONSOLE" "$LOG" >&2
  exit 1
fi
echo "$PNG"
