"""Search benchmark on a SYNTHETIC Vietnamese-like corpus: SQLite FTS5 and PostgreSQL against a naive LIKE scan.

Run: `make bench-search` or `python tests/benchmarks/bench_search.py [--docs N] [--no-postgres]`.
Not a pytest module. Loads N synthetic listings (default 100,000) into a temporary SQLite file and a
temporary database on the local PostgreSQL, then times the search backend exactly as the page calls
it, with and without facet counts, next to a naive `LIKE '%word%'` scan, on the same queries.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import and_, func, insert, or_, select, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

from marketplace import migrate  # noqa: E402
from marketplace.db import make_engine  # noqa: E402
from marketplace.search.database import DatabaseSearch, visible  # noqa: E402
from marketplace.search.documents import pipes, search_document, trl_range  # noqa: E402
from marketplace.search.postgres_fts import PostgresSearch  # noqa: E402
from marketplace.search.query import Audience, SearchQuery  # noqa: E402
from marketplace.search.sqlite_fts import Fts5Search  # noqa: E402
from marketplace.search.synonyms import Synonyms  # noqa: E402
from matching.text import fold  # noqa: E402

GLOSSARY = Synonyms.from_glossary(Path(__file__).resolve().parents[2] / "seed_data" / "glossary.csv")

# Function words head the Zipf ranking as in real text; then domain words of Huế's exchange; generated
# syllables form the long tail.
FUNCTION_WORDS = """và của các những được cho với trong là này có để một đã đang sẽ thì mà từ tại theo về bị do
nên nếu khi hay hoặc cũng rất đó như vì nhưng còn đến người năm không ra làm""".split()
WORDS = (
    FUNCTION_WORDS
    + """công nghệ quy trình sản xuất chế biến nghiên cứu ứng dụng tinh dầu dược liệu chất lượng nông nghiệp
thủy sản hợp tác xã doanh nghiệp chuyển giao sản phẩm tiêu chuẩn giải pháp hệ thống dữ liệu chuyển đổi số
phần mềm nuôi trồng cây giống môi trường xử lý nước thải năng lượng mặt trời vật liệu thiết bị kiểm nghiệm
bảo quản sau thu hoạch hoạt chất chiết xuất cao khô tràm gió sen Huế tôm thẻ đầm phá Tam Giang lúa hữu cơ
thanh trà cà gai leo nấm linh chi men vi sinh phân bón chế phẩm sinh học cảm biến giám sát tự động hóa
nhà kính tưới tiết kiệm du lịch di sản số hóa gốm Phước Tích nón lá thêu may mộc mỹ nghệ dệt zèng bún
mắm ruốc tiêu thụ thị trường xuất khẩu chuỗi giá trị truy xuất nguồn gốc OCOP GACP chứng nhận bằng sáng chế
giải pháp hữu ích li-xăng đào tạo tư vấn kỹ thuật thử nghiệm quy mô pilot công suất hiệu quả chi phí thấp
Phong Điền Quảng Điền Phú Vang Phú Lộc Hương Trà Hương Thủy A Lưới Nam Đông Thuận Hóa Phú Xuân Chân Mây
điện gió pin lưu trữ trạm sạc xe điện bê tông tro bay gạch không nung nhựa tái chế bao bì phân hủy""".split()
)
FUNCTION_SET = set(FUNCTION_WORDS)
ONSETS = "b c ch d đ g gi h kh l m n ng nh ph qu s t th tr v x".split()
RHYMES = "a ai an ang anh ao at ay âm ân ây e em en ê ênh i im in inh it o oa oan oi om ong ô ôi ông ơ ơi u ui ung ư ương".split()
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
STATUSES = ["published"] * 8 + ["draft", "submitted"]
SECTORS = [
    "medicinal",
    "health",
    "biotech",
    "agri_food",
    "aquaculture",
    "environment",
    "energy",
    "materials",
    "digital",
    "heritage_tourism",
    "handicrafts",
    "education",
]


def vocabulary(rng: random.Random) -> list[str]:
    """Real domain syllables first, then every generated one (onset + rhyme + tone) shuffled: the Zipf order."""
    generated = [
        unicodedata.normalize("NFC", onset + rhyme + tone) for onset in ONSETS for rhyme in RHYMES for tone in TONES
    ]
    rng.shuffle(generated)
    return list(dict.fromkeys([*WORDS, *generated]))


def corpus(n: int, seed: int = 2026) -> list[dict[str, object]]:
    """`n` synthetic listing documents with Zipf-distributed syllables."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(words))]
    now = int(time.time())

    def phrase(count: int) -> str:
        return " ".join(rng.choices(words, weights, k=count))

    docs = []
    for i in range(n):
        published = now - rng.randint(0, 400) * 86400
        trl = rng.randint(1, 9)
        docs.append(
            {
                "kind": "offer" if i % 3 else "need",
                "entity_id": i + 1,
                "status": rng.choice(STATUSES),
                "organization_id": rng.randint(1, 200),
                "title": phrase(rng.randint(6, 14)),
                "summary": phrase(rng.randint(18, 40)),
                "keywords": "\n".join(phrase(2) for _ in range(4)),
                "org_name": phrase(5),
                "body": phrase(rng.randint(60, 140)),
                "org_name_vi": None,
                "org_name_en": None,
                "sector_code": rng.choice(SECTORS),
                "trl": trl,
                "trl_range": trl_range(trl),
                "ip_status": rng.choice(["none", "filed", "patent"]),
                "collaboration_types": pipes(rng.sample(["licence", "transfer", "consulting"], 2)),
                "org_kind": rng.choice(["university", "enterprise", "cooperative"]),
                "ward": rng.choice(["Phú Xuân", "Thuận Hóa", "Phong Điền"]),
                "published_ts": published,
                "confirmed_ts": published + rng.randint(0, 30) * 86400,
            }
        )
    return docs


