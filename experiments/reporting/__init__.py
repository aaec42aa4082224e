"""From results to what a person reads: documents, figures, answers in words, and the report.

document.py   sections, tables and figures, written as HTML and Markdown
figures.py    a single run's figures
plots.py      a sweep's figures (fans, heat maps, paired differences, sensitivity, PRIM boxes)
answers/      the questions a spec's `[report] answers` names, answered in words with numbers
report.py     `attrition report` and `attrition headline`
"""
