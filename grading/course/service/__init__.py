"""Grade on submit: a JupyterHub managed service that grades each submission as it arrives."""
