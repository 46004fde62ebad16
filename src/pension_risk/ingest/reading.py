"""Reading raw files: encoding detection, header checks, transcoding, xlsx rows."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from pathlib import Path

from pension_risk.contract import FileSpec
from pension_risk.errors import BatchRejected

UTF8, UTF8_BOM, GB18030 = "utf-8", "utf-8-sig", "gb18030"
_CHUNK = 1 << 22


def _decodes(path: Path, encoding: str) -> int | None:
    """None when the whole file decodes; else the byte offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    with path.open("rb") as fh:
        while True:
            block = fh.read(_CHUNK)
            final = not block
            try:
                decoder.decode(block, final=final)
            except UnicodeDecodeError as exc:
                return offset + max(exc.start, 0)
            if final:
                return None
            offset += len(block)


def detect_encoding(batch_id: str, path: Path) -> str:
    """UTF-8 (with or without BOM) or GB18030; detected, never assumed."""
    with path.open("rb") as fh:
        head = fh.read(3)
    if head == codecs.BOM_UTF8:
        bad = _decodes(path, UTF8_BOM)
        if bad is None:
            return UTF8_BOM
        raise BatchRejected(batch_id, path.name, f"undecodable bytes: UTF-8 BOM but invalid UTF-8 at byte {bad}")
    bad_utf8 = _decodes(path, UTF8)
    if bad_utf8 is None:
        return UTF8
    bad_gb = _decodes(path, GB18030)
    if bad_gb is None:
        return GB18030
    raise BatchRejected(
        batch_id, path.name,
        f"undecodable bytes: neither UTF-8 (byte {bad_utf8}) nor GB18030 (byte {bad_gb})",
    )


def check_csv_header(batch_id: str, path: Path, encoding: str, spec: FileSpec) -> None:
    """The header must name the contract's columns, in order; a comma-separated file."""
    with path.open("r", encoding=encoding, newline="") as fh:
        first = fh.readline()
    fields = [f.strip() for f in next(csv.reader(io.StringIO(first)), [])]
    expected = list(spec.columns)
    if fields == expected:
        return
    if len(fields) == 1 and any(d in first for d in (";", "\t", "|")):
        raise BatchRejected(batch_id, spec.name, "not comma-separated (another delimiter in the header)")
    missing = [c for c in expected if c not in fields]
    extra = [c for c in fields if c not in expected]
    if missing:
        raise BatchRejected(batch_id, spec.name, f"missing column(s): {', '.join(missing)}")
    if extra:
        raise BatchRejected(batch_id, spec.name, f"extra column(s): {', '.join(extra)}")
    raise BatchRejected(batch_id, spec.name, f"columns out of order: {', '.join(fields)}")


def transcode_to_utf8(src: Path, dst, encoding: str) -> None:
    """Stream a GB18030 file into UTF-8 so DuckDB can read it; `dst` is a path or a binary file object."""
    if isinstance(dst, (str, Path)):
        with Path(dst).open("wb") as fout:
            transcode_to_utf8(src, fout, encoding)
        return
    with src.open("r", encoding=encoding, newline="") as fin:
        while block := fin.read(_CHUNK):
            dst.write(block.encode("utf-8"))


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() != "" else None


def read_xlsx_rows(batch_id: str, path: Path, spec: FileSpec) -> list[tuple]:
    """Data rows of the first sheet as text tuples: (row_number, *values).

    Row numbers are data-row numbers (the Excel row minus the header row); blank
    rows are skipped and not counted (EXTRACTS.md).
    """
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BatchRejected(batch_id, spec.name, f"not an xlsx workbook ({type(exc).__name__})") from None
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        headers = [str(h).strip() if h is not None else "" for h in (header or ())]
        while headers and headers[-1] == "":
            headers.pop()
        if headers != list(spec.headers or ()):
            raise BatchRejected(
                batch_id, spec.name,
                f"other headers than the contract's: got {headers}, expected {list(spec.headers or ())}",
            )
        width = len(spec.columns)
        out: list[tuple] = []
        for excel_row, values in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in (values or ())]
            if all(c is None for c in cells):
                continue
            cells = (cells + [None] * width)[:width]
            out.append((excel_row - 1, *cells))
        return out
    finally:
        wb.close()
