"""The floor for `qms check`: read every document, parse its front matter with PyYAML's C loader,
hash its signed content. Nothing else: no rules, no reporting. Usage: floor_check.py REPO"""

import hashlib
import json
import sys
from pathlib import Path

import yaml


def main(root: Path) -> int:
    n = 0
    for path in sorted((root / "controlled").rglob("*.md")):
        _, fm, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.load(fm, Loader=yaml.CSafeLoader)
        signed = {k: v for k, v in meta.items() if k not in ("approvals", "status")}
        canon = json.dumps(signed, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
        hashlib.sha256((canon + "\n" + body.strip()).encode("utf-8")).hexdigest()
        n += 1
    return 0 if n else 1


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1])))
