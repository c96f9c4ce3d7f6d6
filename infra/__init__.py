"""Infrastructure of Gridvend: the local stack, deploy scripts, lint config."""
