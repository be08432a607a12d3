"""Shortlists: the ranking for a need (or a cluster), the suppliers a broker keeps from it with a
mark and a note, the CSV export, and clusters as each user may see them."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..exceptions import NotFoundError, PermissionDeniedError
from ..schemas import MatchRequest
from ..store.broker_models import Cluster, Need, ShortlistEntry, User
from ..store.company_models import Proposal
from ..store.models import Organisation
from .accounts import can_access
from .needs import load_need, need_out, need_text
from .schemas import ClusterOut, MarkIn, ShortlistEntryOut, ShortlistOut

if TYPE_CHECKING:
    from ..service import Matcher


def _entry_out(e: ShortlistEntry) -> ShortlistEntryOut:
    s = e.supplier
    return ShortlistEntryOut(
        supplier_id=e.supplier_id, supplier_name=s.name if s else None,
        identifiers=[f"{i.scheme}:{i.value}" for i in s.identifiers] if s else [],
        mark=e.mark, note=e.note, rank_at_mark=e.rank_at_mark, updated_at=e.updated_at,
    )  # fmt: skip


def shortlist(session: Session, user: User, need_id: int, matcher: Matcher,
              k: int = 20) -> ShortlistOut:  # fmt: skip
    """The ranked suppliers for a need, with the entries already kept."""
    need = load_need(session, user, need_id)
    result = matcher.match(MatchRequest(text=need_text(need)[:5000], cpv=list(need.cpv or []),
                                        buyer_id=need.buyer_id, k=k))  # fmt: skip
    entries = sorted(need.shortlist, key=lambda e: (e.rank_at_mark or 10**6, e.supplier_id))
    proposed = session.scalars(select(Proposal.organisation_id).where(Proposal.need_id == need.id)
                               .distinct())  # fmt: skip
    return ShortlistOut(need_id=need.id, ranking=result.results,
                        entries=[_entry_out(e) for e in entries],
                        need_innovation=result.need_innovation,
                        proposed_by=sorted(proposed))  # fmt: skip


def mark(session: Session, user: User, need_id: int, supplier_id: int,
         data: MarkIn) -> ShortlistEntryOut:  # fmt: skip
    """Keep a supplier on a need's shortlist, or change its mark and note.

    Raises:
        NotFoundError: if the need or the supplier does not exist.
        PermissionDeniedError: if the need is not the user's.
    """
    need = load_need(session, user, need_id)
    if session.get(Organisation, supplier_id) is None:
        raise NotFoundError(f"no supplier {supplier_id}")
    entry = session.scalar(select(ShortlistEntry).where(
        ShortlistEntry.need_id == need.id, ShortlistEntry.supplier_id == supplier_id))  # fmt: skip
    if entry is None:
        entry = ShortlistEntry(need_id=need.id, supplier_id=supplier_id, rank_at_mark=data.rank,
                               updated_by=user.id)  # fmt: skip
        session.add(entry)
    # An empty note keeps the one written before: changing a mark should not erase it.
    entry.mark, entry.updated_by = data.mark, user.id
    entry.note = data.note.strip() or entry.note or ""
    if data.rank is not None and entry.rank_at_mark is None:
        entry.rank_at_mark = data.rank
    session.flush()
    session.refresh(entry)
    return _entry_out(entry)


def remove(session: Session, user: User, need_id: int, supplier_id: int) -> None:
    """Take a supplier off a need's shortlist.

    Raises:
        NotFoundError: if it is not on it.
    """
    need = load_need(session, user, need_id)
    entry = next((e for e in need.shortlist if e.supplier_id == supplier_id), None)
    if entry is None:
        raise NotFoundError(f"supplier {supplier_id} is not on the shortlist of need {need_id}")
    session.delete(entry)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run in a spreadsheet (CSV injection): quote it.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_csv(session: Session, user: User, need_id: int) -> str:
    """The shortlist of a need as CSV (UTF-8, one row per supplier)."""
    need = load_need(session, user, need_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["need_id", "need_title", "supplier_id", "supplier_name", "identifiers",
                     "mark", "note", "rank_at_mark", "updated_at"])  # fmt: skip
    for e in sorted(need.shortlist, key=lambda e: (e.rank_at_mark or 10**6, e.supplier_id)):
        o = _entry_out(e)
        writer.writerow([_cell(x) for x in (need.id, need.title, o.supplier_id, o.supplier_name,
                                            " ".join(o.identifiers), o.mark, o.note,
                                            o.rank_at_mark, o.updated_at)])  # fmt: skip
    return out.getvalue()


def cluster_out(cluster: Cluster, user: User) -> ClusterOut:
    """A cluster with the members ``user`` may see."""
    visible = [n for n in cluster.needs if can_access(user, n)]
    return ClusterOut(id=cluster.id, label=cluster.label, reasons=list(cluster.reasons or []),
                      cohesion=cluster.cohesion, members=[need_out(n) for n in visible],
                      n_hidden=len(cluster.needs) - len(visible))  # fmt: skip


def list_clusters(session: Session, user: User) -> list[ClusterOut]:
    """Clusters with at least one member the user may see."""
    out = []
    for c in session.scalars(select(Cluster).order_by(Cluster.id)):
        if any(can_access(user, n) for n in c.needs):
            out.append(cluster_out(c, user))
    return out


def load_cluster(session: Session, user: User, cluster_id: int) -> Cluster:
    """A cluster the user may see.

    Raises:
        NotFoundError: if there is no such cluster (clusters are renumbered when needs change).
        PermissionDeniedError: if none of its members is the user's.
    """
    cluster = session.get(Cluster, cluster_id)
    if cluster is None:
        raise NotFoundError(f"no cluster {cluster_id}")
    if not any(can_access(user, n) for n in cluster.needs):
        raise PermissionDeniedError(f"cluster {cluster_id} holds none of your needs")
    return cluster


def cluster_text(cluster: Cluster) -> tuple[str, list[str]]:
    """The members' titles and descriptions joined, and their CPV codes: the cluster as one need."""
    needs: list[Need] = list(cluster.needs)
    text = " ".join(need_text(n) for n in needs)[:5000]
    codes = list(dict.fromkeys(c for n in needs for c in (n.cpv or [])))[:20]
    return text, codes


def cluster_ranking(session: Session, user: User, cluster_id: int, matcher: Matcher,
                    k: int = 20) -> ShortlistOut:  # fmt: skip
    """The ranking for a cluster taken as one need (entries stay with the member needs)."""
    cluster = load_cluster(session, user, cluster_id)
    text, codes = cluster_text(cluster)
    result = matcher.match(MatchRequest(text=text, cpv=codes, k=k))
    return ShortlistOut(need_id=0, ranking=result.results, entries=[],
                        need_innovation=result.need_innovation)  # fmt: skip


def get_cluster(session: Session, user: User, cluster_id: int) -> ClusterOut:
    """One cluster with the members the user may see (errors as :func:`load_cluster`)."""
    return cluster_out(load_cluster(session, user, cluster_id), user)
