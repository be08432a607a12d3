"""Rebuild the bundled demo data set under data/demo from ../shared/data (run once by hand).

Copies the DECP award records (gzipped, unchanged) and the HILMA 2014 notices and awards, and
derives a supplier-profile CSV from the PRH/YTJ register sample, with attribution files.
"""

from __future__ import annotations

import csv
import gzip
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
OUT = ROOT / "data" / "demo"


def _current(items: list[dict], lang: str = "3") -> str:
    live = [i for i in items if not i.get("endDate")] or items
    for item in live:
        for d in item.get("descriptions", []):
            if d.get("languageCode") == lang:
                return str(d["description"])
    return ""


def ytj_profiles(src: Path, dest: Path) -> int:
    """One profile row per limited company in the YTJ sample (sole traders are people: skipped)."""
    data = json.loads(src.read_text(encoding="utf-8"))
    rows = []
    for response in data.values():
        for c in response.get("companies", []):
            form = _current(c.get("companyForms", []))
            if form != "Limited company":
                continue
            names = [n for n in c.get("names", []) if n.get("type") == "1"]
            name = next(
                (n["name"] for n in names if not n.get("endDate")),
                names[0]["name"] if names else "",
            )
            line = c.get("mainBusinessLine") or {}
            descs = {d["languageCode"]: d["description"] for d in line.get("descriptions", [])}
            city = ""
            for addr in c.get("addresses", []):
                for po in addr.get("postOffices", []):
                    city = city or po.get("city", "")
            rows.append({
                "id": c["businessId"]["value"], "name": name,
                "description": ". ".join(x for x in (descs.get("1"), descs.get("3")) if x),
                "industry_codes": f"TOL2008:{line['type']}" if line.get("type") else "",
                "region": city.title(), "website": "", "country": "FI",
                "registration_date": c.get("registrationDate") or "",
            })  # fmt: skip
    with dest.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def funding_subset(src: Path, dest: Path, ids: set[str]) -> int:
    """The Business Finland rows of the demo's Finnish companies, columns as published."""
    with src.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if (r.get("Y-tunnus") or "").strip() in ids]
        fields = list(reader.fieldnames or [])
    with dest.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def main() -> None:
    (OUT / "decp").mkdir(parents=True, exist_ok=True)
    for f in sorted((SHARED / "decp-fr").glob("*.json")):
        with f.open("rb") as src, gzip.open(OUT / "decp" / (f.name + ".gz"), "wb", 9) as dst:
            shutil.copyfileobj(src, dst)
    for f in ("SOURCES.md", "LICENSE-Licence-Ouverte-2.0.md", "LICENSE-repo-MIT-eclaireur.txt"):
        shutil.copy(SHARED / "decp-fr" / f, OUT / "decp" / f)
    (OUT / "hilma-2014").mkdir(exist_ok=True)
    for f in ("notices_2014_full.json", "awards_2014.csv"):
        shutil.copy(SHARED / "hilma-2014" / f, OUT / "hilma-2014" / f)
    (OUT / "sirene").mkdir(exist_ok=True)
    for f in ("sirene_unitelegale_categorie_decp_titulaires.csv",
              "sirene_etablissements_decp_titulaires.csv", "SOURCES.md"):  # fmt: skip
        shutil.copy(SHARED / "sirene-fr" / f, OUT / "sirene" / f)
    (OUT / "profiles").mkdir(exist_ok=True)
    n = ytj_profiles(
        SHARED / "ytj-sample" / "ytj_cache.json", OUT / "profiles" / "fi_companies.csv"
    )
    shutil.copy(SHARED / "ytj-sample" / "SOURCES.md", OUT / "profiles" / "SOURCES.md")
    (OUT / "business-finland").mkdir(exist_ok=True)
    with (OUT / "profiles" / "fi_companies.csv").open(encoding="utf-8") as fh:
        ids = {r["id"] for r in csv.DictReader(fh)}
    with (OUT / "hilma-2014" / "awards_2014.csv").open(encoding="utf-8") as fh:
        ids |= {r["winner_business_id"].strip() for r in csv.DictReader(fh)} - {""}
    m = funding_subset(SHARED / "business-finland" / "BFData.csv",
                       OUT / "business-finland" / "funding.csv", ids)  # fmt: skip
    shutil.copy(SHARED / "business-finland" / "SOURCES.md", OUT / "business-finland" / "SOURCES.md")
    print(f"demo data written to {OUT} ({n} profiles, {m} funding rows)")


if __name__ == "__main__":
    main()
