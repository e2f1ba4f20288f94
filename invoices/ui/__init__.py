"""The clerk UI for invoices: dashboard, list and CSV export, draft editor, invoice page and
documents. Views check shape with ``invoices.forms`` and call the services and selectors."""
