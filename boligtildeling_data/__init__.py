"""The default data folders as a plain install carries them: rules/, schemas/, examples/, scenarios/.

In the repository these folders stay at the top level, where policy staff edit
them and where the YAML files' relative references (`../schemas/...`,
`../examples/...`) point. `pyproject.toml` maps each onto a subpackage of this
one (`package-dir`), so a wheel installs them side by side here, next to
`engine` and `service`, and those references still hold.

Nothing needs to import this package. `engine.language.rules.default_rules_dir`,
`engine.policy.schemas.SCHEMA_DIR` and `service.config` find the folders by path: the
checkout's own folders when the code runs from a checkout, so an edit there
counts at once, else the copies in this folder.
"""
