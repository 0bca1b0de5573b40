"""What grading gives back: feedback pages, CSV exports and the class report."""
