import json
import subprocess
import sys
from pathlib import Path

import pytest

from index import InputError
from index.evaluation import _metrics, evaluate, load_beir

from .conftest import ROOT


def test_metrics_by_hand() -> None:
    relevant = {"d2": 1, "d9": 1}
    values = _metrics(["d5", "d2", "d7"], relevant)
    assert values["mrr@10"] == 0.5
    assert values["p@1"] == 0.0
    assert values["recall@10"] == 0.5 and values["recall@100"] == 0.5
    ideal = 1 + 1 / 1.5849625007211563
    assert values["ndcg@10"] == pytest.approx((1 / 1.5849625007211563) / ideal)
    assert _metrics([], relevant)["mrr@10"] == 0.0


def test_evaluate_averages_over_judged_queries_only() -> None:
    ranking = {"a": ["d1"], "b": ["d3", "d2"], "c": ["d1"]}
    metrics = evaluate(
        lambda q: ranking[q],
        {"q1": "a", "q2": "b", "q3": "c"},
        {"q1": {"d1": 1}, "q2": {"d2": 1}},  # q3 is not judged
    )
    assert metrics["mrr@10"] == pytest.approx((1 + 0.5) / 2)


def _write_set(folder: Path) -> Path:
    folder.mkdir()
    corpus = [
        {
            "_id": "d1",
            "title": "",
            "text": "Phố sách Hà Nội khai trương ngày 01/5/2017 tại phố 19/12.",
        },
        {"_id": "d2", "title": "", "text": "Hội thảo chính quyền điện tử tỉnh Hòa Bình năm 2019."},
        {
            "_id": "d3",
            "title": "",
            "text": "Công khai ngân sách năm 2020 của Sở Thông tin và Truyền thông.",
        },
        {
            "_id": "d4",
            "title": "",
            "text": "Tuyên truyền phòng, chống dịch bệnh Covid-19 trên địa bàn.",
        },
        {
            "_id": "d5",
            "title": "",
            "text": "Khai giảng khóa đào tạo dịch vụ công trực tuyến cấp xã.",
        },
        {
            "_id": "d6",
            "title": "",
            "text": "Danh sách trò chơi G1 đã được phê duyệt nội dung kịch bản.",
        },
    ]
    queries = [
        {"_id": "q1", "text": "phố sách khai trương"},
        {"_id": "q2", "text": "hội thảo chính quyền điện tử"},
    ]
    (folder / "corpus.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in corpus)
    )
    (folder / "queries.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in queries)
    )
    (folder / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n")
    return folder


def test_cli_eval_json_shape(tmp_path: Path) -> None:
    folder = _write_set(tmp_path / "mini")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "eval", str(folder), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["set"] == "mini" and report["queries"] == 2
    for run in ("as_written", "without_diacritics"):
        assert set(report[run]) == {"mrr@10", "ndcg@10", "recall@10", "recall@100", "p@1"}
        assert report[run]["mrr@10"] == 1.0
    table = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "eval", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert "without diacritics" in table.stdout and "mrr@10" in table.stdout


def test_a_broken_set_is_one_line_error(tmp_path: Path) -> None:
    folder = _write_set(tmp_path / "broken")
    (folder / "qrels.tsv").unlink()
    with pytest.raises(InputError, match="qrels.tsv: missing"):
        load_beir(folder)
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "eval", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert (
        result.stderr.strip().startswith("error:") and len(result.stderr.strip().splitlines()) == 1
    )


def test_cli_eval_reports_each_split_and_kind(tmp_path: Path) -> None:
    folder = _write_set(tmp_path / "labelled")
    queries = [
        {"_id": "q1", "text": "phoos sachs khai truowng", "kind": "telex", "split": "dev"},
        {"_id": "q2", "text": "hoi thao chinh quyen dien tuu", "kind": "typo", "split": "heldout"},
    ]
    (folder / "queries.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in queries)
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "eval", str(folder), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    groups = json.loads(result.stdout)["groups"]
    assert set(groups) == {"dev", "dev/telex", "heldout", "heldout/typo", "all/telex", "all/typo"}
    assert groups["dev/telex"]["queries"] == 1 and groups["dev/telex"]["mrr@10"] == 1.0
