#!/usr/bin/env bash
# Renders a run's report.html, with its figures, to one PNG (the picture in docs/).
#
#   bash scripts/report_screenshot.sh RUN_DIR/.../report.html OUT.png [MAX_PAGES]
#
# With a Chromium on the PATH (Debian: `apt-get install chromium`; or $CHROMIUM), the browser
# itself captures the page headless: a window 1400 CSS px wide (the per-class IoU table needs
# about 1350) and tall enough for the whole report, the white below the last line cut off.
# Without one, WeasyPrint lays out the HTML and CSS as a printer would (not a browser: no
# scripts, which the report has none of), pypdfium2 rasterises up to MAX_PAGES pages and they
# are stacked. Either way the picture is reduced to
# 256 colours by an octree (a third of the size, the text as sharp; median cut, used before,
# merged the plots' red and green into other colours). WeasyPrint and pypdfium2 go into a
# throwaway environment ($SCREENSHOT_ENV), never into the project's: the report needs neither.
set -euo pipefail
html=${1:?usage: bash scripts/report_screenshot.sh REPORT_HTML OUT_PNG [MAX_PAGES]}
out=${2:?usage: bash scripts/report_screenshot.sh REPORT_HTML OUT_PNG [MAX_PAGES]}
pages=${3:-4}
here=$(cd "$(dirname "$0")/.." && pwd)
html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -n "$chromium" ]; then
  capture=$(mktemp --suffix=.png)
  # --virtual-time-budget lets the figures load before the capture.
  "$chromium" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --virtual-time-budget=5000 --window-size=1400,16000 --screenshot="$capture" "file://$html" 2>/dev/null
  python=$here/.venv/bin/python
  renderer="$("$chromium" --version 2>/dev/null)"
else
  env=${SCREENSHOT_ENV:-${TMPDIR:-/tmp}/dsr-screenshot-env}
  if [ ! -x "$env/bin/python" ]; then
    "$here/.venv/bin/uv" venv -q "$env" --python 3.11
    "$here/.venv/bin/uv" pip install -q --python "$env/bin/python" weasyprint pypdfium2 pillow
  fi
  capture=""
  python=$env/bin/python
  renderer="WeasyPrint (no Chromium found)"
fi
"$python" - "$html" "$out" "$pages" "$capture" "$renderer" <<'PY'
import sys

from PIL import Image

html, out, max_pages, capture, renderer = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
if capture:
    sheet, pages = Image.open(capture).convert("RGB"), ""
else:
    import pypdfium2
    import weasyprint
    # Pages 1300 CSS px wide and tall enough that a report rarely breaks, figures no wider than the page.
    css = weasyprint.CSS(string="@page { size: 1300px 12000px; margin: 16px } img { max-width: 100% }")
    pdf = pypdfium2.PdfDocument(weasyprint.HTML(filename=html).write_pdf(stylesheets=[css]))
    images = [pdf[i].render(scale=96 / 72).to_pil().convert("RGB") for i in range(min(len(pdf), max_pages))]
    sheet = Image.new("RGB", (max(i.width for i in images), sum(i.height for i in images)), "white")
    top = 0
    for image in images:
        sheet.paste(image, (0, top))
        top += image.height
    pages = f", {len(images)} of {len(pdf)} pages"
ink = Image.eval(sheet.convert("L"), lambda v: 255 - v).getbbox()
if capture and ink and ink[3] >= sheet.height - 1:
    print(f"warning: the report reaches the window's bottom ({sheet.height} px): the capture is cut", file=sys.stderr)
if ink:
    sheet = sheet.crop((0, 0, sheet.width, min(sheet.height, ink[3] + 16)))
sheet.quantize(256, method=Image.Quantize.FASTOCTREE).save(out, optimize=True)
print(f"{out}: {sheet.width}x{sheet.height}{pages}, rendered by {renderer}")
PY
[ -z "$capture" ] || rm -f "$capture"
