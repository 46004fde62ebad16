"""manifest.json: reading and verifying it against the batch folder (EXTRACTS.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from pension_risk.contract import FILE_NAMES
from pension_risk.errors import BatchRejected

MANIFEST = "manifest.json"
_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ManifestFile:
    name: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    batch_id: str
    as_of: dt.date
    source_system: str | None
    files: dict[str, ManifestFile]
    sha256: str  # of manifest.json itself: identifies the batch version


def sha256_of(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def read_manifest(folder: Path) -> Manifest:
    """Parse manifest.json; any defect rejects the batch."""
    batch_id = folder.name
    path = folder / MANIFEST
    if not path.is_file():
        raise BatchRejected(batch_id, MANIFEST, "manifest.json is missing")
    raw = path.read_bytes()
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BatchRejected(batch_id, MANIFEST, f"manifest.json is unreadable: {exc}") from None
    if not isinstance(doc, dict):
        raise BatchRejected(batch_id, MANIFEST, "manifest.json is not a JSON object")
    if str(doc.get("batch_id")) != batch_id:
        raise BatchRejected(batch_id, MANIFEST, f"batch_id {doc.get('batch_id')!r} does not match the folder name")
    try:
        as_of = dt.date.fromisoformat(str(doc.get("as_of")))
    except ValueError:
        raise BatchRejected(batch_id, MANIFEST, f"as_of {doc.get('as_of')!r} is not a date YYYY-MM-DD") from None
    if as_of.strftime("%Y%m%d") != batch_id:
        raise BatchRejected(batch_id, MANIFEST, f"as_of {as_of} does not match the batch name")
    entries = doc.get("files")
    if not isinstance(entries, list):
        raise BatchRejected(batch_id, MANIFEST, "manifest.json has no 'files' list")
    files: dict[str, ManifestFile] = {}
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise BatchRejected(batch_id, MANIFEST, f"files[{i}] is not an object")
        name, rows, sha = entry.get("name"), entry.get("rows"), entry.get("sha256")
        if not isinstance(name, str) or not name:
            raise BatchRejected(batch_id, MANIFEST, f"files[{i}] has no name")
        if name in files:
            raise BatchRejected(batch_id, name, "listed twice in the manifest")
        if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
            raise BatchRejected(batch_id, name, f"manifest row count {rows!r} is not a non-negative integer")
        if not isinstance(sha, str) or not _SHA.match(sha.lower()):
            raise BatchRejected(batch_id, name, f"manifest sha256 {sha!r} is not a sha256 hex digest")
        files[name] = ManifestFile(name, rows, sha.lower())
    return Manifest(batch_id, as_of, doc.get("source_system"), files, hashlib.sha256(raw).hexdigest())


def verify_file_set(folder: Path, manifest: Manifest) -> None:
    """The folder, the manifest and the contract must name exactly the same 16 files."""
    batch_id = folder.name
    present = {p.name for p in folder.iterdir() if p.name != MANIFEST}
    for name in FILE_NAMES:
        if name not in present and name not in manifest.files:
            raise BatchRejected(batch_id, name, "file is missing (not in the folder, not in the manifest)")
        if name not in present:
            raise BatchRejected(batch_id, name, "file is missing: listed in the manifest but not in the folder")
        if name not in manifest.files:
            raise BatchRejected(batch_id, name, "file is not listed in the manifest")
    for name in sorted(present - set(FILE_NAMES)):
        raise BatchRejected(batch_id, name, "unexpected extra file in the batch folder")
    for name in sorted(set(manifest.files) - set(FILE_NAMES)):
        raise BatchRejected(batch_id, name, "unexpected extra file listed in the manifest")
    for name in FILE_NAMES:
        path = folder / name
        if not path.is_file():
            raise BatchRejected(batch_id, name, "is not a regular file")
        if path.stat().st_size == 0:
            raise BatchRejected(batch_id, name, "zero-byte file")


def verify_checksum(folder: Path, manifest: Manifest, name: str) -> None:
    actual = sha256_of(folder / name)
    expected = manifest.files[name].sha256
    if actual != expected:
        raise BatchRejected(
            folder.name, name, f"sha256 mismatch: manifest says {expected[:12]}…, file has {actual[:12]}…"
        )
