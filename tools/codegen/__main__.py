"""``python -m tools.codegen [--check]``: regenerate the service packages, or check them for drift."""

from __future__ import annotations

import argparse
import sys

from .generate import PACKAGE_DIR, render_all


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.codegen", description=__doc__)
    parser.add_argument("--check", action="store_true", help="report drift instead of writing; exit 1 on drift")
    args = parser.parse_args()
    drift = []
    for rel, text in render_all().items():
        path = PACKAGE_DIR / rel
        current = path.read_text() if path.exists() else None
        if current == text:
            continue
        drift.append(rel)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if args.check:
        for rel in drift:
            print(f"drift: src/aws_vision_async/{rel}")
        return 1 if drift else 0
    print(f"wrote {len(drift)} file(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
