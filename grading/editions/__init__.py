"""The editions that deliver the lessons to students: the local lab, the course wheel and the
browser site (``lite``).
"""
