"""The instructor's course pipeline: nbgrader glue, autograde, feedback, export, report and CLI.

Nothing on the student side imports this package; it imports the scoring layer
(``sourcewise.grading``) and the seeds, never the widgets' views.
"""
