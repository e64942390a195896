"""The sales service levels: work time, SLA clocks per lead, service levels, reminders."""
