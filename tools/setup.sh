#!/usr/bin/env bash
# Set up wenshu on a fresh Debian machine (run as root): system packages, a virtualenv, the package.
#   bash tools/setup.sh          runtime install (pip install .)
#   bash tools/setup.sh --test   editable install with the test extras
# Safe to run again: packages already present are not reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."

# LibreOffice (writer only, no GUI) converts .docx to PDF (calc opens the exported .xlsx workbooks in the
# tests and renders the screenshots of docs/), driven over UNO by Debian's python3-uno
# (only "recommended" by LibreOffice, so named here: without it conversion falls back to one slow
# soffice call per document); poppler-utils gives pdftotext/pdffonts for
# the layout checks; the CJK fonts stand in for the official fonts (方正小标宋、仿宋_GB2312 ...),
# which are licensed and never bundled.
PACKAGES=(python3 python3-venv python3-pip libreoffice-writer-nogui libreoffice-calc-nogui python3-uno fonts-noto-cjk fonts-arphic-ukai
          fonts-arphic-uming poppler-utils fontconfig)

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "需要安装系统软件包：${missing[*]}；请以 root 身份运行本脚本。" >&2
      exit 1
    fi
    echo "安装系统软件包：${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "未找到 apt-get：请自行安装 LibreOffice（writer）、poppler-utils 和中文字体。" >&2
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ "${1:-}" = "--test" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -e '.[test]'
else
  .venv/bin/pip install -q --disable-pip-version-check .
fi
echo "wenshu 已安装：$(.venv/bin/wenshu --version)"
