"""graph/summaries/: what the build and `policykg analyze` keep beside the plans so that the named
queries answer the whole corpus, a city or a source without running their SPARQL (issue #24).

- summary_format.py: which queries are summarised and how their rows combine, the summary graph's
  terms, fingerprints (when a summary is current).
- plan_summaries.py: writing each plan's summary (the build's workers), refreshing stale ones.
- table_codec.py: how rows are kept as text (string tables, the aggregates' compact form).
- corpus_rows.py: the whole-corpus rows combined from the summaries; `write_corpus_tables`.
- corpus_tables.py: those rows kept whole in the corpus graph: write, read, drop.
- spilled_sort.py: sorting more rows than memory should hold (sorted runs on disk, merged).
- plan_selection.py: the plans a source or a city selects, and the city index.
- scoped_rows.py: a summarised query for one city, source or indicator.
- analysis_rows.py: the analysis queries' tables (`write_analysis_tables`) and two queries' rows
  made from what analyze holds; analysis_scope.py: those tables' per-city and per-source index.

Import a name from the module that owns it. DOCS: docs/scale.md, docs/analysis.md
"""
