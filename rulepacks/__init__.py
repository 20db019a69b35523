"""The built-in rule packs. Each registers through an entry point of the
``jixiao.rulepacks`` group in the project's pyproject.toml, exactly like a
third-party pack, and is discovered, validated and used by the same code path."""
