#!/usr/bin/env bash
# One-time set-up on a fresh machine: system packages for the browser tests, a
# virtual environment with the project and its pinned dependencies, and the dbt
# manifest (prepared at build time, not at import).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (browser tests) ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
      || echo "warning: could not install chromium; browser tests will fail"
  fi
fi

# The field-verification sheets (pension-risk cases sheets) embed Noto Sans CJK SC
# (fonts-noto-cjk); their test reads the PDF back with poppler-utils (pdftotext, pdftoppm).
if ! command -v pdftotext >/dev/null 2>&1 || ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "installing poppler-utils and fonts-noto-cjk (verification sheets) ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils fonts-noto-cjk >/dev/null) \
      || echo "warning: could not install poppler-utils / fonts-noto-cjk; the sheets test will fail"
  fi
fi

# The same dbt models on a local Spark session (tests/test_spark.py, scripts/spark_smoke.py):
# pyspark needs a Java runtime (17).
if ! command -v java >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "installing a Java runtime (Spark) ..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null) \
      || echo "warning: could not install Java; the Spark comparison will fail"
  fi
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[dev,spark]'
GX_ANALYTICS_ENABLED=false .venv/bin/python -c "from orchestration.project import ensure_manifest; ensure_manifest()"
echo "set-up done: activate with 'source .venv/bin/activate'"
