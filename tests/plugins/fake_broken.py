"""A pack that fails on import (used by the discovery tests only)."""

raise RuntimeError("this pack is broken on purpose")
