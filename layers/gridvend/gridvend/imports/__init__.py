"""Bulk imports from CSV or XLSX files: validate every row, then write the good ones in batches."""