def query_sets(docs: list[dict[str, object]], per_set: int, seed: int = 7) -> dict[str, list[str]]:
    """Queries cut from the corpus's own text (so they find something): 1–3 syllables, accented or not, prefixes."""
    rng = random.Random(seed)
    sets: dict[str, list[str]] = {}
    for length in (1, 2, 3):
        picked = []
        while len(picked) < per_set:  # what people type: content words, not function words
            words = str(rng.choice(docs)["title"]).split()
            start = rng.randrange(0, len(words) - length + 1)
            window = words[start : start + length]
            if not any(w in FUNCTION_SET for w in window):
                picked.append(" ".join(window).lower())
        sets[f"{length} syllable{'s' if length > 1 else ''}, accented"] = [q + " " for q in picked]
        sets[f"{length} syllable{'s' if length > 1 else ''}, without accents"] = [fold(q) + " " for q in picked]
    prefixes = []
    for q in sets["2 syllables, accented"]:
        head, last = q.split()[:-1], q.split()[-1]
        prefixes.append(" ".join([*head, last[: max(2, len(last) - 1)]]))
    sets["prefix of the last word (2 syllables)"] = prefixes
    return sets


def load(engine: Engine, docs: list[dict[str, object]]) -> float:
    """Organizations and documents into a migrated database; returns the seconds the documents took."""
    migrate.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organization (name_vi, name_en, kind, ward, description_vi, description_en, verified, is_demo, created_at) "
                "VALUES (:n, '', 'enterprise', '', '', '', false, true, CURRENT_TIMESTAMP)"
            ),
            [{"n": f"Đơn vị {i}"} for i in range(1, 201)],
        )
    started = time.perf_counter()
    with engine.begin() as conn:
        for start in range(0, len(docs), 5000):
            conn.execute(insert(search_document), docs[start : start + 5000])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE search_document"))
    return time.perf_counter() - started


def like_scan(session: Session, query: str) -> int:
    """The naive baseline: every word as LIKE '%word%' over the text columns, newest 20 and the total."""
    doc = search_document.c
    words = query.split()
    matches = [
        or_(*[column.like(f"%{w}%") for column in (doc.title, doc.summary, doc.keywords, doc.body)]) for w in words
    ]
    statement = (
        select(doc.id, doc.title, func.count().over())
        .where(doc.status == "published", and_(*matches))
        .order_by(doc.published_ts.desc())
        .limit(20)
    )
    return len(session.execute(statement).all())


