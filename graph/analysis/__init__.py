"""graph/analysis/: `policykg analyze`, the derived analyses of the whole store.

`analysis_graph.analyze` runs the steps and writes their results as one named graph
`id:graph/analysis`; `text_reuse` finds shared passages (plans and national frameworks), with
`alignment` giving difflib's blocks of a pair of texts,
`keyword_classifier` assigns pillars and policy instruments by keyword rules, `metrics` computes
centrality, communities, plan similarity and PMC features. DOCS: docs/analysis.md
"""
