"""Matching benchmark on a SYNTHETIC Vietnamese-like corpus: fit, one-listing latency, all-pairs top-10.

Run: `python tests/benchmarks/bench_matching.py [--quick]`. Not a pytest module (no asserts on time).
Each measurement runs in its own subprocess so its peak memory (sampled RSS) is its own.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# Most frequent real Vietnamese syllables, roughly by frequency (function words first):
# they head the Zipf ranking like they do in real text.
COMMON = """và của là có các được trong cho không người một những với này đã để năm công
ra về từ khi theo đến nhiều như tại thì sẽ cũng vào phải đó nhà nước việc làm hơn sau mà
đi nhưng lại còn ở bị nên nếu hay rất vì do trên số mới cao phát triển sản xuất kinh tế
thành phố huế tỉnh xã hội dân học đại trường nghiên cứu khoa kỹ thuật hợp tác chuyển giao
ứng dụng mô hình sử dụng nông nghiệp dược liệu thủy sản môi chất lượng sinh giá trị thị
doanh nghiệp quản lý dự án chương trình hoạt động cây trồng nuôi chế biến tinh dầu sen""".split()

ONSETS = "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split() + [""]
RHYMES = """a ai am an ang anh ao au ay ac ach at ap ăm ăn ăng ăc ăt ăp âm ân âng âu ây âc ât âp e em en
eo ec et ep ê êm ên ênh êu êch êt i ia im in inh iu ich it ip iêm iên iêng iêu iêc iêt o oa oai oan
oang oanh oat oac oe oi om on ong oc ot op ô ôi ôm ôn ông ôc ôt ơ ơi ơm ơn ơt u ua uân uât uê ui um
un ung uy uyên uyêt uôi uôn uông uôc uôt ư ưa ưi ưu ưng ưc ưt ươi ươm ương ươu ươc ươt y""".split()
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # ngang huyền sắc hỏi ngã nặng
VOWELS = set("aăâeêioôơuưy")


def _toned(rhyme: str, tone: str) -> str:
    """Return the rhyme with its tone mark on the vowel that carries it."""
    idx = [i for i, ch in enumerate(rhyme) if ch in VOWELS]
    marked = [i for i in idx if rhyme[i] in "ăâêôơư"]
    if marked:
        pos = marked[-1]
    elif rhyme[-1] not in VOWELS or rhyme[:2] in ("oa", "oe", "uy"):
        pos = idx[-1] if rhyme[-1] not in VOWELS else idx[1]
    else:
        pos = idx[0]
    return unicodedata.normalize("NFC", rhyme[: pos + 1] + tone + rhyme[pos + 1 :])


def syllable_inventory(size: int, rng: np.random.Generator) -> list[str]:
    """Return `size` distinct syllables: common real ones first, then generated onset+rhyme+tone."""
    generated = []
    for onset in ONSETS:
        for rhyme in RHYMES:
            front = rhyme[0] in "ieê"
            if (onset in ("c", "g", "ng") and front) or (onset in ("k", "gh", "ngh") and not front):
                continue
            stop = rhyme[-1] in "ctp" or rhyme.endswith("ch")
            for tone in (TONES[2], TONES[5]) if stop else TONES:
                generated.append(onset + _toned(rhyme, tone))
    rng.shuffle(generated)
    seen = dict.fromkeys(COMMON)
    for syllable in generated:
        if len(seen) >= size:
            break
        seen.setdefault(syllable)
    return list(seen)


def zipf(n: int, s: float = 1.0, shift: float = 2.7) -> np.ndarray:
    """Return Zipf–Mandelbrot probabilities for ranks 1..n."""
    weights = 1.0 / (np.arange(1, n + 1) + shift) ** s
    return weights / weights.sum()


def make_corpus(n_docs: int, seed: int = 0, words_per_doc: int = 60) -> list[str]:
    """Return n_docs synthetic Vietnamese-like texts (Zipf words of 1–2 Zipf syllables)."""
    rng = np.random.default_rng(seed)
    syllables = np.array(syllable_inventory(6000, np.random.default_rng(42)))
    lexicon_rng = np.random.default_rng(7)
    picks = lexicon_rng.choice(len(syllables), size=(40_000, 2), p=zipf(len(syllables)))
    two = lexicon_rng.random(40_000) < 0.7
    lexicon = list(COMMON) + [
        f"{syllables[a]} {syllables[b]}" if t else syllables[a] for (a, b), t in zip(picks, two, strict=True)
    ]
    lengths = np.clip(rng.normal(words_per_doc, 15, n_docs).astype(int), 8, 4 * words_per_doc)
    words = rng.choice(len(lexicon), size=int(lengths.sum()), p=zipf(len(lexicon), s=1.05))
    docs, start = [], 0
    for length in lengths:
        chunk = [lexicon[w] for w in words[start : start + length]]
        start += length
        cut = max(3, length // 2)
        docs.append(f"{chunk[0].capitalize()} {' '.join(chunk[1:cut])}, {' '.join(chunk[cut:])}.")
    return docs


class PeakRss:
    """Context manager sampling this process's RSS every 5 ms; `.peak` in bytes."""

    def __enter__(self) -> PeakRss:
        import psutil

        self._process, self._running = psutil.Process(), True
        self.start = self.peak = self._process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while self._running:
            self.peak = max(self.peak, self._process.memory_info().rss)
            time.sleep(0.005)

    def __exit__(self, *exc: object) -> None:
        self._running = False
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def _timed(action: Callable[[], object], repeats: int) -> dict[str, float]:
    """Return median seconds and median peak RSS (MB) of an action over repeats."""
    seconds, cpu, peaks = [], [], []
    for _ in range(repeats):
        gc.collect()
        with PeakRss() as rss:
            began, began_cpu = time.perf_counter(), time.process_time()
            action()
            seconds.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
        peaks.append(rss.peak / 2**20)
    return {
        "seconds": round(statistics.median(seconds), 3),
        "cpu_seconds": round(statistics.median(cpu), 3),
        "peak_rss_mb": round(statistics.median(peaks)),
    }


