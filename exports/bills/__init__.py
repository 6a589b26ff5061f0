"""Customer bills: the issued invoices of a period rendered to PDF, with print, e-mail and dunning output."""
