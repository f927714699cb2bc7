"""``python -m tools.codegen [--check]``: regenerate the service packages, or check them for drift."""

from __future__ import annotations

import argparse
import sys

from .generate import PACKAGE_DIR, remove_stale, render_all, stale_files


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.codegen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="report drift instead of writing; exit 1 on drift")
    args = parser.parse_args()
    rendered = render_all()
    drift = []
    for rel, text in rendered.items():
        path = PACKAGE_DIR / rel
        current = path.read_text() if path.exists() else None
        if current == text:
            continue
        drift.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    # A module the generator no longer writes is drift too: left behind, it would still import.
    stale = stale_files(rendered)
    if args.check:
        for rel in drift:
            print(f"drift: src/aws_vision_async/{rel}")
        for rel in stale:
            print(f"drift: src/aws_vision_async/{rel} (no longer generated)")
        return 1 if drift or stale else 0
    remove_stale(stale)
    print(f"wrote {len(drift)} file(s)" + (f", removed {len(stale)}" if stale else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
