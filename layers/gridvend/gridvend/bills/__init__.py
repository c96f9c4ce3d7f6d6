"""Generic bills: numbered from the tenant's numbering rules, drafted, then checked (approved) or unchecked."""
