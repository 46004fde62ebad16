"""Test helpers: writable copies of landing directories and manifests that match them."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "contract" / "example"


def copy_landing(src: Path, dst: Path, batches: list[str] | None = None) -> Path:
    """A writable copy of a landing directory (the shared example is read-only)."""
    dst.mkdir(parents=True, exist_ok=True)
    for folder in sorted(p for p in src.iterdir() if p.is_dir()):
        if batches is not None and folder.name not in batches:
            continue
        target = dst / folder.name
        target.mkdir(exist_ok=True)
        for f in folder.iterdir():
            shutil.copyfile(f, target / f.name)
    return dst


def count_rows(path: Path) -> int:
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True))[1:]
        wb.close()
        return sum(1 for r in rows if any(v not in (None, "") for v in r))
    raw = path.read_bytes()
    text = raw.decode("latin-1")  # undecodable files: count lines anyway
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return sum(1 for _ in csv.reader(text.splitlines())) - 1


def write_manifest(folder: Path, as_of: str | None = None) -> None:
    """Rewrite manifest.json so that it matches the files of the folder."""
    path = folder / "manifest.json"
    doc = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    doc["batch_id"] = folder.name
    doc["as_of"] = as_of or f"{folder.name[:4]}-{folder.name[4:6]}-{folder.name[6:]}"
    doc.setdefault("source_system", "test")
    names = [f["name"] for f in doc.get("files", [])] or sorted(p.name for p in folder.iterdir() if p.name != "manifest.json")
    doc["files"] = [
        {"name": n, "rows": count_rows(folder / n), "sha256": hashlib.sha256((folder / n).read_bytes()).hexdigest()}
        for n in names if (folder / n).exists()
    ]
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def add_batch(landing: Path, source_batch: str, new_batch: str) -> Path:
    """A new batch folder copied from another one, with a matching manifest."""
    src, dst = landing / source_batch, landing / new_batch
    dst.mkdir()
    for f in src.iterdir():
        shutil.copyfile(f, dst / f.name)
    write_manifest(dst)
    return dst
