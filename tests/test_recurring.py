"""What a batch knows: a block that recurs across many posts of one batch is the site's chrome (text/recurring.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from translate.text.recurring import MIN_POSTS, recurring_blocks

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("posts", "having", "recurs"),
    [(MIN_POSTS - 1, MIN_POSTS - 1, False), (MIN_POSTS, MIN_POSTS, True), (12, 3, True), (40, 5, False),
     (40, 10, True)],
)  # fmt: skip
def test_a_block_recurs_when_enough_posts_have_it(posts: int, having: int, recurs: bool) -> None:
    keys = [{f"post {i}", "the sidebar"} if i < having else {f"post {i}"} for i in range(posts)]
    assert ("the sidebar" in recurring_blocks(keys)) is recurs
    assert not any(key.startswith("post") for key in recurring_blocks(keys))


def _site(folder: Path, count: int = 4) -> Path:
    """Posts of one site: the real sample post's paragraphs, one post each, under the same blog name and sidebar."""
    paragraphs = [p for p in (DATA / "real_post_sv.txt").read_text(encoding="utf-8").split("\n\n")[1:] if p.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        text = (
            f"Annas blogg om framtiden\n\n{paragraphs[i]}\n\n{paragraphs[i + count]}\n\n"
            "Om mig: jag skriver om energi, ekonomi och samhälle sedan många år tillbaka.\n"
        )
        (folder / f"inlagg-{i}.txt").write_text(text, encoding="utf-8")
    return folder


def test_batch_drops_what_recurs_and_keep_all_keeps_it(cli, tmp_path: Path, fake_config: Path) -> None:
    posts = _site(tmp_path / "posts")
    out = tmp_path / "out"
    args = ("-o", out, "--config", fake_config, "-s", "none", "-f", "json", "--no-memory", "-q")
    assert cli("batch", posts, *args).exit_code == 0
    handout = json.loads((out / "inlagg-0.json").read_text(encoding="utf-8"))
    sources = [p["source"] for p in handout["paragraphs"]]
    assert not any(s.startswith("Om mig") for s in sources) and len(sources) == 2
    assert handout["title"] is None or handout["title"]["source"] != "Annas blogg om framtiden"
    kept = tmp_path / "kept"
    assert cli("batch", posts, *args[:1], kept, *args[2:], "--keep-all").exit_code == 0
    sources = [p["source"] for p in json.loads((kept / "inlagg-0.json").read_text(encoding="utf-8"))["paragraphs"]]
    assert any(s.startswith("Om mig") for s in sources)


def test_clean_of_several_posts_shows_the_site_chrome_with_its_reason(cli, tmp_path: Path) -> None:
    posts = sorted(_site(tmp_path / "posts").iterdir())
    result = cli("clean", *posts, "-f", "json")
    assert result.exit_code == 0, result.output
    cleaned = json.loads(result.stdout)
    assert len(cleaned) == 4
    reasons = [d["reason"] for d in cleaned[0]["dropped"] if d["text"].startswith("Om mig")]
    assert reasons == ["recurs in 4 of the 4 posts of this batch: the site's, not this post's"]
    alone = json.loads(cli("clean", posts[0], "-f", "json").stdout)  # one post knows no site
    assert any(p["text"].startswith("Om mig") for p in alone["paragraphs"])
    text = cli("clean", *posts).stdout
    assert text.count("==> ") == 4 and "recurs in 4 of the 4 posts" in text


def test_a_post_that_is_all_site_chrome_fails_alone(cli, tmp_path: Path, fake_config: Path) -> None:
    posts = _site(tmp_path / "posts")
    (posts / "bara-sidfot.txt").write_text(
        "Annas blogg om framtiden\n\nOm mig: jag skriver om energi, ekonomi och samhälle sedan många år tillbaka.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = cli("batch", posts, "-o", out, "--config", fake_config, "-s", "none", "-f", "json", "--no-memory")
    report = json.loads((out / "batch-report.json").read_text(encoding="utf-8"))
    [failed] = [f for f in report["files"] if f["status"] == "failed"]
    assert result.exit_code == 1 and failed["input"].endswith("bara-sidfot.txt") and "--keep-all" in failed["error"]
    assert report["totals"]["done"] == 4
