"""Put the pinned Mermaid release into the docs site, so that diagrams render offline.

    python docs/vendor_mermaid.py    # writes docs/javascripts/vendor/mermaid.min.js

It runs ``npm pack`` for the pinned version of the ``mermaid`` npm package and keeps only its
self-contained ``dist/mermaid.min.js``. The file is not committed (``.gitignore``); the CI run
and anyone building the site run this first.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "11.17.2"
TARGET = Path(__file__).resolve().parent / "javascripts" / "vendor" / "mermaid.min.js"


def main() -> int:
    stamp = TARGET.with_suffix(".version")
    if TARGET.exists() and stamp.exists() and stamp.read_text("utf-8").strip() == VERSION:
        print(f"{TARGET.name} {VERSION} already in place")
        return 0
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(
            ["npm", "pack", f"mermaid@{VERSION}", "--silent", "--pack-destination", work],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (archive,) = Path(work).glob("mermaid-*.tgz")
        with tarfile.open(archive) as bundle:
            member = bundle.extractfile("package/dist/mermaid.min.js")
            if member is None:
                print("mermaid.min.js is missing from the package", file=sys.stderr)
                return 1
            TARGET.parent.mkdir(parents=True, exist_ok=True)
            TARGET.write_bytes(member.read())
    stamp.write_text(VERSION + "\n", "utf-8")
    print(f"wrote {TARGET.relative_to(TARGET.parents[2])} (mermaid {VERSION})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
