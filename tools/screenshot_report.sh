#!/bin/sh
# Render the newsbeam report of OUT_DIR and take a headless-Chromium screenshot of it.
#
#   tools/screenshot_report.sh OUT_DIR PNG
#
# The page is written to a temporary file (OUT_DIR is not modified). Environment:
#   CHROMIUM     the browser (default: chromium or chromium-browser on PATH)
#   WINDOW_SIZE  width,height of the screenshot in pixels (default 1280,2400)
#   PYTHON       the interpreter with newsbeam installed (default .venv/bin/python of this repo)
set -eu

if [ "$#" -ne 2 ]; then
    echo "usage: $0 OUT_DIR PNG" >&2
    exit 2
fi
out_dir=$1
png=$2
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$repo/.venv/bin/python}
[ -x "$python" ] || python=python3
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
    echo "$0: chromium not found (apt-get install -y chromium, or set CHROMIUM)" >&2
    exit 1
fi
if [ ! -d "$out_dir" ]; then
    echo "$0: $out_dir: no such directory" >&2
    exit 2
fi
out_dir=$(cd "$out_dir" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
(cd "$repo" && "$python" -m newsbeam.report "$out_dir" --html "$work/report.html") >/dev/null

png_dir=$(cd "$(dirname "$png")" && pwd)
png_abs=$png_dir/$(basename "$png")
rm -f "$png_abs"
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size="${WINDOW_SIZE:-1280,2400}" \
    --screenshot="$png_abs" "file://$work/report.html" >"$work/chromium.log" 2>&1 || true
if [ ! -s "$png_abs" ]; then
    echo "$0: chromium wrote no screenshot; its log:" >&2
    tail -20 "$work/chromium.log" >&2
    exit 1
fi
echo "$png_abs"
