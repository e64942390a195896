"""LeadPact's domain: the Sales & Marketing SLA, measured. Never imports streamlit."""
