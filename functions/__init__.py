"""Lambda functions: one package each; `common` holds the HTTP edge they share."""
