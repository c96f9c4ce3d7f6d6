"""Reports: sales facts from the table's stream, rollup cells, grouping and report definitions. Pure."""
