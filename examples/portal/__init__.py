"""An example district portal embedding permitflow (FastAPI + SQLAlchemy): see app.py."""