def _naive_scipy_top10(queries, index, chunk: int = 1000) -> None:  # type: ignore[no-untyped-def]
    """Baseline: chunked scipy product, densified, argpartition per row."""
    for start in range(0, queries.shape[0], chunk):
        scores = (queries[start : start + chunk] @ index).toarray()
        best = np.argpartition(-scores, 9, axis=1)[:, :10]
        np.take_along_axis(scores, best, axis=1)


def run_worker(task: str, n_docs: int, repeats: int) -> dict[str, object]:
    """Run one measurement in this process and return its figures."""
    from matching import TfidfMatcher
    from matching.topn import top_k

    corpus = make_corpus(n_docs)
    result: dict[str, object] = {"task": task, "docs": n_docs, "repeats": repeats, "load_1min": os.getloadavg()[0]}
    if task == "fit":
        result |= _timed(lambda: TfidfMatcher().fit(corpus), repeats)
    matcher = TfidfMatcher().fit(corpus)
    result |= {"features": len(matcher.vocabulary_), "nnz": int(matcher.index_.nnz)}
    if task == "latency":
        listings, latencies = make_corpus(200, seed=1), []
        with PeakRss() as rss:
            for text in listings:
                began = time.perf_counter()
                matcher.rank_one(text, k=10)
                latencies.append(1000 * (time.perf_counter() - began))
        result |= {
            "p50_ms": round(float(np.percentile(latencies, 50)), 2),
            "p95_ms": round(float(np.percentile(latencies, 95)), 2),
        }
        result |= {"peak_rss_mb": round(rss.peak / 2**20)}
    if task in ("allpairs", "allpairs+baseline"):
        result |= {"rank_" + key: value for key, value in _timed(lambda: matcher.rank(corpus, k=10), repeats).items()}
        vectors = matcher.transform(corpus)

        def product_only() -> None:
            top_k(
                lambda a, b: vectors[a:b], vectors.shape[0], matcher.index_, 10, matcher.chunk_size, matcher.n_threads
            )

        result |= {"topn_" + key: value for key, value in _timed(product_only, repeats).items()}
        if task == "allpairs+baseline":
            baseline = _timed(lambda: _naive_scipy_top10(vectors, matcher.index_), repeats)
            result |= {"scipy_" + key: value for key, value in baseline.items()}
            result["speedup"] = round(baseline["seconds"] / result["topn_seconds"], 2)  # type: ignore[operator]
    return result


def machine() -> dict[str, object]:
    """Return CPU, memory and library details of this machine."""
    import psutil
    import scipy
    import sklearn
    import sparse_dot_topn
    from threadpoolctl import threadpool_info

    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next(
            (ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines() if ln.startswith("model name")), cpu
        )
    return {
        "date": date.today().isoformat(),
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "sparse_dot_topn": sparse_dot_topn.__version__,
        "blas_threads": {info["internal_api"]: info["num_threads"] for info in threadpool_info()},
    }


def plan(quick: bool) -> list[tuple[str, int, int]]:
    """Return the (task, docs, repeats) measurements to run."""
    if quick:
        return [("fit", 2000, 3), ("fit", 5000, 3), ("latency", 5000, 1), ("allpairs+baseline", 3000, 3)]
    return [
        ("fit", 10_000, 3),
        ("fit", 100_000, 3),
        ("latency", 100_000, 1),
        ("allpairs+baseline", 20_000, 3),
        ("allpairs", 100_000, 2),
    ]


def summary(result: dict) -> str:  # type: ignore[type-arg]
    """Return one readable line for a measurement."""
    head = f"{result['task']:<18} {result['docs']:>7} docs (load {result['load_1min']:.1f}):"
    if result["task"] == "fit":
        return f"{head} fit {result['seconds']:.1f} s, peak RSS {result['peak_rss_mb']} MB"
    if result["task"] == "latency":
        return f"{head} one new listing p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms"
    line = (
        f"{head} rank() incl. vectorising {result['rank_seconds']:.1f} s (peak {result['rank_peak_rss_mb']} MB); "
        f"top-k product {result['topn_seconds']:.1f} s (peak {result['topn_peak_rss_mb']} MB)"
    )
    if "speedup" in result:
        line += f"; naive scipy {result['scipy_seconds']:.1f} s -> {result['speedup']}x"
    return line


def main() -> int:
    """Run every measurement in a subprocess; print a table and, last, one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--worker", nargs=3, metavar=("TASK", "DOCS", "REPEATS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        task, docs, repeats = args.worker
        print(json.dumps(run_worker(task, int(docs), int(repeats))))
        return 0
    details = machine()
    print("SYNTHETIC corpus: Vietnamese-like syllables (real onset/rhyme/tone inventory, Zipf frequencies),")
    print("not real listings. Machine:", json.dumps(details, ensure_ascii=False))
    results = []
    for task, docs, repeats in plan(args.quick):
        command = [sys.executable, __file__, "--worker", task, str(docs), str(repeats)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
        results.append(json.loads(output.strip().splitlines()[-1]))
        print(summary(results[-1]), flush=True)
    print(json.dumps({"machine": details, "synthetic": True, "results": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
