"""Sourcewise browser edition: imports never search the browser-backed /drive."""
import sys


class _SkipDrive:
    def __init__(self, path):
        if path != "/drive" and not path.startswith("/drive/"):
            raise ImportError("not in /drive")

    def find_spec(self, fullname, target=None):
        return None

    def invalidate_caches(self):
        pass


sys.path_hooks.insert(0, _SkipDrive)
sys.path_importer_cache.clear()
