"""The browser edition: a static JupyterLite site with a Pyodide kernel."""