def timed(action: Callable[[], object]) -> tuple[float, float]:
    """Milliseconds of wall-clock and of this process's CPU time that `action` took."""
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def matches(session: Session, backend: DatabaseSearch, query: str) -> int:
    """How many published documents match (uncapped), to show how selective a query set is."""
    terms = backend.synonyms.expand(SearchQuery(text=query).terms)
    matching = backend.matching(terms, [visible(Audience())]).subquery()
    return int(session.execute(select(func.count()).select_from(matching)).scalar_one())


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(
    engine: Engine, backend: DatabaseSearch, sets: dict[str, list[str]], like_per_set: int, cpu: bool
) -> list[tuple[str, ...]]:
    """Rows of the results table for one database (`cpu`: the database runs in this process).

    "search" is the whole answer of `/api/v1/search` and of the page: the ranked page of 20 with
    marked text, the total and the facet counts. "ranked" leaves the facet counts out where a
    backend counts them apart; both now count them with the matching (SQLite in memory, PostgreSQL in
    the page's statement since session 7), so the two columns time the same call, twice."""
    rows = []
    without_facets = type(backend)(backend.freshness_days, backend.synonyms)
    without_facets.facet_counts = lambda *args: {}  # type: ignore[method-assign]
    with Session(engine) as session:
        started = time.perf_counter()
        backend.search(session, SearchQuery(text="a"), Audience())  # the first search loads what it keeps
        without_facets.search(session, SearchQuery(text="a"), Audience())
        print(f"(first search: {(time.perf_counter() - started) * 1000:.0f} ms)")
        for name, queries in sets.items():
            for q in queries[:5]:  # warm the caches
                backend.search(session, SearchQuery(text=q), Audience())
            timings = [timed(lambda q=q: backend.search(session, SearchQuery(text=q), Audience())) for q in queries]
            ranked = [
                timed(lambda q=q: without_facets.search(session, SearchQuery(text=q), Audience()))[0] for q in queries
            ]
            like = [timed(lambda q=q: like_scan(session, q))[0] for q in queries[:like_per_set]]
            found = [matches(session, backend, q) for q in queries[:20]]
            (s50, s95), (c50, c95) = percentiles([w for w, _ in timings]), percentiles([c for _, c in timings])
            (r50, r95), (l50, l95) = percentiles(ranked), percentiles(like)
            cpu_cells = (f"{c50:.1f}", f"{c95:.1f}") if cpu else ("—", "—")
            rows.append(
                (
                    name,
                    f"{statistics.median(found):,.0f}",
                    f"{s50:.1f}",
                    f"{s95:.1f}",
                    *cpu_cells,
                    f"{r50:.1f}",
                    f"{r95:.1f}",
                    f"{l50:.0f}",
                    f"{l95:.0f}",
                    f"{l50 / s50:.0f}×",
                    f"{l50 / r50:.0f}×",
                )
            )
    return rows


def machine() -> str:
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    memory = ""
    if Path("/proc/meminfo").exists():
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    import sqlite3

    return (
        f"{cpu}, {os.cpu_count()} CPUs{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; {load_average()}"
    )


def load_average() -> str:
    """The machine's load: other processes sharing the CPUs make every figure slower."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def table(title: str, rows: list[tuple[str, ...]]) -> str:
    head = (
        "query",
        "median matches",
        "search p50 ms",
        "search p95 ms",
        "search CPU p50",
        "search CPU p95",
        "ranked p50 ms",
        "ranked p95 ms",
        "LIKE p50 ms",
        "LIKE p95 ms",
        "LIKE / search p50",
        "LIKE / ranked p50",
    )
    lines = [f"**{title}**", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def postgres_database(base: str) -> tuple[str, Callable[[], None]]:
    admin = make_engine(base).execution_options(isolation_level="AUTOCOMMIT")
    name = f"hue_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60, help="queries per set")
    parser.add_argument("--like", type=int, default=15, help="queries per set for the (slow) LIKE baseline")
    parser.add_argument(
        "--postgres", default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://root@127.0.0.1:5432/test")
    )
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(
        f"SYNTHETIC corpus: {args.docs:,} Vietnamese-like listings (Zipf over {len(WORDS)} domain words "
        "+ generated syllables); 80% published. Warm caches, one process, times in milliseconds."
    )
    print(f"Machine: {machine()}")
    docs = corpus(args.docs)
    sets = query_sets(docs, args.queries)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        seconds = load(engine, docs)
        size = sum(f.stat().st_size for f in Path(folder).iterdir()) / 1e6
        print(f"\nSQLite: {args.docs:,} documents indexed in {seconds:.1f} s; database {size:.0f} MB")
        print(table("SQLite FTS5", measure(engine, Fts5Search(synonyms=GLOSSARY), sets, args.like, cpu=True)))
        print(f"({load_average()} at the end)")
        engine.dispose()
    if args.no_postgres:
        return
    url, drop = postgres_database(args.postgres)
    try:
        engine = make_engine(url)
        seconds = load(engine, docs)
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar_one()
        print(f"\nPostgreSQL {version}: {args.docs:,} documents indexed in {seconds:.1f} s (temporary database)")
        print(
            table(
                "PostgreSQL full-text", measure(engine, PostgresSearch(synonyms=GLOSSARY), sets, args.like, cpu=False)
            )
        )
        print(f"({load_average()} at the end)")
        engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
