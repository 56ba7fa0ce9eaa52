"""Cleaning on real Swedish pages nobody here wrote: word precision and recall against hand-written bodies.

    .venv/bin/python benchmarks/real_pages.py                 # dev and blind, per page and in total
    .venv/bin/python benchmarks/real_pages.py --split blind   # one part only
    .venv/bin/python benchmarks/real_pages.py --json out.json # the figures for the record

The pages, their provenance (repository, path, commit, how each was captured) and the
labelling rules are in tests/realpages/README.md. The blind part is scored, never tuned on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.evaluation import evaluate_real_pages  # noqa: E402

CORPUS = ROOT / "tests" / "realpages"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "blind"], action="append", help="score only this part")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--quiet", action="store_true", help="totals only")
    args = parser.parse_args()
    splits = tuple(args.split or ["dev", "blind"])
    report = evaluate_real_pages(CORPUS, splits)
    if not args.quiet:
        print(f"{'page':42} {'split':5} {'words':>5} {'kept':>5} {'P':>5} {'R':>5}  title")
        for page in report.pages:
            right = (page.title_kept or "").strip() == (page.title_expected or "").strip()
            title = "ok" if right else f"got {page.title_kept!r}"
            print(
                f"{page.page:42} {page.split:5} {page.expected_words:5} {page.kept_words:5} "
                f"{page.precision:5.2f} {page.recall:5.2f}  {title[:40]}"
                + (f"  [{page.reading}]" if page.reading else "")
            )
            if page.precision < 0.95:
                print(f"    extra:   {' '.join(page.extra)}")
            if page.recall < 0.97:
                print(f"    missing: {' '.join(page.missing)}")
    figures = {}
    for split in splits:
        figures[split] = {
            "pages": len(report.select(split)),
            "precision": round(report.precision(split), 3),
            "recall": round(report.recall(split), 3),
            "worst_recall": round(report.worst_recall(split), 3),
            "titles_right": sum((p.title_kept or "") == (p.title_expected or "") for p in report.select(split)),
        }
        f = figures[split]
        print(
            f"{split:5}: {f['pages']} pages, word precision {f['precision']:.3f}, recall {f['recall']:.3f}, "
            f"worst page recall {f['worst_recall']:.3f}, titles right {f['titles_right']}/{f['pages']}"
        )
    if args.json:
        figures["pages"] = [
            {"page": p.page, "split": p.split, "precision": round(p.precision, 3), "recall": round(p.recall, 3),
             "title_right": (p.title_kept or "") == (p.title_expected or ""), "read_with": p.reading}
            for p in report.pages
        ]  # fmt: skip
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
