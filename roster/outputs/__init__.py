"""Outputs: the tables and summary derived from a result, the output folder (written as one set,
read back), and the reports people read (Excel, HTML, calendars)."""
