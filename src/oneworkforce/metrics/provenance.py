"""Which submissions a result came from.

A submission covers one organisation and month of one dataset, so the sources of a result are
the submissions of its datasets, for the partner organisations of its group, in the months its
window reads (both ends of a 12-month flow; every month of a rolling or year-to-date sum).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from oneworkforce.metrics.definitions import Metric
from oneworkforce.metrics.periods import source_months

ORG_KEYS = ("place", "segment")


@dataclass
class Provenance:
    """Partner organisations (code -> place, segment) and submissions per dataset and month."""

    organisations: Mapping[str, tuple[str | None, str | None]]
    submissions: Mapping[tuple[str, int], Mapping[str, frozenset[str]]]
    _cache: dict[tuple[object, ...], tuple[str, ...]] = field(default_factory=dict, repr=False)
    _orgs: dict[tuple[object, ...], tuple[str, ...]] = field(default_factory=dict, repr=False)
    _months: dict[tuple[object, ...], frozenset[str]] = field(default_factory=dict, repr=False)
    _by_figure: dict[tuple[object, ...], tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        organisations: Iterable[tuple[str, str | None, str | None]],
        submissions: Iterable[tuple[str, int, str, str]],
    ) -> Provenance:
        """From ``(org_code, place, segment)`` rows and ``(dataset, m, org, submission)`` rows."""
        index: dict[tuple[str, int], dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for dataset, m, org, submission in submissions:
            index[dataset, m][org].add(submission)
        frozen = {
            key: {org: frozenset(subs) for org, subs in per_org.items()}
            for key, per_org in index.items()
        }
        return cls({code: (place, segment) for code, place, segment in organisations}, frozen)

    def orgs_in(self, dims: Mapping[str, str | None]) -> tuple[str, ...]:
        """The partner organisations of a group (staff group and band do not narrow it)."""
        key = tuple((k, dims[k]) for k in ("org_code", *ORG_KEYS) if k in dims)
        if key not in self._orgs:
            self._orgs[key] = self._find_orgs(dims)
        return self._orgs[key]

    def _find_orgs(self, dims: Mapping[str, str | None]) -> tuple[str, ...]:
        if "org_code" in dims:  # one organisation, if it is a partner in the place/segment
            code = dims["org_code"]
            if not isinstance(code, str):
                return ()
            found = self.organisations.get(code)
            if found is None:
                return ()
            place, segment = found
            ok = dims.get("place", place) == place and dims.get("segment", segment) == segment
            return (code,) if ok else ()
        return tuple(
            code
            for code, (place, segment) in self.organisations.items()
            if dims.get("org_code", code) == code
            and dims.get("place", place) == place
            and dims.get("segment", segment) == segment
        )

    def sources(self, metric: Metric, m: int, dims: Mapping[str, str | None]) -> tuple[str, ...]:
        # called for every figure (230,000 in a rebuild of the ics demo): the answer is kept
        # by the metric, month and organisation-level group, built with as little as can be
        get = dims.get
        key = (
            metric.code,
            m,
            get("org_code"),
            get("place"),
            get("segment"),
            "org_code" in dims,
            "place" in dims,
            "segment" in dims,
        )
        found = self._by_figure.get(key)
        if found is None:
            found = self._by_figure[key] = self._sources(metric, m, dims)
        return found

    def _sources(self, metric: Metric, m: int, dims: Mapping[str, str | None]) -> tuple[str, ...]:
        org_key = tuple(dims.get(k) for k in ("org_code", *ORG_KEYS))
        months = source_months(metric.window, metric.measure, m)
        key = (metric.datasets, months, org_key, tuple(k in dims for k in ("org_code", *ORG_KEYS)))
        if key not in self._cache:
            group = key[2:]
            found: set[str] = set()
            for dataset in metric.datasets:
                for month in months:
                    found.update(self._month_sources(dataset, month, group, dims))
            self._cache[key] = tuple(sorted(found))
        return self._cache[key]

    def _month_sources(
        self, dataset: str, month: int, group: tuple[object, ...], dims: Mapping[str, str | None]
    ) -> frozenset[str]:
        """The submissions of one dataset and month for the organisations of a group."""
        key = (dataset, month, group)
        if key not in self._months:
            per_org = self.submissions.get((dataset, month), {})
            orgs = self.orgs_in(dims)
            if len(per_org) < len(orgs):
                members = frozenset(orgs)
                pairs = [subs for org, subs in per_org.items() if org in members]
            else:
                pairs = [per_org[org] for org in orgs if org in per_org]
            self._months[key] = frozenset().union(*pairs)
        return self._months[key]
