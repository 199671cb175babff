"""genreason workbench: browse the data, compare verifiers, record human verdicts, run judging jobs.

    genreason app [--db DB] [--host 127.0.0.1] [--port 8501]
    streamlit run app/main.py --server.address 127.0.0.1      # the same, by hand

One entry file with `st.navigation` and one module per page under app/views/. Pages only read
inputs, call lib (through app/data.py, where every cached query lives) and render.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# `streamlit run` puts this folder on sys.path; AppTest and other runners may not.
APP_DIR = Path(__file__).resolve().parent
if str(APP_DIR) not in sys.path:
    sys.path.insert(0, str(APP_DIR))

import sidebar  # noqa: E402

# A local favicon: an emoji or material icon would make the browser fetch it from a CDN.
st.set_page_config(page_title="genreason workbench", page_icon=str(APP_DIR / "static" / "favicon.png"),
                   layout="wide")

# The navigation list. A new page (Training, Evaluation) is one module in views/ and one line here.
PAGES = [
    st.Page("views/dataset.py", title="Dataset", icon=":material/table_view:", default=True),
    st.Page("views/verifiers.py", title="Verifiers", icon=":material/balance:"),
    st.Page("views/curation.py", title="Curation", icon=":material/filter_alt:"),
    st.Page("views/training.py", title="Training", icon=":material/model_training:"),
    st.Page("views/evaluation.py", title="Evaluation", icon=":material/fact_check:"),
]

page = st.navigation(PAGES)
sidebar.render()
page.run()
