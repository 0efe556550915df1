"""Bulk imports into the register (the campaigners' spreadsheet format, issue 2 §5): see `spreadsheet`."""
