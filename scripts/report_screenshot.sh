#!/usr/bin/env bash
# Renders a run's report.html, with its figures, to one PNG (the picture in docs/).
#
#   bash scripts/report_screenshot.sh RUN_DIR/.../report.html OUT.png [MAX_PAGES]
#
# WeasyPrint lays out the HTML and CSS as a printer would (it is not a browser: no scripts,
# which the report has none of), pypdfium2 rasterises the pages, and the pages are stacked into
# one image, reduced to 256 colours (a third of the size, the text as sharp). Both tools go into a throwaway environment ($SCREENSHOT_ENV), never into the
# project's: the report itself needs neither.
set -euo pipefail
html=${1:?usage: bash scripts/report_screenshot.sh REPORT_HTML OUT_PNG [MAX_PAGES]}
out=${2:?usage: bash scripts/report_screenshot.sh REPORT_HTML OUT_PNG [MAX_PAGES]}
pages=${3:-4}
here=$(cd "$(dirname "$0")/.." && pwd)
env=${SCREENSHOT_ENV:-${TMPDIR:-/tmp}/dsr-screenshot-env}
if [ ! -x "$env/bin/python" ]; then
  "$here/.venv/bin/uv" venv -q "$env" --python 3.11
  "$here/.venv/bin/uv" pip install -q --python "$env/bin/python" weasyprint pypdfium2 pillow
fi
"$env/bin/python" - "$html" "$out" "$pages" <<'EOF'
import sys

import pypdfium2
import weasyprint
from PIL import Image

html, out, max_pages = sys.argv[1], sys.argv[2], int(sys.argv[3])
# A browser-like full-page capture: pages 1300 CSS px wide and tall enough that a report rarely
# breaks, figures no wider than the page; the white below the last line is cut off.
css = weasyprint.CSS(string="@page { size: 1300px 12000px; margin: 16px } img { max-width: 100% }")
pdf = pypdfium2.PdfDocument(weasyprint.HTML(filename=html).write_pdf(stylesheets=[css]))
images = [pdf[i].render(scale=96 / 72).to_pil().convert("RGB") for i in range(min(len(pdf), max_pages))]
sheet = Image.new("RGB", (max(i.width for i in images), sum(i.height for i in images)), "white")
top = 0
for image in images:
    sheet.paste(image, (0, top))
    top += image.height
ink = Image.eval(sheet.convert("L"), lambda v: 255 - v).getbbox()
if ink:
    sheet = sheet.crop((0, 0, sheet.width, min(sheet.height, ink[3] + 16)))
sheet.quantize(256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)
print(f"{out}: {len(images)} of {len(pdf)} pages, {sheet.width}x{sheet.height}")
EOF
