"""Grades into the school's LMS: its own gradebook import files, and LTI 1.3 grade passback.

``roster`` reads the roster the LMS exports and matches it to the gradebook's students;
``canvas_csv`` and ``moodle_csv`` write each LMS's gradebook import file; ``import_file``
puts them together for ``sourcewise export --lms``. ``ags_client``, ``lti_keys`` and ``push``
post scores through LTI Advantage's Assignment and Grade Services (``sourcewise lms push``).
"""
