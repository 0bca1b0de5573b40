"""The instructor's course pipeline: the course folder, nbgrader glue, the gradebook and hand-ins.

Its stages are subpackages: ``autograde`` (grading submissions, split by how) and ``results``
(feedback, exports and the class report). Nothing on the student side imports this package.
"""
