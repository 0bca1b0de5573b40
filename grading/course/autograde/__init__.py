"""Autograde, split by how: ``run`` (the command), ``from_answers`` (scores from answers files),
``in_kernels`` (nbgrader runs the notebooks), ``workers`` (parallel processes), ``steps``
(nbgrader preprocessors Sourcewise adds) and ``score_only`` (scores printed, nothing recorded).
"""
