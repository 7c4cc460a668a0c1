"""The evaluation command and its metrics, on tiny made-up data."""

import csv
import json

import pytest

from matching.evaluate.__main__ import main
from matching.evaluate.metrics import ndcg_at, precision_at, recall_at, reciprocal_rank
from matching.evaluate.vire import load_vire, passage_key


def test_ranking_metrics_with_binary_relevance():
    ranked, relevant = [4, 2, 7, 1], {2, 1}
    assert precision_at(ranked, relevant, 1) == 0
    assert precision_at(ranked, relevant, 4) == 0.5
    assert recall_at(ranked, relevant, 2) == 0.5
    assert reciprocal_rank(ranked, relevant) == 0.5
    assert reciprocal_rank(ranked, {9}) == 0
    assert ndcg_at([2, 1], relevant, 10) == pytest.approx(1.0)
    assert 0 < ndcg_at(ranked, relevant, 10) < 1


def test_passage_key_normalises_like_the_published_protocol():
    assert passage_key("Điều\u200b 1.\u0007  Phạm vi\n\tđiều chỉnh ") == "Điều 1. Phạm vi điều chỉnh"
    assert passage_key("ﬁ Huế") == "fi Huế"


def test_vire_corpus_is_the_distinct_contexts_in_order(tmp_path):
    path = tmp_path / "mini.csv"
    rows = [
        ("Luật về tinh dầu tràm.", "Tinh dầu tràm là gì?"),
        ("Luật về đầm phá.", "Đầm phá là gì?"),
        ("Luật  về tinh dầu tràm.", "Ai quản lý tinh dầu tràm?"),
    ]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["context", "question", "answer"])
        writer.writerows((c, q, "") for c, q in rows)
    corpus, questions, gold = load_vire(path)
    assert corpus == ["Luật về tinh dầu tràm.", "Luật về đầm phá."]
    assert gold == [0, 1, 0] and len(questions) == 3
    main(["vire", str(path)])


def _seed(tmp_path):
    offer = {"key": "off-1", "status": "published", "language": "en", "title": "Cajeput essential oil distillation"}
    other = {"key": "off-2", "status": "published", "title": "Phần mềm kế toán", "keywords": ["kế toán"]}
    draft = {"key": "off-3", "status": "draft", "title": "Tinh dầu tràm", "keywords": []}
    need = {
        "key": "need-1",
        "language": "vi",
        "title": "Chưng cất tinh dầu tràm",
        "problem": "Lò tốn củi",
        "keywords": ["tràm"],
    }
    for folder, data in [
        ("offers", [offer, other, draft]),
        ("needs", [need]),
        ("judged_matches", {"need-1": ["off-1"]}),
    ]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "glossary.csv").write_text("vi,en\ntinh dầu,essential oil\ntràm,cajeput\n", encoding="utf-8")


def test_judged_prints_metrics_with_and_without_glossary_as_json(tmp_path, capsys):
    _seed(tmp_path)
    assert main(["judged", "--seed-dir", str(tmp_path)]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["offers"] == 2 and result["needs"] == 1
    assert result["with_glossary"]["P@1"] == 100.0
    assert result["without_glossary"]["P@1"] == 0.0
    assert set(result["with_glossary"]) == {"P@1", "P@5", "MRR", "nDCG@10", "cross_language"}
    assert result["cross_language_needs"] == 1


def test_matcher_parameters_can_be_overridden(tmp_path, capsys):
    _seed(tmp_path)
    main(["judged", "--seed-dir", str(tmp_path), "--set", "accent_weight=0", "--set", "tf=sublinear"])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["params"] == {"accent_weight": 0, "tf": "sublinear"}


def test_judged_reads_an_offers_translation_so_a_need_in_the_other_language_meets_it(tmp_path, capsys):
    _seed(tmp_path)
    offers = json.loads((tmp_path / "offers" / "a.json").read_text(encoding="utf-8"))
    offers[0]["translated_title"] = "Chưng cất tinh dầu tràm gió"
    (tmp_path / "offers" / "a.json").write_text(json.dumps(offers, ensure_ascii=False), encoding="utf-8")
    main(["judged", "--seed-dir", str(tmp_path)])
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["without_glossary"]["P@1"] == 100.0  # 0 without the translation (the test above)
