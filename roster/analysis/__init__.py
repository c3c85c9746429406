"""Analysis: judgements on a roster. The independent checker, the explanations of shortfalls and
of each secondee's weeks, and the overview of a scenario."""
