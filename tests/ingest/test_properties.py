"""Property-based tests: every reader over mutated copies of real sample files.

Each example takes a real excerpt (``tests/fixtures``), mutates some of its elements (fields
of the wrong type, deleted keys, elements that are not objects, huge strings, deep nesting,
broken CSV cells, damaged XML) and ingests it. Whatever the input: no exception but
``UnreadableFileError`` leaves ``ingest_file``; the untouched elements are stored; the counts
add up; a refused file leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from matcher.exceptions import UnreadableFileError
from matcher.ingest import FileReport, ingest_file
from matcher.ingest.decp import _to_record as decp_record
from matcher.ingest.hilma2014 import _notice as hilma_notice
from matcher.store.db import get_engine, migrate, session_scope
from matcher.store.models import (
    Identifier,
    Organisation,
    Procurement,
    Purchase,
    RejectedRecord,
    Signal,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
READERS = FIXTURES / "readers"
EXAMPLES = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])  # fmt: skip

# Valid JSON only: a NaN or Infinity literal is not JSON and refuses the whole (streamed) file.
_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    _scalars, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=8,
)  # fmt: skip
#: (kind, which key, payload) applied to one element.
mutations = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, 99), json_values),
    st.tuples(st.just("delete"), st.integers(0, 99), st.none()),
    st.tuples(st.just("set"), st.integers(0, 99), json_values),
    st.tuples(st.just("huge"), st.integers(0, 99), st.integers(100_001, 400_000)),
    st.tuples(st.just("deep"), st.integers(0, 99), st.integers(33, 5000)),
)
mutation_plans = st.dictionaries(st.integers(0, 30), mutations, min_size=1, max_size=4)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated empty SQLite store, copied for every example (migrating each time is slow)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    url = f"sqlite:///{path}"
    migrate(url)
    get_engine(url).dispose()
    return path


def _fresh(template: Path, tmp_path: Path, n: list[int]) -> str:
    n[0] += 1
    db = tmp_path / f"db{n[0]}.db"
    shutil.copy(template, db)
    return f"sqlite:///{db}"


def _count(url: str, model: type) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _ingest_checked(url: str, path: Path, fmt: str | None = None) -> FileReport | None:
    """Ingest ``path``; check the invariants that hold for any input. None if it was refused."""
    try:
        report = ingest_file(url, path, fmt)
    except UnreadableFileError:
        # Refused: nothing of the file is stored, not even its quarantined rows.
        for model in (Procurement, Purchase, Signal, Organisation, RejectedRecord):
            assert _count(url, model) == 0
        return None
    assert report.read == report.new + report.updated + report.unchanged + report.rejected
    assert _count(url, RejectedRecord) == report.rejected
    return report


def _mutate(
    elements: list[Any], plan: dict[int, tuple[str, int, Any]]
) -> tuple[list[Any], set[int], dict[str, int]]:
    """Apply ``plan`` to copies of ``elements``; returns them, the indices touched, the deep
    placeholders (written as nested arrays after ``json.dumps``, which cannot nest so deep)."""
    out = [json.loads(json.dumps(e)) for e in elements]
    touched: set[int] = set()
    deep: dict[str, int] = {}
    for index, (kind, key_no, payload) in plan.items():
        i = index % len(out)
        touched.add(i)
        element = out[i]
        if kind == "replace" or not isinstance(element, dict) or not element:
            out[i] = payload
            continue
        key = sorted(element)[key_no % len(element)]
        if kind == "delete":
            del element[key]
        elif kind == "set":
            element[key] = payload
        elif kind == "huge":
            element[key] = "x" * payload
        else:
            marker = f"__deep_{len(deep)}__"
            deep[marker] = payload
            element[key] = marker
    return out, touched, deep


def _dump(doc: Any, deep: dict[str, int]) -> str:
    text = json.dumps(doc, ensure_ascii=False)
    for marker, depth in deep.items():
        text = text.replace(f'"{marker}"', "[" * depth + "]" * depth)
    return text


def _procurement_ids(url: str) -> set[str]:
    with session_scope(url) as s:
        return set(s.scalars(select(Procurement.source_id)))


JSON_CASES: dict[str, tuple[str, Callable[[Any], list[Any]], Callable[[list[Any]], Any],
                            Callable[[Any], str]]] = {
    "decp": ("decp_e-marchespublics_excerpt.json", lambda d: d["marches"],
             lambda els: {"marches": els}, lambda e: decp_record(e).source_id),
    "hilma2014-notices": ("hilma2014_notices_excerpt.json", lambda d: d, lambda els: els,
                          lambda e: hilma_notice(e).source_id),
    "ocds": ("", lambda d: d, lambda els: {"releases": els}, lambda e: e["ocid"]),
}  # fmt: skip


def _source(case: str) -> Any:
    if case == "ocds":
        return [json.loads((READERS / f).read_text(encoding="utf-8"))
                for f in ("ocds_moldova_release.json", "ocds_mexico_cdmx_release.json")]  # fmt: skip
    return json.loads((READERS / JSON_CASES[case][0]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_json_readers_survive_mutated_elements(case: str, template: Path, tmp_path: Path) -> None:
    _, elements_of, wrap, key_of = JSON_CASES[case]
    elements, counter = elements_of(_source(case)), [0]

    @EXAMPLES
    @given(plan=mutation_plans)
    def check(plan: dict[int, tuple[str, int, Any]]) -> None:
        url = _fresh(template, tmp_path, counter)
        mutated, touched, deep = _mutate(elements, plan)
        path = tmp_path / f"{case}-{counter[0]}.json"
        path.write_text(_dump(wrap(mutated), deep), encoding="utf-8")
        report = _ingest_checked(url, path, case)
        untouched = {key_of(e) for i, e in enumerate(elements) if i not in touched}
        if untouched:  # a file with good elements is never refused as a whole
            assert report is not None
            assert untouched <= _procurement_ids(url)

    check()


@EXAMPLES
@given(plan=mutation_plans)
def test_ytj_reader_survives_mutated_companies(plan: dict[int, tuple[str, int, Any]],
                                               template: Path, tmp_path: Path) -> None:  # fmt: skip
    doc = json.loads((FIXTURES / "ytj" / "responses.json").read_text(encoding="utf-8"))
    companies = [c for r in doc.values() for c in r["companies"]]
    mutated, touched, deep = _mutate(companies, plan)
    path = tmp_path / "ytj.json"
    path.write_text(_dump({"totalResults": len(mutated), "companies": mutated}, deep))
    url = _fresh(template, tmp_path, [len(list(tmp_path.iterdir()))])
    report = _ingest_checked(url, path, "ytj")
    untouched = {c["businessId"]["value"] for i, c in enumerate(companies) if i not in touched}
    if untouched:
        assert report is not None
        with session_scope(url) as s:
            stored = set(
                s.scalars(select(Identifier.value).where(Identifier.scheme == "FI-YTUNNUS"))
            )
        assert untouched <= stored


CSV_CASES = {
    "profiles": "profiles_fi_companies_excerpt.csv",
    "business-finland": "business-finland_excerpt.csv",
    "sirene-categories": "sirene_categories_excerpt.csv",
    "sirene-establishments": "sirene_establishments_excerpt.csv",
    "invoices-fi-osta": "kemijarvi_2022-q4_purchase_invoices_excerpt.csv",
    "invoices-fi-raw": "valkeakoski_2018-08_purchase_invoices_excerpt.csv",
    "hilma2014-awards": "hilma2014_awards_excerpt.csv",
}
_cells = st.text(max_size=40) | st.sampled_from(["", "\x00", '"', "\n", "x" * 200_000, "1e999",
                                                 "nan", "-1", "0000000-0", "2024-13-45"])  # fmt: skip
csv_plans = st.dictionaries(
    st.integers(0, 30),
    st.one_of(
        st.tuples(st.just("cell"), st.integers(0, 20), _cells),
        st.tuples(st.just("drop"), st.integers(0, 20), st.none()),
        st.tuples(st.just("extra"), st.integers(0, 3), _cells),
        st.tuples(st.just("raw"), st.integers(0, 0), st.text(max_size=60)),
    ),
    min_size=1, max_size=4,
)  # fmt: skip


@pytest.mark.parametrize("fmt", sorted(CSV_CASES))
def test_csv_readers_survive_mutated_rows(fmt: str, template: Path, tmp_path: Path) -> None:
    src = READERS / CSV_CASES[fmt]
    header, *rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8"))))
    counter = [0]

    @EXAMPLES
    @given(plan=csv_plans)
    def check(plan: dict[int, tuple[str, int, Any]]) -> None:
        url = _fresh(template, tmp_path, counter)
        lines, touched = _mutated_csv(header, rows, plan)
        path = tmp_path / f"{counter[0]}" / src.name  # the raw layout reads its town from the name
        path.parent.mkdir()
        path.write_text("".join(lines), encoding="utf-8")
        report = _ingest_checked(url, path, fmt)
        assert report is not None  # the header is intact: the file is never refused whole
        if fmt != "hilma2014-awards":  # award rows group into notices: one record per row elsewhere
            assert report.read - report.rejected >= len(rows) - len(touched)

    check()


def _mutated_csv(header: list[str], rows: list[list[str]],
                 plan: dict[int, tuple[str, int, Any]]) -> tuple[list[str], set[int]]:  # fmt: skip
    out = [list(r) for r in rows]
    raw_lines: dict[int, str] = {}
    touched = set()
    for index, (kind, col, payload) in plan.items():
        i = index % len(out)
        touched.add(i)
        row = out[i]
        if kind == "cell" and row:
            row[col % len(row)] = payload
        elif kind == "drop" and row:
            del row[col % len(row) :]
        elif kind == "extra":
            row.extend([payload] * (col + 1))
        elif kind == "raw":
            raw_lines[i] = payload.replace("\n", " ") + "\n"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    lines = [buf.getvalue()]
    for i, row in enumerate(out):
        if i in raw_lines:
            lines.append(raw_lines[i])
            continue
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(row)
        lines.append(buf.getvalue())
    return lines, touched


_XML = [FIXTURES / "ted" / "can_24_minimal.xml", FIXTURES / "hilma" / "E1_minimum.xml",
        FIXTURES / "hilma" / "E4_minimum.xml"]  # fmt: skip
xml_edits = st.lists(
    st.tuples(st.sampled_from(["cut", "text", "deep", "drop-tag", "bytes"]),
              st.floats(0, 1), st.text(max_size=30), st.integers(1, 3000)),
    min_size=1, max_size=3,
)  # fmt: skip


@EXAMPLES
@given(source=st.sampled_from(_XML), edits=xml_edits)
def test_eforms_reader_survives_damaged_xml(source: Path, edits: list[tuple[str, float, str, int]],
                                            template: Path, tmp_path: Path) -> None:  # fmt: skip
    data = source.read_bytes()
    for kind, where, text, depth in edits:
        at = int(where * len(data))
        at = data.rfind(b">", 0, at) + 1 if b">" in data[:at] else at
        if kind == "cut":
            data = data[:at]
        elif kind == "text":
            data = data[:at] + text.encode("utf-8", "replace") + data[at:]
        elif kind == "deep":
            data = data[:at] + b"<a>" * depth + b"</a>" * depth + data[at:]
        elif kind == "drop-tag":
            end = data.find(b">", at)
            data = data[:at] + data[end + 1 :] if end > 0 else data
        else:
            data = data[:at] + bytes(range(256))[: depth % 256] + data[at:]
    path = tmp_path / "notice.xml"
    path.write_bytes(data)
    url = _fresh(template, tmp_path, [len(list(tmp_path.iterdir()))])
    _ingest_checked(url, path, "eforms")
