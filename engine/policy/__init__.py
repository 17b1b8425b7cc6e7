"""Tools for policy staff, built on the language and the evaluation.

    lint       valid rules that are still wrong policy: never true, duplicates, protected attributes
    impact     a draft against past cases: who gains and loses rank (konsekvensanalyse)
    scenarios  disputed cases in YAML as tests (the pytest plugin in scenarios/conftest.py)
    schemas    JSON Schemas of the rules, case and scenario files, for editors
"""
