"""The marketing side: MQL criteria and their preview, qualification, targets, routing, reports."""
