"""`bot.py eval --answers`: the answer line judged on data/eval/answers, with a floor in CI."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index.evaluation import (
    VIETNEWS_ENV,
    find_vietnews,
    load_answer_questions,
    run_answer_eval,
)

from .conftest import ROOT

ANSWERS = ROOT / "data" / "eval" / "answers"
MACHINE_SHARED_PARENT = Path("/work")  # this machine's ../shared lives in /work/shared

# Measured on 2026-11-29: precision 1.000, coverage 0.862, false answers 0.000 (README). The
# floors keep the issue's targets (0.90, 0.60, 0.10) with room to notice a regression first.
PRECISION_FLOOR = 0.95
COVERAGE_FLOOR = 0.75
FALSE_ANSWER_CEILING = 0.10


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    # Above the checkout (../shared), else where this machine keeps the shared material, for a
    # clone made elsewhere (CI's); $VIETNEWS_FILE names it anywhere.
    vietnews = find_vietnews(ROOT) or find_vietnews(MACHINE_SHARED_PARENT)
    if vietnews is None:
        pytest.fail(
            f"vietnews-val.jsonl.gz not found in a shared/data/vietnews folder above {ROOT} "
            f"or {MACHINE_SHARED_PARENT}, nor in ${VIETNEWS_ENV}"
        )
    return run_answer_eval(ANSWERS, vietnews=vietnews, dictionary=ROOT / "data" / "dictionary.txt")


def test_the_set_has_the_questions_the_issue_asks_for() -> None:
    questions = load_answer_questions(ANSWERS)
    assert len(questions) >= 80
    assert sum(not q.answerable for q in questions) >= 20
    assert {q.intent for q in questions} == {"who", "where", "when", "how_many"}


def test_the_answer_line_stays_above_its_floor(report) -> None:  # type: ignore[no-untyped-def]
    overall = report.overall
    assert overall.precision >= PRECISION_FLOOR, overall
    assert overall.coverage >= COVERAGE_FLOOR, overall
    assert overall.false_rate <= FALSE_ANSWER_CEILING, overall


def test_the_held_out_half_meets_the_targets(report) -> None:  # type: ignore[no-untyped-def]
    held_out = report.held_out
    assert held_out.precision >= 0.90 and held_out.coverage >= 0.60, held_out
    assert held_out.false_rate <= 0.10, held_out


def test_cli_eval_answers_json_shape(tmp_path: Path) -> None:
    folder = tmp_path / "answers"
    folder.mkdir()
    questions = [
        {
            "_id": "a001",
            "text": "Hội thảo xây dựng chính quyền điện tử tỉnh Hòa Bình tổ chức ở đâu?",
            "intent": "where",
            "answerable": True,
            "article": "seed-hoa-binh",
            "gold": ["AP Plaza"],
        },
        {
            "_id": "a002",
            "text": "Làm căn cước công dân ở đâu?",
            "intent": "where",
            "answerable": False,
            "article": None,
            "gold": [],
        },
    ]
    (folder / "questions.jsonl").write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in questions), encoding="utf-8"
    )
    corpus = ROOT / "data" / "eval" / "tin-so"
    (tmp_path / "tin-so").symlink_to(corpus)
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "eval", "--answers", str(folder), "--json"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["all"]["precision"] == 1.0 and figures["all"]["coverage"] == 1.0
    assert figures["all"]["false_answer_rate"] == 0.0
    (shown, quiet) = figures["lines"]
    assert "AP Plaza" in shown["line"] and shown["correct"] is True
    assert quiet["line"] is None
