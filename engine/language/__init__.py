"""The rules language and the case format: what policy staff and caseworkers write, read and validated.

    rules                the bundle's files as pydantic models; load_rules (errors with file and line),
                         the content hash that names a version
    vocabulary           the field catalogue (felter.yaml): sections, kinds, allowed values
    conditions           the condition language (alle/noen/ikke, comparisons, counts) and its bokmål text
    case                 the case models a vocabulary generates; validating a case
    numbers, texts       plain numbers durable_rules can read; the bokmål templates of explanations
    yaml_source          YAML with line numbers, so every error names file and line
    validation_messages  pydantic's errors in bokmål, one wording for every boundary

Imports nothing from evaluation or policy: the language stands on its own.
"""
