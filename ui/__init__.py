"""The only Streamlit-aware helpers: cached loaders, sign-in, shared widgets."""
