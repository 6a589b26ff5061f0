"""Finance exports of a billing period: the ledger workbook, the GL journal and aging CSVs, a manifest."""
